"""Web Push throughput and latency against the loopback fake push service.

The fake runs in its own process (verifying every VAPID JWT and decrypting every body with
http_ece), so its work does not share our interpreter lock. Each round sends one message to
each of 200 subscriptions at once; latency is from the sender being called (payload built,
encrypted, signed) to the push service's 201, i.e. the message is recorded as delivered.

The second figure is dispatch-to-delivery through the durable path: `enqueue_notification`
commits outbox rows for 200 users (one device each), the push worker (16 in flight, as in the
app) claims, sends and marks them; latency is the row's created_at to its sent_at (the 201).

    .venv/bin/python bench/push.py [--rounds 10] [--subscriptions 200] [--in-flight 200]
"""

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from backend import migrate
from backend.audit.recorder import SYSTEM
from backend.db import connect, session_scope
from backend.push.models import OutboxState, PushOutbox, PushSubscription
from backend.push.payload import build_payload
from backend.push.sender import Delivered, PushSender, Subscription, delivery_options
from backend.push.service import enqueue_notification
from backend.push.vapid import generate_vapid_keys
from backend.push.worker import PushWorker
from backend.settings import Settings
from backend.users.models import User

FAKE = Path(__file__).resolve().parent.parent / "tests" / "push" / "fake_push_service.py"


async def mint(client: httpx.AsyncClient, base_url: str, count: int) -> list[Subscription]:
    subscriptions = []
    for _ in range(count):
        data = (await client.post(f"{base_url}/_fake/mint")).json()
        keys = data["keys"]
        subscriptions.append(Subscription(data["endpoint"], keys["p256dh"], keys["auth"]))
    return subscriptions


async def timed_send(sender, client, subscription, ticket: int, gate: asyncio.Semaphore) -> float:
    started = time.perf_counter()  # before the gate: waiting for a slot is part of latency
    severity = 1 + ticket % 4
    async with gate:
        payload = build_payload(ticket, severity, "东门收费站", "dispatched", "zh-CN")
        options = delivery_options(severity, ticket)
        outcome = await sender.send(client, subscription, payload, options)
    if not isinstance(outcome, Delivered):
        raise RuntimeError(f"not delivered: {outcome}")
    return time.perf_counter() - started


async def run_rounds(sender, client, subscriptions, rounds: int, in_flight: int) -> tuple[list[float], float]:
    gate = asyncio.Semaphore(in_flight)
    latencies: list[float] = []
    started = time.perf_counter()
    for round_number in range(rounds):
        base = round_number * len(subscriptions)
        latencies += await asyncio.gather(
            *(timed_send(sender, client, s, base + i, gate) for i, s in enumerate(subscriptions))
        )
    return latencies, time.perf_counter() - started


def encrypt_cost_ms(sender: PushSender, subscription: Subscription, count: int = 300) -> float:
    payload = build_payload(1, 1, "东门收费站", "dispatched", "zh-CN")
    options = delivery_options(1, 1)
    started = time.perf_counter()
    for _ in range(count):
        sender.encrypt(payload, subscription, options)
    return (time.perf_counter() - started) / count * 1000


async def bench(base_url: str, subscription_count: int, rounds: int, in_flight: int) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        sender = PushSender(keys=generate_vapid_keys(Path(directory)), contact="ops@weibao.example")
    limits = httpx.Limits(max_connections=in_flight)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        subscriptions = await mint(client, base_url, subscription_count)
        await run_rounds(sender, client, subscriptions, 1, in_flight)  # warm connections
        latencies, elapsed = await run_rounds(sender, client, subscriptions, rounds, in_flight)
        delivered = (await client.get(f"{base_url}/_fake/stats")).json()["delivered"]
    expected = subscription_count * (rounds + 1)
    if delivered != expected:
        raise RuntimeError(f"fake push service recorded {delivered} of {expected} messages")
    cut = statistics.quantiles(latencies, n=100)
    return {
        "bench": "push",
        "per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(cut[49] * 1000, 2),
        "p99_ms": round(cut[98] * 1000, 2),
        "encrypt_ms": round(encrypt_cost_ms(sender, subscriptions[0]), 3),
        "messages": len(latencies),
        "subscriptions": subscription_count,
        "in_flight": in_flight,
    }


async def add_recipients(db, subscriptions: list[Subscription]) -> list[str]:
    async with session_scope(db, write=True) as session:
        session.info["actor"] = SYSTEM
        users = [
            User(username=f"u{i}", display_name=f"U{i}", role="technician", password_hash="-")
            for i in range(len(subscriptions))
        ]
        session.add_all(users)
        await session.flush()
        for user, s in zip(users, subscriptions, strict=True):
            session.add(PushSubscription(user_id=user.id, endpoint=s.endpoint, p256dh=s.p256dh, auth=s.auth))
        return [user.id for user in users]


async def wait_all_sent(db, expected: int) -> None:
    while True:
        async with session_scope(db, write=False) as session:
            sent = await session.scalar(select(func.count()).where(PushOutbox.state == OutboxState.sent))
        if sent >= expected:
            return
        await asyncio.sleep(0.005)


async def outbox_latency(base_url: str, settings: Settings, count: int, rounds: int) -> dict:
    """Dispatch (commit of the outbox rows) to delivery (the push service's 201), p50/p99."""
    db = connect(settings)
    sender = PushSender(keys=generate_vapid_keys(settings.secrets_dir), contact="ops@weibao.example")
    worker = PushWorker(db, sender)
    async with httpx.AsyncClient(timeout=30) as client:
        recipients = await add_recipients(db, await mint(client, base_url, count))
    task = asyncio.create_task(worker.run())
    for round_number in range(rounds):
        async with session_scope(db, write=True) as session:
            await enqueue_notification(session, recipients, "dispatched", round_number, 1, "东门收费站")
        await wait_all_sent(db, count * (round_number + 1))
    await worker.stop()
    await task
    async with session_scope(db, write=False) as session:
        rows = (await session.execute(select(PushOutbox.created_at, PushOutbox.sent_at))).all()
    await db.dispose()
    latencies = [(sent - created).total_seconds() for created, sent in rows]
    cut = statistics.quantiles(latencies, n=100)
    return {
        "outbox_p50_ms": round(cut[49] * 1000, 1),
        "outbox_p99_ms": round(cut[98] * 1000, 1),
        "outbox_messages": len(latencies),
    }


def run_outbox_bench(base_url: str, count: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(data_dir=Path(directory))
        migrate.upgrade(settings.database_url)
        return asyncio.run(outbox_latency(base_url, settings, count, rounds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--subscriptions", type=int, default=200)
    parser.add_argument("--in-flight", type=int, default=200, help="HTTP requests at once")
    parser.add_argument("--outbox-rounds", type=int, default=5, help="dispatches through the outbox")
    args = parser.parse_args()
    fake = subprocess.Popen([sys.executable, str(FAKE)], stdout=subprocess.PIPE, text=True)
    try:
        base_url = json.loads(fake.stdout.readline())["base_url"]
        result = asyncio.run(bench(base_url, args.subscriptions, args.rounds, args.in_flight))
        result |= run_outbox_bench(base_url, args.subscriptions, args.outbox_rounds)
    finally:
        fake.terminate()
        fake.wait(timeout=10)
    print(
        f"{result['messages']} messages to {result['subscriptions']} subscriptions: "
        f"{result['per_s']}/s, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
        f"encrypt+sign {result['encrypt_ms']} ms each; through outbox + worker: "
        f"p50 {result['outbox_p50_ms']} ms, p99 {result['outbox_p99_ms']} ms "
        f"({result['outbox_messages']} messages)",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
