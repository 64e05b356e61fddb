"""Pure rules: which endpoints we will post to, quiet hours, and each outcome's next row state."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.push.endpoints import endpoint_problem, key_problem
from backend.push.models import OutboxState
from backend.push.outbox import Job, next_state
from backend.push.quiet_hours import quiet_until, release_time
from backend.push.sender import Delivered, Failed, Gone, Retry, Subscription
from tests.push.push_world import browser_keys

# 2026-11-20 23:30 in Asia/Shanghai (UTC+8).
LATE_EVENING = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/QH3Z",
    ],
)
def test_real_push_services_are_accepted(endpoint):
    assert endpoint_problem(endpoint, allow_loopback=False) is None


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/abc",
        "http://127.0.0.1:9000/push/x",
        "https://127.0.0.1/push/x",
        "https://10.0.0.8/push",
        "https://192.168.1.1/",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/push",
        "https://localhost/push",
        "https://printer.local/push",
        "https://user:pw@fcm.googleapis.com/x",
        "file:///etc/passwd",
        "https://fcm.googleapis.com:99999/x",
        "not a url",
    ],
)
def test_anything_that_could_reach_inside_our_network_is_refused(endpoint):
    assert endpoint_problem(endpoint, allow_loopback=False)


def test_plain_http_to_127_0_0_1_is_allowed_only_when_the_setting_says_so():
    assert endpoint_problem("http://127.0.0.1:8123/push/x", allow_loopback=True) is None
    assert endpoint_problem("http://10.0.0.1:8123/push/x", allow_loopback=True)
    assert endpoint_problem("http://127.0.0.1:8123/push/x", allow_loopback=False)


def test_keys_must_be_a_curve_point_and_a_16_byte_secret():
    p256dh, auth = browser_keys()
    assert key_problem(p256dh, auth) is None
    assert key_problem("BN" + "A" * 85, auth)  # right length, not on the curve
    assert key_problem(p256dh, auth + "AAAA")
    assert key_problem("!!", auth)


def test_quiet_hours_that_wrap_midnight_end_the_next_morning_local_time():
    end = quiet_until(LATE_EVENING, "22:00", "07:00")
    assert end == datetime(2026, 11, 20, 23, 0, tzinfo=UTC)  # 07:00 on the 21st in Shanghai


def test_after_midnight_the_same_morning_is_the_end():
    two_am = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)  # 02:00 on the 21st local
    assert quiet_until(two_am, "22:00", "07:00") == datetime(2026, 11, 20, 23, 0, tzinfo=UTC)


def test_outside_quiet_hours_or_without_them_nothing_waits():
    noon = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
    assert quiet_until(noon, "22:00", "07:00") is None
    assert quiet_until(LATE_EVENING, None, None) is None
    assert quiet_until(noon, "12:00", "13:00") == datetime(2026, 11, 20, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(("severity", "held"), [(1, False), (2, False), (3, True), (4, True)])
def test_quiet_hours_hold_levels_3_and_4_but_never_1_or_2(severity, held):
    release = release_time(LATE_EVENING, severity, "22:00", "07:00")
    assert (release > LATE_EVENING) is held


def job(expires_in: timedelta) -> Job:
    return Job(
        id="j",
        attempt=0,
        subscription_id="s",
        subscription=Subscription("https://push.example.net/x", "p", "a"),
        kind="dispatched",
        ticket_id="1",
        severity=1,
        site_short_name="A",
        language="en",
        expires_at=LATE_EVENING + expires_in,
    )


def test_each_outcome_moves_the_row_to_its_state():
    long = job(timedelta(hours=1))
    assert next_state(long, Delivered(201), LATE_EVENING)["state"] == OutboxState.sent
    assert next_state(long, Delivered(201), LATE_EVENING)["sent_at"] == LATE_EVENING
    assert next_state(long, Gone(410), LATE_EVENING)["state"] == OutboxState.gone
    assert next_state(long, Failed(400, "bad"), LATE_EVENING)["state"] == OutboxState.failed
    retry = next_state(long, Retry(30, "429"), LATE_EVENING)
    assert retry["state"] == OutboxState.pending
    assert retry["next_attempt_at"] == LATE_EVENING + timedelta(seconds=30)


def test_a_retry_that_would_land_after_the_ttl_expires_the_row_instead():
    short = job(timedelta(seconds=20))
    assert next_state(short, Retry(30, "503"), LATE_EVENING)["state"] == OutboxState.expired
