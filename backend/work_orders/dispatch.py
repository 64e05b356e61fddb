"""Dispatch suggestions and technician whereabouts (issue 5, item 7).

The ranking is dispatch_rules.suggest_technicians; this module only gathers its facts: the
technicians assigned to the ticket's site, their shift flag, last reported position (POST
/api/me/position) or home base, and whether they already hold an open level-1 ticket.
"""

from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.db import utcnow
from backend.errors import Invalid
from backend.sites.models import Site, SiteAssignment
from backend.sites.scope import get_scoped
from backend.users.models import Role, User
from backend.work_orders.dispatch_rules import GeoPoint, Suggestion, Technician, suggest_technicians
from backend.work_orders.models import TechnicianStatus, WorkOrder
from backend.work_orders.schemas import PositionIn
from backend.work_orders.transitions import OPEN_STATUSES


class SuggestionsOut(msgspec.Struct):
    suggestions: list[Suggestion]
    unavailable: list[str]  # technician ids of the site not suggested (off shift, busy, unknown)


async def ensure_site_technician(db: AsyncSession, site_id: str, user_id: str) -> None:
    allowed = await db.scalar(
        select(User.id)
        .join(SiteAssignment, SiteAssignment.user_id == User.id)
        .where(SiteAssignment.site_id == site_id, User.id == user_id, User.role == Role.technician)
    )
    if allowed is None:
        raise Invalid("Dispatch goes to a technician assigned to this site.", code="not_site_technician")


async def site_technicians(db: AsyncSession, site_id: str) -> list[str]:
    rows = await db.scalars(
        select(User.id)
        .join(SiteAssignment, SiteAssignment.user_id == User.id)
        .where(SiteAssignment.site_id == site_id, User.role == Role.technician, User.disabled.is_(False))
        .order_by(User.id)
    )
    return list(rows)


async def _busy_with_level1(db: AsyncSession, user_ids: list[str]) -> set[str]:
    active = [str(s) for s in OPEN_STATUSES if s not in ("reported", "reopened")]
    rows = await db.scalars(
        select(WorkOrder.assignee_id).where(
            WorkOrder.assignee_id.in_(user_ids),
            WorkOrder.status.in_(active),
            WorkOrder.deleted_at.is_(None),
            (WorkOrder.severity == 1) | (WorkOrder.severity.is_(None) & (WorkOrder.proposed_severity == 1)),
        )
    )
    return set(rows)


def _technician(user_id: str, status: TechnicianStatus | None, busy: bool) -> Technician:
    if status is None:
        return Technician(id=user_id, on_shift=False, busy_with_level1=busy)
    here = None if status.latitude is None else GeoPoint(status.latitude, status.longitude or 0.0)
    home = (
        None if status.home_latitude is None else GeoPoint(status.home_latitude, status.home_longitude or 0.0)
    )
    return Technician(
        id=user_id,
        on_shift=status.on_shift,
        busy_with_level1=busy,
        last_position=here,
        last_position_at=status.position_at,
        home_base=home,
    )


async def suggestions(
    db: AsyncSession, work_order_id: str, user: CurrentUser, now: datetime | None = None
) -> SuggestionsOut:
    order = await get_scoped(db, WorkOrder, work_order_id, user)
    site = await db.get(Site, order.site_id)
    ids = await site_technicians(db, order.site_id)
    if site is None or site.latitude is None or site.longitude is None or not ids:
        return SuggestionsOut(suggestions=[], unavailable=ids)
    statuses = {
        s.user_id: s
        for s in await db.scalars(select(TechnicianStatus).where(TechnicianStatus.user_id.in_(ids)))
    }
    busy = await _busy_with_level1(db, ids)
    technicians = [_technician(i, statuses.get(i), i in busy) for i in ids]
    ranked = suggest_technicians(GeoPoint(site.latitude, site.longitude), technicians, now or utcnow())
    chosen = {s.technician_id for s in ranked}
    return SuggestionsOut(suggestions=ranked, unavailable=[i for i in ids if i not in chosen])


async def report_position(db: AsyncSession, data: PositionIn, user: CurrentUser) -> dict[str, object]:
    status = await db.get(TechnicianStatus, user.id)
    if status is None:
        status = TechnicianStatus(user_id=user.id, on_shift=True)
        db.add(status)
    status.latitude, status.longitude, status.position_at = data.latitude, data.longitude, utcnow()
    if data.on_shift is not None:
        status.on_shift = data.on_shift
    await db.flush()
    return {"on_shift": status.on_shift, "position_at": status.position_at.isoformat()}
