"""Dispatcher-console REST for work orders; every write goes through the sync engine."""

from typing import Annotated

from litestar import Request, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from backend.auth.middleware import allow
from backend.deps import Db
from backend.users.models import Role
from backend.work_orders import board, dispatch, service
from backend.work_orders.board import BoardFilters, BoardTicket
from backend.work_orders.dispatch import SuggestionsOut
from backend.work_orders.schemas import (
    AssignIn,
    CommentIn,
    DispatchIn,
    PartsIn,
    PositionIn,
    SeverityIn,
    TransitionIn,
    WorkOrderCreate,
    WorkOrderOut,
    WorkOrderPatch,
)
from sync.protocol import DiagnosisData, FollowUpData, VerificationData

staff = [allow(Role.admin, Role.dispatcher)]
working = [allow(Role.admin, Role.dispatcher, Role.technician)]
technicians = [allow(Role.technician)]
ONE = "/api/work-orders/{work_order_id:str}"


@get("/api/work-orders")
async def list_work_orders(request: Request, db: Db) -> list[WorkOrderOut]:
    return await service.list_work_orders(db, request.user)


@get(ONE)
async def get_work_order(request: Request, db: Db, work_order_id: FromPath[str]) -> WorkOrderOut:
    return await service.get_work_order(db, work_order_id, request.user)


@post("/api/work-orders", guards=staff)
async def create_work_order(request: Request, db: Db, data: JSONBody[WorkOrderCreate]) -> WorkOrderOut:
    return await service.create_work_order(db, data, request.user)


@patch(ONE, guards=staff)
async def set_work_order_fields(
    request: Request, db: Db, work_order_id: FromPath[str], data: JSONBody[WorkOrderPatch]
) -> WorkOrderOut:
    return await service.set_work_order_fields(db, work_order_id, data, request.user)


@post(ONE + "/transition", guards=working, status_code=200)
async def transition_work_order(
    request: Request, db: Db, work_order_id: FromPath[str], data: JSONBody[TransitionIn]
) -> WorkOrderOut:
    return await service.transition_work_order(db, work_order_id, data, request.user)


@post(ONE + "/assign", guards=staff, status_code=200)
async def assign_work_order(
    request: Request, db: Db, work_order_id: FromPath[str], data: JSONBody[AssignIn]
) -> WorkOrderOut:
    return await service.assign_work_order(db, work_order_id, data, request.user)


@post(ONE + "/comments", guards=working)
async def add_comment(
    request: Request, db: Db, work_order_id: FromPath[str], data: JSONBody[CommentIn]
) -> WorkOrderOut:
    return await service.add_comment(db, work_order_id, data, request.user)


@delete(ONE + "/comments/{comment_id:str}", guards=working, status_code=200)
async def remove_comment(
    request: Request, db: Db, work_order_id: FromPath[str], comment_id: FromPath[str]
) -> WorkOrderOut:
    return await service.remove_comment(db, work_order_id, comment_id, request.user)


@delete(ONE, guards=staff, status_code=204)
async def delete_work_order(request: Request, db: Db, work_order_id: FromPath[str]) -> None:
    await service.delete_work_order(db, work_order_id, request.user)


@post(ONE + "/diagnosis", guards=working, status_code=200)
async def diagnose(
    request: Request, db: Db, work_order_id: FromPath[str], data: JSONBody[DiagnosisData]
) -> WorkOrderOut:
    return await service.diagnose(db, work_order_id, data, request.user)


@post(ONE + "/parts", guards=working, status_code=200)
async def record_parts(
    request: Request, db: Db, work_order_id: FromPath[str], data: JSONBody[PartsIn]
) -> WorkOrderOut:
    return await service.record_parts(db, work_order_id, data, request.user)


@post(ONE + "/verification", guards=working, status_code=200)
async def verify(
    request: Request, db: Db, work_order_id: FromPath[str], data: JSONBody[VerificationData]
) -> WorkOrderOut:
    return await service.verify(db, work_order_id, data, request.user)


@post(ONE + "/severity", guards=staff, status_code=200)
async def set_severity(
    request: Request, db: Db, work_order_id: FromPath[str], data: JSONBody[SeverityIn]
) -> WorkOrderOut:
    return await service.set_severity(db, work_order_id, data, request.user)


@post(ONE + "/follow-up", guards=staff, status_code=200)
async def record_follow_up(
    request: Request, db: Db, work_order_id: FromPath[str], data: JSONBody[FollowUpData]
) -> WorkOrderOut:
    return await service.record_follow_up(db, work_order_id, data, request.user)


@post(ONE + "/dispatch", guards=staff, status_code=200)
async def dispatch_work_order(
    request: Request, db: Db, work_order_id: FromPath[str], data: JSONBody[DispatchIn]
) -> WorkOrderOut:
    return await service.dispatch(db, work_order_id, data, request.user)


@get(ONE + "/suggestions", guards=staff)
async def suggest_technicians(request: Request, db: Db, work_order_id: FromPath[str]) -> SuggestionsOut:
    return await dispatch.suggestions(db, work_order_id, request.user)


@post("/api/me/position", guards=technicians, status_code=200)
async def report_position(request: Request, db: Db, data: JSONBody[PositionIn]) -> dict[str, object]:
    return await dispatch.report_position(db, data, request.user)


@get("/api/board", guards=staff)
async def dispatcher_board(
    request: Request,
    db: Db,
    site_id: Annotated[str | None, QueryParameter()] = None,
    severity: Annotated[int | None, QueryParameter()] = None,
    status: Annotated[str | None, QueryParameter(name="state")] = None,
    technician_id: Annotated[str | None, QueryParameter()] = None,
) -> list[BoardTicket]:
    filters = BoardFilters(site_id=site_id, severity=severity, state=status, technician_id=technician_id)
    return await board.board(db, request.user, filters)


@get("/api/my/work-orders", guards=technicians)
async def my_work_orders(request: Request, db: Db) -> list[BoardTicket]:
    return await board.my_work_orders(db, request.user)


ROUTES = [
    diagnose,
    record_parts,
    verify,
    set_severity,
    record_follow_up,
    dispatch_work_order,
    suggest_technicians,
    report_position,
    dispatcher_board,
    my_work_orders,
    list_work_orders,
    get_work_order,
    create_work_order,
    set_work_order_fields,
    transition_work_order,
    assign_work_order,
    add_comment,
    remove_comment,
    delete_work_order,
]
