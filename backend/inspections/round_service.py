"""Rounds as people see them: due, overdue or done, and the technician's "my inspections"."""

from datetime import datetime

import msgspec
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.db import utcnow
from backend.inspections.models import InspectionPlan, InspectionRecord, InspectionRound
from backend.inspections.schemas import InspectionSummary, MyInspectionWork, RoundOut, RoundStatus
from backend.sites.scope import assigned_site_ids, get_scoped, scoped

SUBMITTED = ("submitted", "signed", "refused")


def round_status(
    due_start: datetime, due_end: datetime, done_at: datetime | None, now: datetime
) -> RoundStatus:
    """Done wins; otherwise the due window decides (its end is exclusive, as in schedule.py)."""
    if done_at is not None:
        return "done"
    if now >= due_end:
        return "overdue"
    return "due" if now >= due_start else "upcoming"


def status_filter(status: RoundStatus, now: datetime):
    open_ = InspectionRound.done_at.is_(None)
    return {
        "done": InspectionRound.done_at.is_not(None),
        "overdue": and_(open_, InspectionRound.due_end <= now),
        "due": and_(open_, InspectionRound.due_start <= now, InspectionRound.due_end > now),
        "upcoming": and_(open_, InspectionRound.due_start > now),
    }[status]


def rounds_query() -> Select:
    submitted = (
        select(func.count(func.distinct(InspectionRecord.asset_id)))
        .where(InspectionRecord.round_id == InspectionRound.id, InspectionRecord.state.in_(SUBMITTED))
        .scalar_subquery()
    )
    return select(InspectionRound, InspectionPlan.name, submitted).join(
        InspectionPlan, InspectionPlan.id == InspectionRound.plan_id
    )


def to_out(round_: InspectionRound, plan_name: str, submitted: int, now: datetime) -> RoundOut:
    status = round_status(round_.due_start, round_.due_end, round_.done_at, now)
    return RoundOut(
        id=round_.id,
        plan_id=round_.plan_id,
        plan_name=plan_name,
        site_id=round_.site_id,
        key=round_.key,
        period=round_.period,
        due_start=round_.due_start,
        due_end=round_.due_end,
        status=status,
        overdue=status == "overdue",
        assignee_id=round_.assignee_id,
        asset_count=round_.asset_count,
        submitted_count=submitted,
        done_at=round_.done_at,
    )


async def list_rounds(
    db: AsyncSession,
    user: CurrentUser,
    *,
    site_id: str | None = None,
    status: RoundStatus | None = None,
    mine: bool = False,
    now: datetime | None = None,
    limit: int = 200,
) -> list[RoundOut]:
    now = now or utcnow()
    stmt = rounds_query()
    if site_id is not None:
        stmt = stmt.where(InspectionRound.site_id == site_id)
    if status is not None:
        stmt = stmt.where(status_filter(status, now))
    if mine:
        stmt = stmt.where(InspectionRound.assignee_id == user.id)
    stmt = scoped(
        stmt.order_by(InspectionRound.due_end, InspectionRound.id).limit(limit), InspectionRound, user
    )
    return [to_out(r, name, n, now) for r, name, n in await db.execute(stmt)]


async def get_round(
    db: AsyncSession, round_id: str, user: CurrentUser, now: datetime | None = None
) -> RoundOut:
    await get_scoped(db, InspectionRound, round_id, user)
    row = (await db.execute(rounds_query().where(InspectionRound.id == round_id))).one()
    return to_out(*row, now or utcnow())


async def my_inspections(
    db: AsyncSession, user: CurrentUser, now: datetime | None = None
) -> MyInspectionWork:
    """Open rounds whose window has begun, on my sites, assigned to me or to nobody; by due end."""
    now = now or utcnow()
    stmt = (
        rounds_query()
        .where(
            InspectionRound.done_at.is_(None),
            InspectionRound.due_start <= now,
            InspectionRound.site_id.in_(assigned_site_ids(user)),
            or_(InspectionRound.assignee_id.is_(None), InspectionRound.assignee_id == user.id),
        )
        .order_by(InspectionRound.due_end, InspectionRound.id)
        .limit(200)
    )
    rounds = [to_out(r, name, n, now) for r, name, n in await db.execute(stmt)]
    drafts = await db.scalars(
        select(InspectionRecord)
        .where(InspectionRecord.inspector_id == user.id, InspectionRecord.state == "draft")
        .where(InspectionRecord.site_id.in_(assigned_site_ids(user)))
        .order_by(InspectionRecord.created_at)
    )
    return MyInspectionWork(rounds=rounds, drafts=[summary(d) for d in drafts])


def summary(record: InspectionRecord) -> InspectionSummary:
    return msgspec.convert(record, InspectionSummary, from_attributes=True)
