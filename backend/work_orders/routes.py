"""Dispatcher-console REST for the minimal work order; every write goes through the sync engine."""

from litestar import Request, delete, get, patch, post
from litestar.params import FromPath, JSONBody

from backend.auth.middleware import allow
from backend.deps import Db
from backend.users.models import Role
from backend.work_orders import service
from backend.work_orders.schemas import (
    AssignIn,
    CommentIn,
    TransitionIn,
    WorkOrderCreate,
    WorkOrderOut,
    WorkOrderPatch,
)

staff = [allow(Role.admin, Role.dispatcher)]
working = [allow(Role.admin, Role.dispatcher, Role.technician)]
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


ROUTES = [
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
