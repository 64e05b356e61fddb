"""Inspection plans (CRUD, scoped by site) and round generation.

`generate_rounds` is the one place rounds are made: the CLI `weibao plan-rounds` calls it, and
the scheduler can later. It is idempotent twice over: schedule.rounds gives deterministic keys,
and (plan_id, key) is unique in the database, so a re-run only adds what is missing.
"""

from datetime import date, datetime, timedelta
from typing import Literal

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assets.models import Asset, SystemType
from backend.auth.schemas import CurrentUser
from backend.db import utcnow
from backend.errors import Conflict, Invalid
from backend.inspections import schedule
from backend.inspections.models import (
    ChecklistTemplateVersion,
    InspectionPlan,
    InspectionRecord,
    InspectionRound,
)
from backend.inspections.plan_scope import CATALOG_TYPES, scope_refusal
from backend.inspections.schemas import GenerateReport, PlanCreate, PlanOut, PlanPatch
from backend.sites.models import Site, SiteAssignment
from backend.sites.scope import get_scoped, scoped


def to_out(plan: InspectionPlan) -> PlanOut:
    return msgspec.convert(plan, PlanOut, from_attributes=True)


def schedule_plan(plan: InspectionPlan | PlanCreate, plan_id: str) -> schedule.InspectionPlan:
    if plan.ends_on is not None and plan.ends_on < plan.starts_on:
        raise Invalid("A plan cannot end before it starts.", code="bad_period")
    try:
        return schedule.InspectionPlan(
            id=plan_id,
            frequency=schedule.Frequency(plan.frequency),
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            event_date=plan.event_date,
            lead_days=plan.lead_days,
        )
    except ValueError as exc:
        raise Invalid(f"This plan is not usable: {exc}.", code="bad_plan") from exc


async def check_scope_fields(db: AsyncSession, plan: InspectionPlan) -> None:
    """Bad references give a 422 naming the field instead of a foreign-key failure."""
    if plan.system is not None and await db.get(SystemType, plan.system) is None:
        raise Invalid(f"Unknown system {plan.system}.", code="unknown_system")
    if plan.device_type is not None:
        await check_device_type(db, plan.device_type)
    if plan.asset_ids:
        found = set(
            await db.scalars(
                select(Asset.id).where(Asset.id.in_(plan.asset_ids), Asset.site_id == plan.site_id)
            )
        )
        missing = sorted(set(plan.asset_ids) - found)
        if missing:
            raise Invalid("Some assets are not at this plan's site.", detail=missing, code="unknown_assets")
    if plan.assignee_id is not None:
        assigned = await db.get(SiteAssignment, (plan.site_id, plan.assignee_id))
        if assigned is None:
            raise Invalid("The assignee is not assigned to this site.", code="assignee_not_on_site")


async def check_device_type(db: AsyncSession, device_type: str) -> None:
    """A plan naming a template's key or an uncovered type would select nothing to inspect."""
    carried = await db.scalars(select(Asset.device_type).where(Asset.device_type == device_type).limit(1))
    keys = await db.scalars(select(ChecklistTemplateVersion.key).distinct())
    refusal = scope_refusal(device_type, CATALOG_TYPES | set(carried), set(keys))
    if refusal is not None:
        raise refusal


async def create_plan(db: AsyncSession, data: PlanCreate, user: CurrentUser) -> PlanOut:
    await get_scoped(db, Site, data.site_id, user)
    plan = InspectionPlan(**msgspec.structs.asdict(data))
    schedule_plan(plan, "new")
    await check_scope_fields(db, plan)
    db.add(plan)
    await db.flush()
    return to_out(plan)


async def list_plans(db: AsyncSession, user: CurrentUser, site_id: str | None) -> list[PlanOut]:
    stmt = select(InspectionPlan).where(InspectionPlan.archived_at.is_(None))
    if site_id is not None:
        stmt = stmt.where(InspectionPlan.site_id == site_id)
    rows = await db.scalars(scoped(stmt.order_by(InspectionPlan.created_at), InspectionPlan, user))
    return [to_out(p) for p in rows]


async def get_plan(db: AsyncSession, plan_id: str, user: CurrentUser) -> PlanOut:
    return to_out(await get_scoped(db, InspectionPlan, plan_id, user))


RoundFate = Literal["keep", "update", "drop"]


def schedule_of(plan: InspectionPlan) -> tuple:
    """What decides the plan's rounds; lead days matter only before an event (schedule.py)."""
    lead = plan.lead_days if plan.frequency == "event" else None
    return (plan.frequency, plan.starts_on, plan.ends_on, plan.event_date, lead)


