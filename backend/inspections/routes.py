from typing import Annotated

from litestar import Request, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from backend.auth.middleware import allow
from backend.deps import Db
from backend.inspections import plan_service, round_service, service, template_service
from backend.inspections.schemas import (
    FaultDraft,
    InspectionOut,
    InspectionPatch,
    InspectionStart,
    InspectionSubmit,
    InspectionSummary,
    MyInspectionWork,
    PlanCreate,
    PlanOut,
    PlanPatch,
    RoundOut,
    RoundStatus,
    TemplateOut,
    TemplateSummary,
)
from backend.inspections.templates import ChecklistTemplate
from backend.users.models import Role

admin_only = [allow(Role.admin)]
staff = [allow(Role.admin, Role.dispatcher)]
inspectors = [allow(Role.admin, Role.dispatcher, Role.technician)]
OptionalId = Annotated[str | None, QueryParameter(max_length=64)]


@get("/api/checklist-templates")
async def list_templates(db: Db) -> list[TemplateSummary]:
    return await template_service.list_templates(db)


@get("/api/checklist-templates/{template_id:str}")
async def get_template(db: Db, template_id: FromPath[str]) -> TemplateOut:
    return await template_service.get_template(db, template_id)


@post("/api/checklist-templates", guards=admin_only)
async def add_template_version(request: Request, db: Db, data: JSONBody[ChecklistTemplate]) -> TemplateOut:
    return await template_service.add_template_version(db, data, request.user)


@get("/api/inspection-plans")
async def list_plans(request: Request, db: Db, site_id: OptionalId = None) -> list[PlanOut]:
    return await plan_service.list_plans(db, request.user, site_id)


@post("/api/inspection-plans", guards=staff)
async def create_plan(request: Request, db: Db, data: JSONBody[PlanCreate]) -> PlanOut:
    return await plan_service.create_plan(db, data, request.user)


@get("/api/inspection-plans/{plan_id:str}")
async def get_plan(request: Request, db: Db, plan_id: FromPath[str]) -> PlanOut:
    return await plan_service.get_plan(db, plan_id, request.user)


@patch("/api/inspection-plans/{plan_id:str}", guards=staff)
async def update_plan(request: Request, db: Db, plan_id: FromPath[str], data: JSONBody[PlanPatch]) -> PlanOut:
    return await plan_service.update_plan(db, plan_id, data, request.user)


@delete("/api/inspection-plans/{plan_id:str}", guards=staff, status_code=204)
async def archive_plan(request: Request, db: Db, plan_id: FromPath[str]) -> None:
    await plan_service.archive_plan(db, plan_id, request.user)


@get("/api/inspection-rounds")
async def list_rounds(
    request: Request,
    db: Db,
    site_id: OptionalId = None,
    status: FromQuery[RoundStatus | None] = None,
    mine: FromQuery[bool] = False,
) -> list[RoundOut]:
    return await round_service.list_rounds(db, request.user, site_id=site_id, status=status, mine=mine)


@get("/api/inspection-rounds/{round_id:str}")
async def get_round(request: Request, db: Db, round_id: FromPath[str]) -> RoundOut:
    return await round_service.get_round(db, round_id, request.user)


@get("/api/my/inspections")
async def my_inspections(request: Request, db: Db) -> MyInspectionWork:
    return await round_service.my_inspections(db, request.user)


@post("/api/inspections", guards=inspectors)
async def start_inspection(request: Request, db: Db, data: JSONBody[InspectionStart]) -> InspectionOut:
    return await service.start_inspection(db, data, request.user)


@get("/api/inspections")
async def list_inspections(
    request: Request, db: Db, asset_id: OptionalId = None, round_id: OptionalId = None
) -> list[InspectionSummary]:
    return await service.list_inspections(db, request.user, asset_id=asset_id, round_id=round_id)


@get("/api/inspections/{inspection_id:str}")
async def get_inspection(request: Request, db: Db, inspection_id: FromPath[str]) -> InspectionOut:
    return await service.get_inspection(db, inspection_id, request.user)


@patch("/api/inspections/{inspection_id:str}", guards=inspectors)
async def update_inspection(
    request: Request, db: Db, inspection_id: FromPath[str], data: JSONBody[InspectionPatch]
) -> InspectionOut:
    return await service.update_inspection(db, inspection_id, data, request.user)


@post("/api/inspections/{inspection_id:str}/submit", guards=inspectors, status_code=200)
async def submit_inspection(
    request: Request, db: Db, inspection_id: FromPath[str], data: JSONBody[InspectionSubmit]
) -> InspectionOut:
    autocreate = request.app.state.settings.autocreate_work_orders_from_failed_items
    return await service.submit_inspection(db, inspection_id, data, request.user, autocreate=autocreate)


@get("/api/inspections/{inspection_id:str}/fault-drafts")
async def fault_drafts(request: Request, db: Db, inspection_id: FromPath[str]) -> list[FaultDraft]:
    return await service.fault_drafts(db, inspection_id, request.user)


ROUTES = [
    list_templates,
    get_template,
    add_template_version,
    list_plans,
    create_plan,
    get_plan,
    update_plan,
    archive_plan,
    list_rounds,
    get_round,
    my_inspections,
    start_inspection,
    list_inspections,
    get_inspection,
    update_inspection,
    submit_inspection,
    fault_drafts,
]
