import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.clock import (
    MAX_COUNTER,
    ClockError,
    Hlc,
    clamp,
    clamp_text,
    compare,
    parse,
    receive,
    tick,
)

FAST = settings(max_examples=200, deadline=None)
nodes = st.text(alphabet="abcXYZ019_-.", min_size=1, max_size=8)
clocks = st.builds(Hlc, st.integers(0, 10**14), st.integers(0, MAX_COUNTER), nodes)


@FAST
@given(clocks, clocks)
def test_text_order_is_clock_order(a: Hlc, b: Hlc):
    assert (a.encode() < b.encode()) == (a < b)
    assert parse(a.encode()) == a
    assert compare(a.encode(), b) == (a > b) - (a < b)


@FAST
@given(clocks, st.integers(0, 10**14))
def test_a_local_tick_is_always_later_than_the_previous_clock(local: Hlc, now_ms: int):
    assert tick(local, now_ms) > local
    assert tick(local, now_ms).wall_ms >= now_ms


@FAST
@given(clocks, clocks, st.integers(0, 10**14))
def test_receiving_a_remote_clock_orders_the_next_event_after_both(local, remote, now_ms):
    merged = receive(local, remote, now_ms)
    assert merged.node == local.node
    assert (merged.wall_ms, merged.counter) > (local.wall_ms, local.counter)
    assert (merged.wall_ms, merged.counter) > (remote.wall_ms, remote.counter)


def test_a_tick_in_the_same_millisecond_increments_the_counter():
    assert tick(Hlc(100, 4, "c1"), now_ms=90) == Hlc(100, 5, "c1")
    assert tick(Hlc(100, 4, "c1"), now_ms=101) == Hlc(101, 0, "c1")


def test_a_counter_overflow_borrows_the_next_millisecond():
    assert tick(Hlc(100, MAX_COUNTER, "c1"), now_ms=100) == Hlc(101, 0, "c1")


def test_a_clock_more_than_sixty_seconds_ahead_is_clamped_keeping_counter_and_node():
    clamped, was_clamped = clamp(Hlc(1_000_000, 7, "c9"), server_now_ms=100_000)
    assert was_clamped
    assert clamped == Hlc(160_000, 7, "c9")


def test_a_clock_within_the_allowance_is_left_alone():
    remote = Hlc(160_000, 0, "c9")
    assert clamp(remote, server_now_ms=100_000) == (remote, False)
    at_server_time = Hlc(100_000, 0, "c9").encode()
    assert clamp_text(remote.encode(), 100_000, max_ahead_ms=0) == (at_server_time, True)


@pytest.mark.parametrize(
    "text", ["", "1:2:c", "000000000000001:00000:", "000000000000001:00000:a:b"]
)
def test_malformed_clock_text_is_refused(text: str):
    with pytest.raises(ClockError):
        parse(text)
