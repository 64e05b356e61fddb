from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.inspections.schedule import Frequency, InspectionPlan, is_overdue, rounds

YEAR_START, YEAR_END = date(2027, 1, 1), date(2027, 12, 31)
RUNNING_SINCE = date(2026, 6, 1)  # a contract already running when 2027 begins

EXPECTED_2027 = {
    Frequency.DAILY: 365,
    Frequency.WEEKLY: 52,  # ISO weeks 2027-W01..W52; 2026-W53 (Mon 28 Dec) began in 2026
    Frequency.TWICE_WEEKLY: 104,
    Frequency.BIWEEKLY: 26,
    Frequency.MONTHLY: 12,
    Frequency.BIMONTHLY: 6,
    Frequency.QUARTERLY: 4,
    Frequency.THREE_PER_QUARTER: 12,
    Frequency.HALF_YEARLY: 2,
    Frequency.YEARLY: 1,
}


def plan(frequency, starts_on=RUNNING_SINCE, **changes) -> InspectionPlan:
    return InspectionPlan(id="p7", frequency=frequency, starts_on=starts_on, **changes)


@pytest.mark.parametrize(("frequency", "count"), EXPECTED_2027.items())
def test_a_plan_running_all_2027_yields_exactly_the_documented_number_of_rounds(frequency, count):
    generated = rounds(plan(frequency), YEAR_START, YEAR_END)
    assert len(generated) == count
    assert len({r.key for r in generated}) == count


@pytest.mark.parametrize("frequency", EXPECTED_2027)
def test_rerunning_over_overlapping_ranges_yields_the_same_keys_and_no_new_ones(frequency):
    full = {r.key: r for r in rounds(plan(frequency), YEAR_START, YEAR_END)}
    first_half = rounds(plan(frequency), YEAR_START, date(2027, 7, 15))
    overlapping = rounds(plan(frequency), date(2027, 5, 20), YEAR_END)
    assert {r.key: r for r in first_half + overlapping} == full
    assert rounds(plan(frequency), YEAR_START, YEAR_END) == list(full.values())


@pytest.mark.parametrize("frequency", EXPECTED_2027)
def test_month_by_month_generation_partitions_the_year_without_gaps_or_repeats(frequency):
    monthly_chunks = []
    for month in range(1, 13):
        first = date(2027, month, 1)
        last = (date(2027, month + 1, 1) if month < 12 else date(2028, 1, 1)) - timedelta(days=1)
        monthly_chunks += rounds(plan(frequency), first, last)
    assert monthly_chunks == rounds(plan(frequency), YEAR_START, YEAR_END)


def test_a_leap_year_has_366_daily_rounds():
    assert len(rounds(plan(Frequency.DAILY), date(2028, 1, 1), date(2028, 12, 31))) == 366


def test_three_per_quarter_keys_name_the_quarter_and_the_round():
    keys = [r.key for r in rounds(plan(Frequency.THREE_PER_QUARTER), YEAR_START, YEAR_END)][:4]
    assert keys == ["p7:2027-Q1-1", "p7:2027-Q1-2", "p7:2027-Q1-3", "p7:2027-Q2-1"]


def test_twice_weekly_splits_each_iso_week_monday_to_wednesday_and_thursday_to_sunday():
    first, second = rounds(plan(Frequency.TWICE_WEEKLY), date(2027, 1, 4), date(2027, 1, 10))
    assert (first.key, first.first_day, first.last_day) == (
        "p7:2027-W01a",
        date(2027, 1, 4),
        date(2027, 1, 6),
    )
    assert (second.key, second.first_day, second.last_day) == (
        "p7:2027-W01b",
        date(2027, 1, 7),
        date(2027, 1, 10),
    )


@pytest.mark.parametrize(
    ("starts_on", "key", "last_day"),
    [
        (date(2027, 1, 4), "p7:2027-W01a", date(2027, 1, 6)),
        (date(2027, 1, 6), "p7:2027-W01a", date(2027, 1, 6)),
        (date(2027, 1, 7), "p7:2027-W01b", date(2027, 1, 10)),
        (date(2027, 1, 10), "p7:2027-W01b", date(2027, 1, 10)),
    ],
)
def test_a_twice_weekly_plan_starts_in_the_half_week_containing_its_start(starts_on, key, last_day):
    first = rounds(plan(Frequency.TWICE_WEEKLY, starts_on=starts_on), starts_on, YEAR_END)[0]
    assert (first.key, first.first_day, first.last_day) == (key, starts_on, last_day)


