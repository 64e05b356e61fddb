"""The sender against a fake push service that verifies VAPID and decrypts with http_ece."""

import asyncio
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from backend.push.payload import PayloadTooLarge, build_payload, decode_payload
from backend.push.sender import (
    ROUTINE_TTL_S,
    URGENT_TTL_S,
    Delivered,
    DeliveryOptions,
    Failed,
    Gone,
    PushSender,
    Retry,
    Subscription,
    delivery_options,
)
from backend.push.vapid import generate_vapid_keys
from tests.push.fake_push_service import FakePushService, Reply


async def test_the_phone_receives_exactly_the_payload_we_built(fake_push, sender, client):
    subscription = fake_push.mint_subscription()
    payload = build_payload(4711, 2, "东门", "dispatched", "zh-CN")

    outcome = await sender.send(client, subscription, payload, delivery_options(2, 4711))

    assert outcome == Delivered(201)
    [delivery] = fake_push.deliveries_to(subscription.endpoint)
    assert delivery.plaintext == payload
    assert decode_payload(delivery.plaintext).title == "新派工单 · 2级 · 东门"


@pytest.mark.parametrize("severity", [1, 2])
async def test_an_urgent_fault_goes_out_with_high_urgency_a_long_ttl_and_its_ticket_topic(
    fake_push, sender, client, severity
):
    subscription = fake_push.mint_subscription()
    payload = build_payload(88, severity, "North gate", "escalated", "en")

    await sender.send(client, subscription, payload, delivery_options(severity, 88))

    [delivery] = fake_push.deliveries_to(subscription.endpoint)
    assert delivery.ttl >= 3600
    assert delivery.urgency == "high"
    assert delivery.topic == "wo-88"


async def test_a_routine_message_after_an_urgent_one_keeps_its_own_ttl_and_urgency(
    fake_push, sender, client
):
    subscription = fake_push.mint_subscription()
    for severity in (1, 4):
        payload = build_payload(9, severity, "Depot", "dispatched", "en")
        await sender.send(client, subscription, payload, delivery_options(severity, 9))

    urgent, routine = fake_push.deliveries_to(subscription.endpoint)
    assert (urgent.ttl, urgent.urgency) == (URGENT_TTL_S, "high")
    assert (routine.ttl, routine.urgency) == (ROUTINE_TTL_S, "normal")


async def test_concurrent_sends_with_different_options_never_mix_them(fake_push, sender, client):
    subscriptions = [fake_push.mint_subscription() for _ in range(40)]
    ttl_of = {s.endpoint: 60 + index for index, s in enumerate(subscriptions)}

    await asyncio.gather(
        *(
            sender.send(client, s, b"{}", DeliveryOptions(ttl_of[s.endpoint], "low", "wo-1"))
            for s in subscriptions
        )
    )

    assert {d.endpoint: d.ttl for d in fake_push.deliveries} == ttl_of


@pytest.mark.parametrize("status", [404, 410])
async def test_a_subscription_the_service_no_longer_knows_is_reported_gone(
    fake_push, sender, client, status
):
    subscription = fake_push.mint_subscription()
    fake_push.script(subscription.endpoint, Reply(status=status))

    outcome = await sender.send(client, subscription, b"{}", delivery_options(3, 1))

    assert outcome == Gone(status)
    assert fake_push.deliveries_to(subscription.endpoint) == []


async def test_an_endpoint_that_never_existed_is_reported_gone(fake_push, sender, client):
    minted = fake_push.mint_subscription()
    stale = Subscription(fake_push.base_url + "/push/unknown", minted.p256dh, minted.auth)

    assert await sender.send(client, stale, b"{}", delivery_options(3, 1)) == Gone(404)


async def test_429_is_retried_after_the_seconds_in_retry_after(fake_push, sender, client):
    subscription = fake_push.mint_subscription()
    fake_push.script(subscription.endpoint, Reply(status=429, retry_after="37"))

    outcome = await sender.send(client, subscription, b"{}", delivery_options(1, 1))

    assert isinstance(outcome, Retry)
    assert outcome.after_s == 37


async def test_429_is_retried_after_the_http_date_in_retry_after(fake_push, sender, client):
    subscription = fake_push.mint_subscription()
    later = format_datetime(datetime.now(UTC) + timedelta(minutes=10), usegmt=True)
    fake_push.script(subscription.endpoint, Reply(status=429, retry_after=later))

    outcome = await sender.send(client, subscription, b"{}", delivery_options(1, 1))

    assert isinstance(outcome, Retry)
    assert 500 < outcome.after_s <= 600


async def test_server_errors_back_off_longer_each_time_and_keep_the_subscription(
    fake_push, sender, client
):
    subscription = fake_push.mint_subscription()
    fake_push.script(subscription.endpoint, *[Reply(status=500)] * 3)
    options = delivery_options(2, 5)

    retries = [await sender.send(client, subscription, b"{}", options, attempt=n) for n in range(3)]
    final = await sender.send(client, subscription, b"{}", options, attempt=3)

    assert all(isinstance(retry, Retry) for retry in retries)
    delays = [retry.after_s for retry in retries]
    assert delays == sorted(delays) and len(set(delays)) == 3
    assert final == Delivered(201)


async def test_a_payload_over_the_cap_is_refused_before_any_request(fake_push, sender, client):
    subscription = fake_push.mint_subscription()

    with pytest.raises(PayloadTooLarge, match="1025 bytes"):
        await sender.send(client, subscription, b"x" * 1025, delivery_options(1, 1))

    assert fake_push.requests == 0


async def test_an_unreachable_push_service_is_retried_later(sender, client):
    with socket.socket() as probe:  # a port that nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    minted = FakePushService().mint_subscription()
    subscription = Subscription(f"http://127.0.0.1:{port}/push/x", minted.p256dh, minted.auth)

    outcome = await sender.send(client, subscription, b"{}", delivery_options(1, 1))

    assert isinstance(outcome, Retry) and outcome.reason.startswith("network")


async def test_a_push_service_slower_than_the_client_timeout_is_retried_later(fake_push, sender):
    subscription = fake_push.mint_subscription()
    fake_push.script(subscription.endpoint, Reply(delay_s=0.5))

    async with httpx.AsyncClient(timeout=0.1) as impatient:
        outcome = await sender.send(impatient, subscription, b"{}", delivery_options(1, 1))

    assert isinstance(outcome, Retry) and "Timeout" in outcome.reason


async def test_a_subscription_with_broken_keys_fails_without_a_request(fake_push, sender, client):
    minted = fake_push.mint_subscription()
    broken = Subscription(minted.endpoint, p256dh="AAAA", auth=minted.auth)

    outcome = await sender.send(client, broken, b"{}", delivery_options(1, 1))

    assert isinstance(outcome, Failed) and outcome.status is None
    assert fake_push.requests == 0


async def test_a_sender_with_other_keys_is_refused_by_a_restricted_subscription(
    fake_push, sender, client, tmp_path
):
    subscription = fake_push.mint_subscription(sender.keys.application_server_key)
    impostor = PushSender(keys=generate_vapid_keys(tmp_path / "other"), contact="x@evil.example")

    refused = await impostor.send(client, subscription, b"{}", delivery_options(1, 1))
    accepted = await sender.send(client, subscription, b"{}", delivery_options(1, 1))

    assert refused == Failed(403, "403 from the push service")
    assert accepted == Delivered(201)
