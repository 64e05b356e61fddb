"""What to do with each push-service answer: pure functions, no I/O."""

from datetime import UTC, datetime

import pytest

from backend.push.sender import (
    BACKOFF_CAP_S,
    Delivered,
    DeliveryOptions,
    Failed,
    Gone,
    Retry,
    backoff_delay,
    classify_response,
    delivery_options,
    parse_retry_after,
)

NOW = datetime(2026, 11, 3, 8, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("status", [201, 202])
def test_created_and_accepted_mean_delivered(status):
    assert classify_response(status, {}, 0, NOW) == Delivered(status)


@pytest.mark.parametrize("status", [404, 410])
def test_not_found_and_gone_mean_the_subscription_must_be_deleted(status):
    assert classify_response(status, {}, 0, NOW) == Gone(status)


@pytest.mark.parametrize("status", [400, 401, 403, 413])
def test_other_client_errors_fail_the_message_for_good(status):
    assert classify_response(status, {}, 0, NOW) == Failed(
        status, f"{status} from the push service"
    )


def test_429_waits_the_delay_seconds_it_was_given():
    assert classify_response(429, {"retry-after": "120"}, 0, NOW) == Retry(
        120, "429 too many requests"
    )


def test_429_waits_until_the_http_date_it_was_given():
    outcome = classify_response(429, {"retry-after": "Tue, 03 Nov 2026 08:05:00 GMT"}, 0, NOW)

    assert outcome == Retry(300, "429 too many requests")


def test_429_without_retry_after_backs_off():
    outcome = classify_response(429, {}, 2, NOW, "e")

    assert isinstance(outcome, Retry) and outcome.after_s == backoff_delay(2, "e")


def test_a_503_that_asks_for_longer_than_the_backoff_gets_it():
    outcome = classify_response(503, {"retry-after": "3000"}, 0, NOW)

    assert isinstance(outcome, Retry) and outcome.after_s == 3000


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0.0),
        (" 45 ", 45.0),
        ("Tue, 03 Nov 2026 08:00:30 GMT", 30.0),
        ("Tuesday, 03-Nov-26 08:01:00 GMT", 60.0),  # the obsolete RFC 850 form
        ("Mon, 02 Nov 2026 08:00:00 GMT", 0.0),  # already past: retry now
        ("soon", None),
        ("-5", None),
        (None, None),
    ],
)
def test_retry_after_is_read_in_both_of_its_forms(value, expected):
    assert parse_retry_after(value, NOW) == expected


def test_backoff_grows_with_each_attempt_until_the_cap():
    delays = [backoff_delay(attempt, "https://push.example/abc") for attempt in range(12)]

    growing = delays[:7]
    assert growing == sorted(growing) and len(set(growing)) == len(growing)
    assert max(delays) <= BACKOFF_CAP_S
    assert delays[-1] >= BACKOFF_CAP_S / 2


def test_backoff_is_reproducible_per_subscription_but_spread_across_subscriptions():
    same = {backoff_delay(3, "endpoint-a") for _ in range(5)}
    spread = {backoff_delay(3, f"endpoint-{n}") for n in range(50)}

    assert len(same) == 1
    assert len(spread) == 50
    assert all(20 <= delay < 40 for delay in spread)


@pytest.mark.parametrize("severity", [1, 2])
def test_urgent_faults_get_high_urgency_and_at_least_an_hour_to_live(severity):
    options = delivery_options(severity, 17)

    assert options.urgency == "high" and options.ttl >= 3600 and options.topic == "wo-17"


@pytest.mark.parametrize("severity", [3, 4])
def test_routine_faults_get_normal_urgency(severity):
    assert delivery_options(severity, 17).urgency == "normal"


@pytest.mark.parametrize(
    ("ttl", "urgency", "topic"),
    [(0, "high", "wo-1"), (60, "urgent", "wo-1"), (60, "high", "wo/1"), (60, "high", "w" * 33)],
)
def test_options_a_push_service_would_misread_are_refused(ttl, urgency, topic):
    with pytest.raises(ValueError):
        DeliveryOptions(ttl, urgency, topic)
