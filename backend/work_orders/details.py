"""What a work-order screen shows beside the merge record: the transition history and the
stored deadlines with each SLA window's state (issue 5, items 4-5), and the comment authors'
names, read in a few queries for any number of orders."""

from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import utcnow
from backend.users.models import User
from backend.work_orders.escalation import sla_flags
from backend.work_orders.lifecycle import effective_severity
from backend.work_orders.models import WorkOrder, WorkOrderTransition
from backend.work_orders.schemas import SlaOut, TransitionOut, WorkOrderOut
from backend.work_orders.sla_clock import snapshot


def sla_out(order: WorkOrder, now: datetime) -> SlaOut:
    ticket = snapshot(order)
    flags = sla_flags(ticket, now) if ticket else None
    return SlaOut(
        severity=effective_severity(order),
        proposed_severity=order.proposed_severity,
        reported_at=order.reported_at,
        respond_by=order.respond_by,
        on_site_by=order.on_site_by,
        repaired_by=order.repaired_by,
        responded_at=order.responded_at,
        arrived_at=order.arrived_at,
        resolved_at=order.resolved_at,
        closed_at=order.closed_at,
        follow_up_due_by=order.follow_up_due_by,
        escalation_tier=order.escalation_tier,
        breached=bool(flags and flags.breached),
        windows=flags.windows if flags else [],
    )


async def _author_names(db: AsyncSession, outs: list[WorkOrderOut]) -> dict[str | None, str]:
    """Comment authors' display names, one query (phones cache them with the ticket)."""
    ids = {c.author_id for out in outs for c in out.comments if c.author_id}
    if not ids:
        return {}
    return dict((await db.execute(select(User.id, User.display_name).where(User.id.in_(ids)))).tuples().all())


async def with_details(
    db: AsyncSession, outs: list[WorkOrderOut], now: datetime | None = None
) -> list[WorkOrderOut]:
    if not outs:
        return outs
    now = now or utcnow()
    ids = [o.id for o in outs]
    # The sync store writes with plain statements: refresh whatever the session holds.
    stmt = select(WorkOrder).where(WorkOrder.id.in_(ids)).execution_options(populate_existing=True)
    orders = {o.id: o for o in await db.scalars(stmt)}
    history: dict[str, list[TransitionOut]] = {}
    rows = await db.scalars(
        select(WorkOrderTransition)
        .where(WorkOrderTransition.work_order_id.in_(ids))
        .order_by(WorkOrderTransition.received_at, WorkOrderTransition.id)
    )
    for row in rows:
        history.setdefault(row.work_order_id, []).append(
            msgspec.convert(row, TransitionOut, from_attributes=True)
        )
    names = await _author_names(db, outs)
    return [
        msgspec.structs.replace(
            out,
            comments=[msgspec.structs.replace(c, author_name=names.get(c.author_id)) for c in out.comments],
            history=history.get(out.id, []),
            sla=sla_out(orders[out.id], now),
            source=orders[out.id].source,
        )
        if out.id in orders
        else out
        for out in outs
    ]
