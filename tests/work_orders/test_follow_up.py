from datetime import UTC, datetime, timedelta

import pytest

from backend.work_orders.follow_up import (
    follow_up_action,
    follow_up_window,
    is_follow_up_overdue,
)


def test_the_follow_up_is_due_by_the_end_of_the_third_shanghai_day_after_closing():
    closed = datetime(2027, 4, 10, 15, 30, tzinfo=UTC)  # 23:30 on 10 April in Shanghai
    window = follow_up_window(closed)
    assert window.opens_at == closed
    assert window.due_by == datetime(2027, 4, 13, 16, 0, tzinfo=UTC)  # 14 April 00:00 +08


def test_the_calendar_day_is_the_shanghai_one_not_the_utc_one():
    closed = datetime(2027, 4, 10, 16, 30, tzinfo=UTC)  # already 11 April 00:30 in Shanghai
    assert follow_up_window(closed).due_by == datetime(2027, 4, 14, 16, 0, tzinfo=UTC)


def test_a_contract_can_set_another_window():
    closed = datetime(2027, 4, 10, 2, 0, tzinfo=UTC)
    assert follow_up_window(closed, days=1).due_by == datetime(2027, 4, 11, 16, 0, tzinfo=UTC)


def test_a_follow_up_is_overdue_only_when_undone_past_its_window():
    window = follow_up_window(datetime(2027, 4, 10, 2, 0, tzinfo=UTC))
    a_day_later, an_hour_early = (
        window.due_by + timedelta(days=1),
        window.due_by - timedelta(hours=1),
    )
    assert not is_follow_up_overdue(window, an_hour_early, done_at=None)
    assert is_follow_up_overdue(window, window.due_by, done_at=None)
    assert not is_follow_up_overdue(window, a_day_later, done_at=an_hour_early)


@pytest.mark.parametrize(
    ("satisfaction", "same_fault", "action"),
    [
        (1, True, "reopen"),
        (2, True, "reopen"),
        (2, False, "new_ticket"),
        (3, True, "none"),
        (5, False, "none"),
    ],
)
def test_two_stars_or_fewer_reopen_the_same_fault_or_open_a_new_ticket(
    satisfaction, same_fault, action
):
    assert follow_up_action(satisfaction, same_fault) == action


@pytest.mark.parametrize("satisfaction", [0, 6])
def test_satisfaction_outside_one_to_five_is_refused(satisfaction):
    with pytest.raises(ValueError):
        follow_up_action(satisfaction, same_fault=True)
