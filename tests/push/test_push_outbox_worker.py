"""Outbox + worker against the fake push service (VAPID verified, bodies decrypted with http_ece).

The worker is driven one round at a time (`run_once`) with a clock the test moves.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from backend.audit.models import AuditEntry
from backend.audit.recorder import SYSTEM
from backend.db import session_scope
from backend.push import worker as worker_module
from backend.push.models import OutboxState, PushOutbox, PushPreference, PushSubscription
from backend.push.outbox import claim_due
from backend.push.payload import build_payload, decode_payload
from backend.push.sender import PushSender
from backend.push.service import enqueue_notification
from backend.push.worker import PushWorker
from backend.users.models import Role
from tests.builders import add_user
from tests.push.fake_push_service import Reply
from tests.push.push_world import add_subscription

NOON = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # 12:00 in Asia/Shanghai


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOON)


@pytest.fixture
def db(app):
    return app.state.db


async def write(db, work):
    async with session_scope(db, write=True) as session:
        session.info["actor"] = SYSTEM
        return await work(session)


@pytest.fixture
async def people(db) -> dict[str, str]:
    async def work(session):
        ids = {
            "ana": await add_user(session, "ana", Role.technician),
            "ben": await add_user(session, "ben", Role.technician),
            "cai": await add_user(session, "cai", Role.technician),
        }
        from backend.users.models import User

        (await session.get(User, ids["ben"])).locale = "en"
        return ids

    return await write(db, work)


async def devices(db, fake_push, user_id: str, count: int = 1):
    subscriptions = [fake_push.mint_subscription() for _ in range(count)]
    for subscription in subscriptions:
        await write(db, lambda s, sub=subscription: add_subscription(s, user_id, sub))
    return subscriptions


async def enqueue(db, user_ids, ticket=4711, severity=2, kind="dispatched", site="东门", now=NOON):
    return await write(
        db,
        lambda s: enqueue_notification(s, user_ids, kind, ticket, severity, site, now=now),
    )


def make_worker(db, sender: PushSender, clock: Clock, holder: str = "w1") -> PushWorker:
    return PushWorker(db, sender, clock=clock, holder=holder)


async def outbox(db) -> list[PushOutbox]:
    async with session_scope(db, write=False) as session:
        return list(await session.scalars(select(PushOutbox).order_by(PushOutbox.created_at)))


async def count(db, model) -> int:
    async with session_scope(db, write=False) as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_the_right_devices_get_the_right_plaintext_in_their_users_language(
    db, people, fake_push, sender, client, clock
):
    ana_phone, ana_tablet = await devices(db, fake_push, people["ana"], 2)
    [ben_phone] = await devices(db, fake_push, people["ben"])
    [cai_phone] = await devices(db, fake_push, people["cai"])

    queued = await enqueue(db, [people["ana"], people["ben"]])
    report = await make_worker(db, sender, clock).run_once(client)

    assert queued == 3 and report.claimed == 3
    zh = build_payload(4711, 2, "东门", "dispatched", "zh-CN")
    en = build_payload(4711, 2, "东门", "dispatched", "en")
    assert [d.plaintext for d in fake_push.deliveries_to(ana_phone.endpoint)] == [zh]
    assert [d.plaintext for d in fake_push.deliveries_to(ana_tablet.endpoint)] == [zh]
    assert [d.plaintext for d in fake_push.deliveries_to(ben_phone.endpoint)] == [en]
    assert fake_push.deliveries_to(cai_phone.endpoint) == []
    assert decode_payload(zh).title == "新派工单 · 2级 · 东门"
    [delivery] = fake_push.deliveries_to(ben_phone.endpoint)
    assert (delivery.urgency, delivery.topic) == ("high", "wo-4711")
    assert {(r.state, r.attempts) for r in await outbox(db)} == {(OutboxState.sent, 1)}


async def test_notifications_roll_back_with_the_event_that_caused_them(db, people, fake_push):
    await devices(db, fake_push, people["ana"])

    async def failing_event(session):
        await enqueue_notification(session, [people["ana"]], "escalated", 5, 1, "北门", now=NOON)
        raise RuntimeError("the work-order change failed")

    with pytest.raises(RuntimeError):
        await write(db, failing_event)
    assert await count(db, PushOutbox) == 0


@pytest.mark.parametrize("status", [404, 410])
async def test_a_gone_subscription_is_deleted_and_its_messages_dropped(
    db, people, fake_push, sender, client, clock, status
):
    [phone] = await devices(db, fake_push, people["ana"])
    fake_push.script(phone.endpoint, Reply(status))
    await enqueue(db, [people["ana"]])

    await make_worker(db, sender, clock).run_once(client)

    assert await count(db, PushSubscription) == 0
    [row] = await outbox(db)
    assert row.state == OutboxState.gone and row.subscription_id is None
    async with session_scope(db, write=False) as session:
        audit = await session.scalar(
            select(AuditEntry)
            .where(AuditEntry.entity == "push_subscriptions")
            .where(AuditEntry.action == "delete")
        )
    assert audit is not None and audit.actor_name == "system"


async def test_429_is_retried_only_after_its_retry_after(db, people, fake_push, sender, client, clock):
    [phone] = await devices(db, fake_push, people["ana"])
    fake_push.script(phone.endpoint, Reply(429, retry_after="120"))
    await enqueue(db, [people["ana"]])
    worker = make_worker(db, sender, clock)

    await worker.run_once(client)
    [row] = await outbox(db)
    assert row.state == OutboxState.pending
    assert row.next_attempt_at == NOON + timedelta(seconds=120)

    clock.advance(seconds=119)
    assert (await worker.run_once(client)).claimed == 0
    assert fake_push.requests == 1

    clock.advance(seconds=1)
    await worker.run_once(client)
    assert len(fake_push.deliveries_to(phone.endpoint)) == 1
    [row] = await outbox(db)
    assert (row.state, row.attempts) == (OutboxState.sent, 2)


async def test_5xx_backs_off_longer_each_time_and_keeps_the_subscription(
    db, people, fake_push, sender, client, clock
):
    [phone] = await devices(db, fake_push, people["ana"])
    fake_push.script(phone.endpoint, Reply(503), Reply(500))
    await enqueue(db, [people["ana"]])
    worker = make_worker(db, sender, clock)
    waits = []
    for _ in range(2):
        await worker.run_once(client)
        [row] = await outbox(db)
        waits.append(row.next_attempt_at - clock.now)
        clock.now = row.next_attempt_at

    await worker.run_once(client)

    assert timedelta(0) < waits[0] < waits[1]
    assert len(fake_push.deliveries_to(phone.endpoint)) == 1
    async with session_scope(db, write=False) as session:
        subscription = await session.scalar(select(PushSubscription))
    assert subscription.failures == 0 and subscription.last_success_at == clock.now


async def test_retries_stop_once_the_message_is_older_than_its_ttl(
    db, people, fake_push, sender, client, clock
):
    await devices(db, fake_push, people["ana"])
    await enqueue(db, [people["ana"]], severity=4)  # routine: one hour

    clock.advance(hours=1, seconds=1)
    await make_worker(db, sender, clock).run_once(client)

    assert fake_push.requests == 0
    assert [r.state for r in await outbox(db)] == [OutboxState.expired]


@pytest.mark.parametrize("size", [1025, 3994])
async def test_an_oversized_payload_is_refused_before_it_reaches_the_push_service(
    db, people, fake_push, sender, client, clock, monkeypatch, size
):
    await devices(db, fake_push, people["ana"])
    await enqueue(db, [people["ana"]])
    monkeypatch.setattr(worker_module, "build_payload", lambda *args: b"x" * size)

    await make_worker(db, sender, clock).run_once(client)

    assert fake_push.requests == 0
    [row] = await outbox(db)
    assert row.state == OutboxState.failed and f"{size} bytes" in row.last_error
    assert await count(db, PushSubscription) == 1


async def test_quiet_hours_delay_level_3_until_morning_but_not_level_1(
    db, people, fake_push, sender, client, clock
):
    [phone] = await devices(db, fake_push, people["ana"])
    await write(db, lambda s: _quiet(s, people["ana"], "22:00", "07:00"))
    clock.now = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    await enqueue(db, [people["ana"]], ticket=1, severity=1, now=clock.now)
    await enqueue(db, [people["ana"]], ticket=3, severity=3, now=clock.now)
    worker = make_worker(db, sender, clock)

    await worker.run_once(client)
    assert [d.topic for d in fake_push.deliveries_to(phone.endpoint)] == ["wo-1"]

    clock.now = datetime(2026, 11, 20, 22, 59, tzinfo=UTC)  # 06:59
    await worker.run_once(client)
    assert len(fake_push.deliveries) == 1

    clock.now = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)  # 07:00
    await worker.run_once(client)
    assert [d.topic for d in fake_push.deliveries_to(phone.endpoint)] == ["wo-1", "wo-3"]


async def _quiet(session, user_id, start, end):
    session.add(PushPreference(user_id=user_id, quiet_start=start, quiet_end=end))


async def test_two_workers_on_one_database_never_both_send(db, people, fake_push, sender, client, clock):
    phones = await devices(db, fake_push, people["ana"], 5)
    await enqueue(db, [people["ana"]])
    first, second = make_worker(db, sender, clock, "w1"), make_worker(db, sender, clock, "w2")

    reports = [await first.run_once(client), await second.run_once(client)]
    await enqueue(db, [people["ana"]], ticket=4712)
    reports += [await second.run_once(client), await first.run_once(client)]

    assert [r.leader for r in reports] == [True, False, False, True]
    for phone in phones:
        assert [d.topic for d in fake_push.deliveries_to(phone.endpoint)] == ["wo-4711", "wo-4712"]


async def test_concurrent_rounds_of_two_workers_deliver_each_message_once(
    db, people, fake_push, sender, client, clock
):
    import asyncio

    phones = await devices(db, fake_push, people["ana"], 8)
    await enqueue(db, [people["ana"]])
    first, second = make_worker(db, sender, clock, "w1"), make_worker(db, sender, clock, "w2")

    reports = await asyncio.gather(first.run_once(client), second.run_once(client))

    assert sorted(r.claimed for r in reports) == [0, 8]
    assert sorted(d.endpoint for d in fake_push.deliveries) == sorted(p.endpoint for p in phones)


async def test_rows_a_dead_worker_claimed_are_sent_by_the_next_lease_holder(
    db, people, fake_push, sender, client, clock
):
    [phone] = await devices(db, fake_push, people["ana"])
    await enqueue(db, [people["ana"]])
    dead = make_worker(db, sender, clock, "dead")

    async def claim_and_die(session):
        from backend.push.lease import acquire_lease

        await acquire_lease(session, worker_module.LEASE_NAME, dead.holder, clock.now, dead.lease_ttl)
        return await claim_due(session, clock.now, 10)

    assert len(await write(db, claim_and_die)) == 1
    successor = make_worker(db, sender, clock, "successor")
    assert (await successor.run_once(client)).leader is False  # the dead one's lease still runs

    clock.advance(seconds=31)
    await successor.run_once(client)

    assert len(fake_push.deliveries_to(phone.endpoint)) == 1
    assert [(r.state, r.attempts) for r in await outbox(db)] == [(OutboxState.sent, 2)]


async def test_level_1_goes_out_before_level_4_when_a_batch_is_full(
    db, people, fake_push, sender, client, clock
):
    [phone] = await devices(db, fake_push, people["ana"])
    for ticket in range(3):
        await enqueue(db, [people["ana"]], ticket=100 + ticket, severity=4)
    await enqueue(db, [people["ana"]], ticket=1, severity=1)
    worker = PushWorker(db, sender, clock=clock, holder="w1", batch_size=1)

    await worker.run_once(client)

    assert [d.topic for d in fake_push.deliveries_to(phone.endpoint)] == ["wo-1"]