def round_after_edit(
    due_end: datetime, done_at: datetime | None, started: bool, now: datetime, rescheduled: bool
) -> RoundFate:
    """What a plan edit does to one of its rounds. Finished and past rounds are history
    (keep); an open or future round takes the new assignee and scope (update), unless the
    schedule changed and nobody has started it: the new schedule's round replaces it (drop)."""
    if done_at is not None or due_end <= now:
        return "keep"
    if rescheduled and not started:
        return "drop"
    return "update"


async def update_plan(
    db: AsyncSession, plan_id: str, data: PlanPatch, user: CurrentUser, now: datetime | None = None
) -> PlanOut:
    plan = await get_scoped(db, InspectionPlan, plan_id, user)
    if plan.archived_at is not None:
        raise Conflict("This plan is archived; create a new plan instead.", code="plan_archived")
    before = schedule_of(plan)
    for field, value in msgspec.structs.asdict(data).items():
        if value is not msgspec.UNSET:
            setattr(plan, field, value)
    schedule_plan(plan, plan.id)
    await check_scope_fields(db, plan)
    await db.flush()
    rescheduled = before != schedule_of(plan)
    await carry_edit_to_rounds(db, plan, now or utcnow(), rescheduled)
    return to_out(plan)


async def carry_edit_to_rounds(
    db: AsyncSession, plan: InspectionPlan, now: datetime, rescheduled: bool
) -> None:
    rounds = list(await db.scalars(select(InspectionRound).where(InspectionRound.plan_id == plan.id)))
    started = set(
        await db.scalars(
            select(InspectionRecord.round_id).where(InspectionRecord.round_id.in_([r.id for r in rounds]))
        )
    )
    asset_count = len(await plan_assets(db, plan))
    for round_ in rounds:
        match round_after_edit(round_.due_end, round_.done_at, round_.id in started, now, rescheduled):
            case "drop":
                await db.delete(round_)
            case "update":
                round_.assignee_id, round_.asset_count = plan.assignee_id, asset_count
    await db.flush()
    if rescheduled:
        await generate_plan_rounds(db, plan, default_horizon(now), open_after=now)


async def archive_plan(db: AsyncSession, plan_id: str, user: CurrentUser) -> None:
    """No new rounds; the existing rounds and their records stay for the reports."""
    plan = await get_scoped(db, InspectionPlan, plan_id, user)
    plan.archived_at = plan.archived_at or utcnow()
    await db.flush()


async def plan_assets(db: AsyncSession, plan: InspectionPlan) -> list[Asset]:
    stmt = select(Asset).where(Asset.site_id == plan.site_id, Asset.status != "retired")
    if plan.system is not None:
        stmt = stmt.where(Asset.system == plan.system)
    if plan.device_type is not None:
        stmt = stmt.where(Asset.device_type == plan.device_type)
    if plan.asset_ids:
        stmt = stmt.where(Asset.id.in_(plan.asset_ids))
    return list(await db.scalars(stmt.order_by(Asset.name)))


async def generate_plan_rounds(
    db: AsyncSession, plan: InspectionPlan, until: date, open_after: datetime | None = None
) -> int:
    """`open_after`: only rounds still open then (a re-planned schedule does not back-fill
    its past periods as overdue rounds)."""
    existing = set(await db.scalars(select(InspectionRound.key).where(InspectionRound.plan_id == plan.id)))
    wanted = [
        r
        for r in schedule.rounds(schedule_plan(plan, plan.id), plan.starts_on, until)
        if r.key not in existing and (open_after is None or r.due_end > open_after)
    ]
    if not wanted:
        return 0
    asset_count = len(await plan_assets(db, plan))
    for r in wanted:
        db.add(
            InspectionRound(
                plan_id=plan.id,
                site_id=plan.site_id,
                key=r.key,
                period=r.period,
                due_start=r.due_start,
                due_end=r.due_end,
                assignee_id=plan.assignee_id,
                asset_count=asset_count,
            )
        )
    await db.flush()
    return len(wanted)


async def generate_rounds(db: AsyncSession, until: date) -> GenerateReport:
    """Every round of every active plan whose window opens on or before `until`."""
    plans = list(await db.scalars(select(InspectionPlan).where(InspectionPlan.archived_at.is_(None))))
    created = 0
    for plan in plans:
        created += await generate_plan_rounds(db, plan, until)
    return GenerateReport(plans=len(plans), created=created, until=until)


def default_horizon(now: datetime, days_ahead: int = 7) -> date:
    """Today in the contract's timezone plus a week, so next week's rounds are visible."""
    return now.astimezone(schedule.CONTRACT_TZ).date() + timedelta(days=days_ahead)