def test_biweekly_fortnights_count_from_the_monday_of_the_plan_start_week():
    started = plan(Frequency.BIWEEKLY, starts_on=date(2027, 3, 3))  # a Wednesday
    generated = rounds(started, date(2027, 3, 1), date(2027, 4, 30))
    assert [r.first_day for r in generated] == [
        date(2027, 3, 3),
        date(2027, 3, 15),
        date(2027, 3, 29),
        date(2027, 4, 12),
        date(2027, 4, 26),
    ]
    assert generated[1].last_day == date(2027, 3, 28)


def test_a_plan_starting_midweek_gets_a_shortened_round_for_that_week():
    started = plan(Frequency.WEEKLY, starts_on=date(2027, 3, 10))  # Wednesday of 2027-W10
    first = rounds(started, date(2027, 3, 1), date(2027, 3, 31))[0]
    assert (first.key, first.first_day, first.last_day) == (
        "p7:2027-W10",
        date(2027, 3, 10),
        date(2027, 3, 14),
    )


def test_no_rounds_after_the_plan_ends_and_the_last_one_is_cut_at_the_end():
    ending = plan(Frequency.MONTHLY, ends_on=date(2027, 3, 20))
    generated = rounds(ending, YEAR_START, YEAR_END)
    assert [r.key for r in generated] == ["p7:2027-01", "p7:2027-02", "p7:2027-03"]
    assert generated[-1].last_day == date(2027, 3, 20)


def test_the_due_window_runs_between_shanghai_midnights():
    (march,) = rounds(plan(Frequency.MONTHLY), date(2027, 3, 1), date(2027, 3, 31))
    assert march.due_start == datetime(2027, 2, 28, 16, 0, tzinfo=UTC)
    assert march.due_end == datetime(2027, 3, 31, 16, 0, tzinfo=UTC)


def test_a_round_is_overdue_from_the_end_of_its_window():
    (march,) = rounds(plan(Frequency.MONTHLY), date(2027, 3, 1), date(2027, 3, 31))
    assert not is_overdue(march, march.due_end - timedelta(microseconds=1))
    assert is_overdue(march, march.due_end)


def test_an_event_plan_yields_one_round_ending_on_the_eve_of_the_event():
    national_day = plan(Frequency.EVENT, event_date=date(2027, 10, 1), lead_days=5)
    (only,) = rounds(national_day, YEAR_START, YEAR_END)
    assert only.key == "p7:event-2027-10-01"
    assert (only.first_day, only.last_day) == (date(2027, 9, 26), date(2027, 9, 30))
    assert rounds(national_day, date(2027, 9, 27), YEAR_END) == []  # already generated before


def test_an_event_plan_requires_an_event_date_and_others_refuse_one():
    with pytest.raises(ValueError):
        plan(Frequency.EVENT)
    with pytest.raises(ValueError):
        plan(Frequency.MONTHLY, event_date=date(2027, 10, 1))


def test_a_range_before_the_plan_starts_yields_nothing():
    assert (
        rounds(plan(Frequency.DAILY, starts_on=date(2027, 6, 1)), YEAR_START, date(2027, 5, 31))
        == []
    )


@given(
    frequency=st.sampled_from(sorted(EXPECTED_2027)),
    start=st.dates(date(2026, 1, 1), date(2028, 12, 31)),
    first_span=st.integers(0, 200),
    second_span=st.integers(0, 200),
)
def test_generating_two_adjacent_ranges_equals_generating_their_union(
    frequency, start, first_span, second_span
):
    split = start + timedelta(days=first_span)
    end = split + timedelta(days=1 + second_span)
    chunked = rounds(plan(frequency), start, split) + rounds(
        plan(frequency), split + timedelta(days=1), end
    )
    assert chunked == rounds(plan(frequency), start, end)
