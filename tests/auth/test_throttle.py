from collections import deque

from backend.auth.throttle import LoginThrottle, retry_after


def test_failures_inside_the_window_count_and_old_ones_expire():
    failures = deque([0.0, 10.0, 20.0])
    assert retry_after(failures, now=30.0, limit=3, window=100.0) == 70
    assert retry_after(failures, now=101.0, limit=3, window=100.0) is None
    assert list(failures) == [10.0, 20.0]


def test_a_success_clears_the_account_but_not_the_address():
    throttle = LoginThrottle(per_account=2, per_address=3, window=60)
    throttle.record_failure("amy", "10.0.0.1", 0)
    throttle.record_failure("amy", "10.0.0.1", 1)
    assert throttle.wait_seconds("amy", "10.0.0.1", 2) == 58
    throttle.record_success("amy")
    assert throttle.wait_seconds("amy", "10.0.0.1", 2) is None
    throttle.record_failure("bob", "10.0.0.1", 3)
    assert throttle.wait_seconds("carl", "10.0.0.1", 4) == 56
