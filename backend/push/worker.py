"""The push worker: one asyncio task per app process, only the lease holder sends.

Each round (`run_once`, also what tests drive with their own clock): a read finds due work;
the lease is taken or renewed; orphans of a dead holder are recovered; expired rows retired;
a batch is claimed and committed; messages go out with at most `in_flight` requests at once
on one HTTP client; outcomes are committed. An idle worker only reads, so it never holds a
write lock for nothing.
"""

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import httpx
from litestar import Litestar

from backend.db import Database, new_id, session_scope, utcnow
from backend.push import doorbell
from backend.push.lease import acquire_lease, release_lease
from backend.push.outbox import (
    Job,
    claim_due,
    has_due_work,
    record_outcomes,
    recover_orphans,
    retire_undeliverable,
)
from backend.push.payload import build_payload, check_payload_size
from backend.push.sender import Failed, Outcome, PushSender, Retry, backoff_delay, delivery_options

log = logging.getLogger("weibao.push")

LEASE_NAME = "push-sender"


@dataclass(frozen=True)
class RunReport:
    leader: bool = False
    claimed: int = 0
    outcomes: tuple[Outcome, ...] = ()


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{new_id()[-12:]}"


@dataclass
class PushWorker:
    database: Database
    sender: PushSender
    clock: Callable[[], datetime] = utcnow
    holder: str = field(default_factory=default_holder)
    in_flight: int = 16
    batch_size: int = 64
    # A batch is at most ceil(batch / in_flight) waves of send_deadline_s: well inside the lease.
    send_deadline_s: float = 6.0
    lease_ttl: timedelta = timedelta(seconds=30)
    poll_seconds: float = 1.0
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _bell: asyncio.Event = field(default_factory=asyncio.Event)
    _unfinished: bool = False  # a round failed midway: our own `sending` rows need recovery

    def http_client(self) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=self.in_flight, max_keepalive_connections=self.in_flight)
        return httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(5.0))

    async def run_once(self, client: httpx.AsyncClient) -> RunReport:
        now = self.clock()
        async with session_scope(self.database, write=False) as db:
            if not await has_due_work(db, now):
                return RunReport()
        async with session_scope(self.database, write=True) as db:
            lease = await acquire_lease(db, LEASE_NAME, self.holder, now, self.lease_ttl)
            if not lease.held:
                return RunReport(leader=False)
            if lease.taken_over or self._unfinished:
                await recover_orphans(db)
                self._unfinished = False
            await retire_undeliverable(db, now)
            jobs = await claim_due(db, now, self.batch_size)
        outcomes = await self.send_all(client, jobs)
        async with session_scope(self.database, write=True) as db:
            await record_outcomes(db, list(zip(jobs, outcomes, strict=True)), self.clock())
        return RunReport(leader=True, claimed=len(jobs), outcomes=tuple(outcomes))

    async def send_all(self, client: httpx.AsyncClient, jobs: list[Job]) -> list[Outcome]:
        gate = asyncio.Semaphore(self.in_flight)

        async def one(job: Job) -> Outcome:
            async with gate:
                return await self.send_one(client, job)

        return await asyncio.gather(*(one(job) for job in jobs))

    async def send_one(self, client: httpx.AsyncClient, job: Job) -> Outcome:
        try:
            payload = check_payload_size(
                build_payload(job.ticket_id, job.severity, job.site_short_name, job.kind, job.language)
            )
        except ValueError as error:  # PayloadTooLarge among them: refused before encrypting
            return Failed(status=None, reason=f"payload refused: {error}")
        # The TTL header counts from now: a retry must not outlive the row's own deadline.
        remaining = int((job.expires_at - self.clock()).total_seconds())
        options = replace(delivery_options(job.severity, job.ticket_id), ttl=max(1, remaining))
        try:
            async with asyncio.timeout(self.send_deadline_s):
                return await self.sender.send(client, job.subscription, payload, options, job.attempt)
        except TimeoutError:
            delay = backoff_delay(job.attempt, job.subscription.endpoint)
            return Retry(after_s=delay, reason="no answer from the push service in time")

    async def run(self) -> None:
        """Loop until stop(): a full batch goes straight on, otherwise wait for the doorbell
        (new rows committed in this process) or the poll interval (other processes)."""
        entry = doorbell.install(self._bell)
        try:
            async with self.http_client() as client:
                while not self._stop.is_set():
                    report = await self._round(client)
                    if report.claimed < self.batch_size:
                        await self._wait()
        finally:
            doorbell.uninstall(entry)

    async def _round(self, client: httpx.AsyncClient) -> RunReport:
        try:
            return await self.run_once(client)
        except Exception:  # a database hiccup must not end notifications for good
            log.exception("push worker round failed")
            self._unfinished = True
            return RunReport()

    async def _wait(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.poll_seconds):
                await self._bell.wait()
        self._bell.clear()

    async def stop(self) -> None:
        self._stop.set()
        self._bell.set()

    async def release(self) -> None:
        """Hand the lease back so another process (or our restart) takes over at once."""
        async with session_scope(self.database, write=True) as db:
            await release_lease(db, LEASE_NAME, self.holder)


def sender_for(app: Litestar) -> PushSender:
    contact = app.state.settings.push_contact.removeprefix("mailto:")
    return PushSender(keys=app.state["keys"].vapid, contact=contact)


async def start_push_worker(app: Litestar) -> None:
    settings = app.state.settings
    if not settings.push_worker:
        return
    worker = PushWorker(app.state.db, sender_for(app), poll_seconds=settings.push_poll_seconds)
    app.state.push_worker = worker
    app.state.push_worker_task = asyncio.create_task(worker.run(), name="push-worker")


async def stop_push_worker(app: Litestar) -> None:
    worker: PushWorker | None = app.state.get("push_worker")
    if worker is None:
        return
    await worker.stop()
    task: asyncio.Task = app.state.push_worker_task
    try:
        async with asyncio.timeout(worker.send_deadline_s + 5):
            await task
    except TimeoutError:
        task.cancel()
    await worker.release()
