"""Work-order writes for the dispatcher console: each builds the mutation a phone would send
and hands it to the sync engine, so REST and sync share one set of rules and one store."""

from typing import Any

import msgspec
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.db import new_id, utcnow
from backend.dialect import run_statements
from backend.errors import NotFound
from backend.sites.scope import get_scoped, scoped
from backend.sync_api import service as sync
from backend.work_orders import lifecycle, store
from backend.work_orders.details import with_details
from backend.work_orders.dispatch import ensure_site_technician
from backend.work_orders.evidence import ensure_evidence_uploaded
from backend.work_orders.follow_up import follow_up_action
from backend.work_orders.models import WorkOrder
from backend.work_orders.schemas import (
    AssignIn,
    CommentIn,
    CommentOut,
    DispatchIn,
    PartsIn,
    SeverityIn,
    TransitionIn,
    WorkOrderCreate,
    WorkOrderOut,
    WorkOrderPatch,
)
from backend.work_orders.transitions import OPEN_STATUSES
from sync.protocol import Base, DiagnosisData, FollowUpData, VerificationData, mutation_from_builtins
from sync.rules import visible_events


def work_order_out(state: dict[str, Any]) -> WorkOrderOut:
    fields = state["fields"]
    return WorkOrderOut(
        id=state["id"],
        site_id=state["site_id"],
        asset_id=state.get("asset_id"),
        title=fields["title"],
        notes=fields["notes"],
        status=fields["status"],
        assignee_id=fields["assignee"],
        version=state["version"],
        deleted=state["deleted"],
        signed=store.DECLARATION.is_signed(fields),
        comments=_comments(state),
        clocks=state["clocks"],
        severity=fields.get("severity"),
        diagnosis=fields.get("diagnosis"),
        parts_used=fields.get("parts_used"),
        verification=fields.get("verification"),
        follow_up=fields.get("follow_up"),
    )


def _comments(state: dict[str, Any]) -> list[CommentOut]:
    events = state["events"]["comments"]
    return [
        CommentOut(id=c["id"], hlc=c["hlc"], body=c["body"], author_id=events[c["id"]].get("by"))
        for c in visible_events(state, "comments")
    ]


async def _apply(db: AsyncSession, user: CurrentUser, name: str, record_id: str, **args: Any) -> WorkOrderOut:
    wire = {
        "name": name,
        "id": new_id(),
        "client_id": "server",
        "seq": 1,
        "hlc": "000000000000000:00000:server",
        "record_id": record_id,
        **args,
    }
    out = work_order_out(await sync.apply(db, mutation_from_builtins(wire), user))
    return (await with_details(db, [out]))[0]


async def list_work_orders(db: AsyncSession, user: CurrentUser) -> list[WorkOrderOut]:
    stmt = scoped(select(WorkOrder.id).where(WorkOrder.deleted_at.is_(None)), WorkOrder, user)
    ids = list(await db.scalars(stmt.order_by(WorkOrder.created_at.desc()).limit(500)))
    states = await run_statements(db, lambda s: store.load(s, ids))
    return await with_details(db, [work_order_out(states[i]) for i in ids])


async def get_work_order(db: AsyncSession, work_order_id: str, user: CurrentUser) -> WorkOrderOut:
    await get_scoped(db, WorkOrder, work_order_id, user)
    states = await run_statements(db, lambda s: store.load(s, [work_order_id]))
    return (await with_details(db, [work_order_out(states[work_order_id])]))[0]


async def create_work_order(db: AsyncSession, data: WorkOrderCreate, user: CurrentUser) -> WorkOrderOut:
    record_id = data.id or new_id()
    out = await _apply(
        db,
        user,
        "work_order.create",
        record_id,
        title=data.title,
        notes=data.notes,
        site_id=data.site_id,
        asset_id=data.asset_id,
    )
    await db.execute(
        update(WorkOrder).where(WorkOrder.id == record_id).values(source=data.source, symptom=data.symptom)
    )
    await lifecycle.settle(db, record_id, utcnow(), data.fault_scope)
    if data.severity is not None:
        return await set_severity(db, record_id, SeverityIn(data.severity), user)
    return (await with_details(db, [out]))[0]  # with the deadlines settle just stored


async def set_work_order_fields(
    db: AsyncSession, work_order_id: str, data: WorkOrderPatch, user: CurrentUser
) -> WorkOrderOut:
    fields = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    return await _apply(db, user, "work_order.set_fields", work_order_id, fields=fields)


async def transition_work_order(
    db: AsyncSession, work_order_id: str, data: TransitionIn, user: CurrentUser
) -> WorkOrderOut:
    base = msgspec.to_builtins(Base(status=data.from_status))
    if data.to == "closed" and (await get_scoped(db, WorkOrder, work_order_id, user)).status == "signed":
        # The last step, taken online: the evidence's bytes must be here by now (evidence.py).
        await ensure_evidence_uploaded(db, "work_order", work_order_id, "close this ticket")
    return await _apply(
        db, user, "work_order.transition", work_order_id, to=data.to, base=base, reason=data.reason
    )


