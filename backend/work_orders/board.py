"""The dispatcher board and the technician's "my work" list (issue 5, item 10).

Both read the stored deadlines and trusted milestones through escalation.sla_flags and
urgency_key, scoped to the caller's sites like every other list.
"""

from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.db import utcnow
from backend.sites.scope import scoped
from backend.work_orders.escalation import WindowStatus, sla_flags, urgency_key
from backend.work_orders.lifecycle import effective_severity
from backend.work_orders.models import WorkOrder
from backend.work_orders.sla_clock import snapshot
from backend.work_orders.transitions import OPEN_STATUSES


class BoardFilters(msgspec.Struct, forbid_unknown_fields=True):
    site_id: str | None = None
    severity: int | None = None
    state: str | None = None
    technician_id: str | None = None


class BoardTicket(msgspec.Struct):
    id: str
    site_id: str
    title: str
    status: str
    severity: int
    assignee_id: str | None
    reported_at: datetime | None
    escalation_tier: int
    breached: bool
    next_deadline: datetime | None
    seconds_left: int | None  # negative once overdue: the board's countdown
    windows: list[WindowStatus]


def board_ticket(order: WorkOrder, now: datetime) -> BoardTicket:
    ticket = snapshot(order)
    flags = sla_flags(ticket, now) if ticket else None
    pending = [w for w in (flags.windows if flags else []) if w.state != "met"]
    nearest = min(pending, key=lambda w: w.deadline) if pending else None
    return BoardTicket(
        id=order.id,
        site_id=order.site_id,
        title=order.title,
        status=order.status,
        severity=effective_severity(order),
        assignee_id=order.assignee_id,
        reported_at=order.reported_at,
        escalation_tier=order.escalation_tier,
        breached=bool(flags and flags.breached),
        next_deadline=nearest.deadline if nearest else None,
        seconds_left=int(nearest.remaining.total_seconds()) if nearest else None,
        windows=flags.windows if flags else [],
    )


def _sort_key(order: WorkOrder, now: datetime) -> tuple:
    ticket = snapshot(order)
    if ticket is None:  # never settled: after every clocked ticket
        return (True, order.created_at, 9, order.created_at, order.id)
    return urgency_key(ticket, now)


async def _open(db: AsyncSession, user: CurrentUser, filters: BoardFilters) -> list[WorkOrder]:
    stmt = select(WorkOrder).where(WorkOrder.deleted_at.is_(None))
    statuses = [str(s) for s in OPEN_STATUSES]
    stmt = (
        stmt.where(WorkOrder.status == filters.state)
        if filters.state
        else stmt.where(WorkOrder.status.in_(statuses))
    )
    if filters.site_id:
        stmt = stmt.where(WorkOrder.site_id == filters.site_id)
    if filters.technician_id:
        stmt = stmt.where(WorkOrder.assignee_id == filters.technician_id)
    orders = list(await db.scalars(scoped(stmt, WorkOrder, user).limit(2000)))
    if filters.severity:
        orders = [o for o in orders if effective_severity(o) == filters.severity]
    return orders


async def board(
    db: AsyncSession, user: CurrentUser, filters: BoardFilters, now: datetime | None = None
) -> list[BoardTicket]:
    now = now or utcnow()
    orders = sorted(await _open(db, user, filters), key=lambda o: _sort_key(o, now))
    return [board_ticket(o, now) for o in orders]


async def my_work_orders(
    db: AsyncSession, user: CurrentUser, now: datetime | None = None
) -> list[BoardTicket]:
    """Open tickets assigned to the caller, the nearest unmet deadline first."""
    return await board(db, user, BoardFilters(technician_id=user.id), now)
