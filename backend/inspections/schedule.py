"""Inspection plan frequencies → due rounds (issue 5, item 2).

Periods are calendar periods in the contract's timezone:

- daily: one calendar day.                      weekly: one ISO week, Monday-Sunday.
- twice_weekly: each ISO week split Mon-Wed / Thu-Sun (two rounds per ISO week).
- biweekly: 14 days, counted in whole ISO weeks from the Monday of the plan's start week.
- monthly / bimonthly (Jan-Feb, Mar-Apr, ...) / quarterly / half_yearly / yearly: calendar.
- three_per_quarter: the quarter cut at its month boundaries, keyed by the quarter so reports
  can show "3 of 3 this quarter".
- event: one round before a holiday or major event, from ``lead_days`` before it up to the
  eve of the event.

A period belongs to the range ``[from_date, to_date]`` when its *effective first day* does:
the period's first day, or the plan's start if that is later (a plan starting on a Wednesday
gets this week's round, due Wednesday-Sunday). So consecutive ranges never generate a period
twice nor skip one, and a range's keys do not depend on how it was chunked. Keys are
``<plan id>:<period label>``, e.g. ``p7:2027-W05b``; the service stores them under a unique
constraint, which makes generation idempotent.

For a plan running all of 2027 that yields: daily 365, weekly 52 (ISO weeks whose Monday lies
in 2027; 2026-W53 began in 2026), twice_weekly 104, biweekly 26, monthly 12, bimonthly 6,
quarterly 4, three_per_quarter 12, half_yearly 2, yearly 1.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec


def _contract_tz() -> tzinfo:
    # China has kept UTC+8 without DST since 1991, so a fixed offset is exact when the
    # system has no tzdata.
    try:
        return ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=8), "CST")


CONTRACT_TZ = _contract_tz()


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    TWICE_WEEKLY = "twice_weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    BIMONTHLY = "bimonthly"
    QUARTERLY = "quarterly"
    THREE_PER_QUARTER = "three_per_quarter"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"
    EVENT = "event"


class InspectionPlan(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str
    frequency: Frequency
    starts_on: date
    ends_on: date | None = None
    event_date: date | None = None  # only for Frequency.EVENT
    lead_days: int = 3  # event plans: the round opens this many days before the event

    def __post_init__(self) -> None:
        if (self.frequency is Frequency.EVENT) != (self.event_date is not None):
            raise ValueError("an event_date is required for, and only for, event plans")
        if self.lead_days < 1:
            raise ValueError("lead_days must be at least 1 so the round ends before the event")


class Round(msgspec.Struct, frozen=True):
    key: str
    plan_id: str
    period: str
    first_day: date
    last_day: date
    due_start: datetime  # UTC, local midnight of first_day
    due_end: datetime  # UTC, exclusive: local midnight after last_day


class _Period(msgspec.Struct, frozen=True):
    first: date
    last: date
    label: str


def _iso_label(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _month_span(year: int, first_month: int, months: int) -> tuple[date, date]:
    start = date(year, first_month, 1)
    after = first_month + months
    end = date(year + (after - 1) // 12, (after - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def _daily(day: date, plan: InspectionPlan) -> _Period:
    return _Period(day, day, day.isoformat())


def _weekly(day: date, plan: InspectionPlan) -> _Period:
    monday = day - timedelta(days=day.weekday())
    return _Period(monday, monday + timedelta(days=6), _iso_label(monday))


def _twice_weekly(day: date, plan: InspectionPlan) -> _Period:
    monday = day - timedelta(days=day.weekday())
    early = day.weekday() < 3  # Monday-Wednesday, then Thursday-Sunday
    first = monday + timedelta(days=0 if early else 3)
    last = monday + timedelta(days=2 if early else 6)
    return _Period(first, last, _iso_label(monday) + ("a" if early else "b"))


def _biweekly(day: date, plan: InspectionPlan) -> _Period:
    anchor = plan.starts_on - timedelta(days=plan.starts_on.weekday())
    first = anchor + timedelta(days=(day - anchor).days // 14 * 14)
    return _Period(first, first + timedelta(days=13), _iso_label(first) + "-2w")


def _months(
    size: int, label: Callable[[int, int], str]
) -> Callable[[date, InspectionPlan], _Period]:
    def period(day: date, plan: InspectionPlan) -> _Period:
        index = (day.month - 1) // size
        first, last = _month_span(day.year, index * size + 1, size)
        return _Period(first, last, label(day.year, index + 1))

    return period


def _three_per_quarter(day: date, plan: InspectionPlan) -> _Period:
    first, last = _month_span(day.year, day.month, 1)
    quarter, third = (day.month - 1) // 3 + 1, (day.month - 1) % 3 + 1
    return _Period(first, last, f"{day.year}-Q{quarter}-{third}")


def _event(day: date, plan: InspectionPlan) -> _Period:
    assert plan.event_date is not None  # enforced by InspectionPlan.__post_init__
    first = plan.event_date - timedelta(days=plan.lead_days)
    return _Period(first, plan.event_date - timedelta(days=1), f"event-{plan.event_date}")


_PERIOD_OF: dict[Frequency, Callable[[date, InspectionPlan], _Period]] = {
    Frequency.DAILY: _daily,
    Frequency.WEEKLY: _weekly,
    Frequency.TWICE_WEEKLY: _twice_weekly,
    Frequency.BIWEEKLY: _biweekly,
    Frequency.MONTHLY: _months(1, lambda y, i: f"{y}-{i:02d}"),
    Frequency.BIMONTHLY: _months(2, lambda y, i: f"{y}-B{i}"),
    Frequency.QUARTERLY: _months(3, lambda y, i: f"{y}-Q{i}"),
    Frequency.THREE_PER_QUARTER: _three_per_quarter,
    Frequency.HALF_YEARLY: _months(6, lambda y, i: f"{y}-H{i}"),
    Frequency.YEARLY: _months(12, lambda y, i: f"{y}"),
    Frequency.EVENT: _event,
}


def _local_midnight_utc(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def _make_round(plan: InspectionPlan, period: _Period, tz: tzinfo) -> Round:
    first = max(period.first, plan.starts_on)
    last = period.last if plan.ends_on is None else min(period.last, plan.ends_on)
    return Round(
        key=f"{plan.id}:{period.label}",
        plan_id=plan.id,
        period=period.label,
        first_day=first,
        last_day=last,
        due_start=_local_midnight_utc(first, tz),
        due_end=_local_midnight_utc(last + timedelta(days=1), tz),
    )


def rounds(
    plan: InspectionPlan, from_date: date, to_date: date, tz: tzinfo = CONTRACT_TZ
) -> list[Round]:
    period_of = _PERIOD_OF[plan.frequency]
    last_day = to_date if plan.ends_on is None else min(to_date, plan.ends_on)
    period = period_of(max(from_date, plan.starts_on), plan)
    found = []
    while max(period.first, plan.starts_on) <= last_day:
        effective_first = max(period.first, plan.starts_on)
        if effective_first >= from_date:
            found.append(_make_round(plan, period, tz))
        if plan.frequency is Frequency.EVENT:
            break
        period = period_of(period.last + timedelta(days=1), plan)
    return found


def is_overdue(round_: Round, now: datetime) -> bool:
    """Whether the window has closed; the caller skips rounds that were completed."""
    return now >= round_.due_end
