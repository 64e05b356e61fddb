"""generate_rounds over a year of every frequency, through the database: exact counts, no repeats."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from backend.audit.recorder import SYSTEM
from backend.auth.schemas import CurrentUser
from backend.db import session_scope
from backend.inspections.models import InspectionPlan, InspectionRound
from backend.inspections.plan_service import default_horizon, generate_rounds
from backend.inspections.round_service import list_rounds, round_status

# Plans running 1 Jan-31 Dec 2027. 1 Jan 2027 is a Friday: a plan starting mid-week gets that
# week's round (schedule.py), so the weekly kinds have one short first round, e.g. 2026-W53.
YEAR = {
    "daily": 365,
    "weekly": 53,
    "twice_weekly": 105,
    "biweekly": 27,
    "monthly": 12,
    "bimonthly": 6,
    "quarterly": 4,
    "three_per_quarter": 12,
    "half_yearly": 2,
    "yearly": 1,
}


async def in_session(app, work):
    async with session_scope(app.state.db, write=True) as session:
        session.info["actor"] = SYSTEM
        return await work(session)


async def add_year_plans(app, site_id: str) -> dict[str, str]:
    async def add(session):
        ids = {}
        for frequency in YEAR:
            plan = InspectionPlan(
                site_id=site_id,
                name=frequency,
                frequency=frequency,
                starts_on=date(2027, 1, 1),
                ends_on=date(2027, 12, 31),
            )
            session.add(plan)
            await session.flush()
            ids[plan.id] = frequency
        event = InspectionPlan(
            site_id=site_id,
            name="国庆前",
            frequency="event",
            starts_on=date(2027, 1, 1),
            event_date=date(2027, 10, 1),
        )
        session.add(event)
        await session.flush()
        ids[event.id] = "event"
        return ids

    return await in_session(app, add)


async def counts_by_plan(app) -> dict[str, int]:
    async def count(session):
        rows = await session.execute(
            select(InspectionRound.plan_id, func.count()).group_by(InspectionRound.plan_id)
        )
        return dict(rows.all())

    return await in_session(app, count)


async def test_a_year_of_each_frequency_gives_the_expected_rounds_and_a_rerun_adds_none(app, world):
    plans = await add_year_plans(app, world.a.site_id)
    await in_session(app, lambda s: generate_rounds(s, date(2027, 12, 31)))
    counts = {plans[p]: n for p, n in (await counts_by_plan(app)).items() if p in plans}
    assert counts == {**YEAR, "event": 1}
    again = await in_session(app, lambda s: generate_rounds(s, date(2027, 12, 31)))
    assert again.created == 0
    assert {plans[p]: n for p, n in (await counts_by_plan(app)).items() if p in plans} == counts


async def test_generating_month_by_month_gives_the_same_rounds_as_one_run(app, world):
    plans = await add_year_plans(app, world.a.site_id)
    for month in range(1, 13):
        await in_session(app, lambda s, m=month: generate_rounds(s, date(2027, m, 28)))
    await in_session(app, lambda s: generate_rounds(s, date(2027, 12, 31)))
    counts = {plans[p]: n for p, n in (await counts_by_plan(app)).items() if p in plans}
    assert counts == {**YEAR, "event": 1}


async def test_an_archived_plan_gets_no_new_rounds(app, world):
    async def archive_all(session):
        for plan in await session.scalars(select(InspectionPlan)):
            plan.archived_at = datetime(2026, 1, 1, tzinfo=UTC)

    await in_session(app, archive_all)
    assert (await in_session(app, lambda s: generate_rounds(s, date(2027, 12, 31)))).created == 0


async def test_open_rounds_past_their_window_are_listed_as_overdue(app, world):
    plans = await add_year_plans(app, world.a.site_id)
    await in_session(app, lambda s: generate_rounds(s, date(2027, 3, 31)))
    admin = CurrentUser(world.user_ids["admin"], "admin", "Admin", "admin", "zh-CN", "s")
    now = datetime(2027, 2, 15, 4, tzinfo=UTC)
    overdue = await in_session(app, lambda s: list_rounds(s, admin, status="overdue", now=now))
    monthly = [r.period for r in overdue if plans.get(r.plan_id) == "monthly"]
    assert monthly == ["2027-01"] and all(r.overdue for r in overdue)
    due = await in_session(app, lambda s: list_rounds(s, admin, status="due", now=now))
    assert [r.period for r in due if plans.get(r.plan_id) == "monthly"] == ["2027-02"]


def test_a_round_is_overdue_exactly_when_its_window_has_closed():
    start, end = datetime(2027, 1, 31, 16, tzinfo=UTC), datetime(2027, 2, 28, 16, tzinfo=UTC)
    assert round_status(start, end, None, datetime(2027, 1, 31, 15, tzinfo=UTC)) == "upcoming"
    assert round_status(start, end, None, start) == "due"
    assert round_status(start, end, None, end) == "overdue"
    assert round_status(start, end, end, end) == "done"


def test_the_default_horizon_is_a_week_past_today_in_the_contract_timezone():
    # 17:00 UTC is already the next day in China (UTC+8).
    assert default_horizon(datetime(2027, 1, 31, 17, tzinfo=UTC)) == date(2027, 2, 8)
