from datetime import UTC, datetime, timedelta, timezone

import pytest

from backend.work_orders.device_time import TrustedTime, trusted_event_time

DISPATCHED = datetime(2027, 6, 1, 9, 50, tzinfo=UTC)  # last event the server saw itself
RECEIVED = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)  # the phone found signal and synced
HOURS_2 = timedelta(hours=2)


def test_a_device_time_inside_the_vouched_interval_is_used_as_is():
    accepted = datetime(2027, 6, 1, 10, 5, tzinfo=UTC)
    assert trusted_event_time(accepted, DISPATCHED, RECEIVED) == TrustedTime(accepted, False)


def test_the_bounds_themselves_are_trusted():
    assert trusted_event_time(DISPATCHED, DISPATCHED, RECEIVED) == TrustedTime(DISPATCHED, False)
    assert trusted_event_time(RECEIVED, DISPATCHED, RECEIVED) == TrustedTime(RECEIVED, False)


def test_a_phone_clock_two_hours_slow_is_clamped_to_the_previous_server_known_event():
    true_accept = datetime(2027, 6, 1, 10, 0, tzinfo=UTC)
    assert trusted_event_time(true_accept - HOURS_2, DISPATCHED, RECEIVED) == TrustedTime(
        DISPATCHED, True
    )


def test_a_phone_clock_two_hours_fast_is_clamped_to_the_receipt_time():
    true_accept = datetime(2027, 6, 1, 10, 30, tzinfo=UTC)
    assert trusted_event_time(true_accept + HOURS_2, DISPATCHED, RECEIVED) == TrustedTime(
        RECEIVED, True
    )


def test_an_offline_accept_then_repair_from_a_slow_phone_stays_in_order():
    # Truth: accepted 10:00, repaired 11:55; the phone runs 2 h slow and syncs at 12:00.
    # The repair (device 09:55) is also before the dispatch, so both land on the bound:
    # the server never credits a time it cannot vouch for, and never reorders the events.
    accepted = trusted_event_time(datetime(2027, 6, 1, 8, 0, tzinfo=UTC), DISPATCHED, RECEIVED)
    repaired_device = datetime(2027, 6, 1, 9, 55, tzinfo=UTC)
    repaired = trusted_event_time(repaired_device, accepted.at, RECEIVED)
    assert accepted == TrustedTime(DISPATCHED, True)
    assert repaired == TrustedTime(DISPATCHED + timedelta(minutes=5), False)
    assert repaired.at >= accepted.at


def test_an_offline_accept_then_repair_from_a_fast_phone_cannot_claim_the_future():
    accepted = trusted_event_time(datetime(2027, 6, 1, 12, 0, tzinfo=UTC), DISPATCHED, RECEIVED)
    repaired = trusted_event_time(datetime(2027, 6, 1, 13, 55, tzinfo=UTC), accepted.at, RECEIVED)
    assert accepted == TrustedTime(RECEIVED, False)
    assert repaired == TrustedTime(RECEIVED, True)


def test_a_later_event_cannot_be_placed_before_an_earlier_one_of_the_same_batch():
    accepted = trusted_event_time(datetime(2027, 6, 1, 11, 0, tzinfo=UTC), DISPATCHED, RECEIVED)
    on_site = trusted_event_time(datetime(2027, 6, 1, 10, 0, tzinfo=UTC), accepted.at, RECEIVED)
    assert on_site == TrustedTime(accepted.at, True)


def test_a_missing_device_time_falls_back_to_the_receipt_and_says_so():
    assert trusted_event_time(None, DISPATCHED, RECEIVED) == TrustedTime(RECEIVED, True)


def test_device_times_in_another_offset_are_compared_as_instants():
    shanghai = datetime(2027, 6, 1, 18, 5, tzinfo=timezone(timedelta(hours=8)))
    used = trusted_event_time(shanghai, DISPATCHED, RECEIVED)
    assert used.clamped is False
    assert used.at == datetime(2027, 6, 1, 10, 5, tzinfo=UTC)


def test_a_naive_device_time_is_refused():
    with pytest.raises(ValueError, match="device_time"):
        trusted_event_time(datetime(2027, 6, 1, 10, 0), DISPATCHED, RECEIVED)