async def diagnose(
    db: AsyncSession, work_order_id: str, data: DiagnosisData, user: CurrentUser
) -> WorkOrderOut:
    diagnosis = msgspec.to_builtins(data)
    return await _apply(db, user, "work_order.diagnose", work_order_id, diagnosis=diagnosis)


async def record_parts(
    db: AsyncSession, work_order_id: str, data: PartsIn, user: CurrentUser
) -> WorkOrderOut:
    parts = msgspec.to_builtins(data.parts)
    return await _apply(db, user, "work_order.record_parts", work_order_id, parts=parts)


async def verify(
    db: AsyncSession, work_order_id: str, data: VerificationData, user: CurrentUser
) -> WorkOrderOut:
    verification = msgspec.to_builtins(data)
    return await _apply(db, user, "work_order.verify", work_order_id, verification=verification)


async def set_severity(
    db: AsyncSession, work_order_id: str, data: SeverityIn, user: CurrentUser
) -> WorkOrderOut:
    """The dispatcher's change of the proposed level; audited like every console write, and
    the stored deadlines follow it."""
    out = await _apply(db, user, "work_order.set_severity", work_order_id, severity=data.severity)
    await lifecycle.settle(db, work_order_id, utcnow())
    return (await with_details(db, [out]))[0]


async def record_follow_up(
    db: AsyncSession, work_order_id: str, data: FollowUpData, user: CurrentUser
) -> WorkOrderOut:
    """Satisfaction ≤ 2 reopens the ticket (same fault) or opens a new one (follow_up.py)."""
    out = await _apply(
        db, user, "work_order.record_follow_up", work_order_id, follow_up=msgspec.to_builtins(data)
    )
    action = follow_up_action(data.satisfaction, data.same_fault)
    reason = f"follow-up satisfaction {data.satisfaction}: {data.comment}".strip()
    if action == "reopen":
        return await transition_work_order(
            db, work_order_id, TransitionIn(to="reopened", reason=reason), user
        )
    if action == "new_ticket":
        await create_work_order(
            db,
            WorkOrderCreate(
                site_id=out.site_id,
                title=f"Follow-up of {out.title}"[:200],
                notes=reason,
                asset_id=out.asset_id,
                source="client",
            ),
            user,
        )
    return out


async def dispatch(db: AsyncSession, work_order_id: str, data: DispatchIn, user: CurrentUser) -> WorkOrderOut:
    """Assign, then move to dispatched (a reassignment when it was dispatched before)."""
    order = await get_scoped(db, WorkOrder, work_order_id, user)
    await ensure_site_technician(db, order.site_id, data.technician_id)
    await _apply(db, user, "work_order.assign", work_order_id, assignee=data.technician_id)
    return await transition_work_order(db, work_order_id, TransitionIn(to="dispatched"), user)


async def assign_work_order(
    db: AsyncSession, work_order_id: str, data: AssignIn, user: CurrentUser
) -> WorkOrderOut:
    return await _apply(db, user, "work_order.assign", work_order_id, assignee=data.assignee_id)


async def return_to_dispatch_queue(
    db: AsyncSession, site_id: str, technician_id: str, user: CurrentUser
) -> list[str]:
    """The open tickets at a site held by someone who is leaving it, unassigned so they wait on
    the board for dispatch again: each through the same assign as the console's, so the
    transition log, audit, change log and SLA handler (the service desk, once nobody holds
    it) follow. Work already done (repaired and later) stays with whoever did it."""
    stmt = select(WorkOrder.id).where(
        WorkOrder.site_id == site_id,
        WorkOrder.assignee_id == technician_id,
        WorkOrder.status.in_([str(s) for s in OPEN_STATUSES]),
        WorkOrder.deleted_at.is_(None),
    )
    ids = list(await db.scalars(scoped(stmt, WorkOrder, user).order_by(WorkOrder.created_at, WorkOrder.id)))
    for work_order_id in ids:
        await assign_work_order(db, work_order_id, AssignIn(assignee_id=None), user)
    return ids


async def add_comment(
    db: AsyncSession, work_order_id: str, data: CommentIn, user: CurrentUser
) -> WorkOrderOut:
    return await _apply(
        db, user, "work_order.add_comment", work_order_id, comment_id=data.id or new_id(), body=data.body
    )


async def remove_comment(
    db: AsyncSession, work_order_id: str, comment_id: str, user: CurrentUser
) -> WorkOrderOut:
    await _comment_exists(db, work_order_id, comment_id, user)
    return await _apply(db, user, "work_order.remove_comment", work_order_id, comment_id=comment_id)


async def delete_work_order(db: AsyncSession, work_order_id: str, user: CurrentUser) -> None:
    await _apply(db, user, "work_order.delete", work_order_id)


async def _comment_exists(db: AsyncSession, work_order_id: str, comment_id: str, user: CurrentUser) -> None:
    # The console removes comments it can see; a phone may remove one it has not pulled yet.
    state = await get_work_order(db, work_order_id, user)
    if all(c.id != comment_id for c in state.comments):
        raise NotFound(f"No comment with id {comment_id}.")
