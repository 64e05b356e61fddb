"""The SLA scheduler (issue 5, item 8): warnings at 80 %, tiered escalation, one instance.

`run_once(db, now)` is the whole job for one instant: escalation.sla_events_due decides, the
event keys are stored under their primary key (emitting is idempotent: a key already stored
is never emitted again), the ticket's escalation tier is raised, and a push is queued in the
same transaction. Recipients:

- warning → the current handler (assignee); with nobody assigned, the site's dispatchers;
- tier 1 (on-site lead) → the assignee, or the site's dispatchers if nobody is assigned;
- tier 2 (regional engineers / supervisors) → the site's dispatchers;
- tier 3 (vendor / HQ experts) → every administrator (who liaise with the vendor).

`SlaWorker` runs it every `poll_seconds` from the app's startup when Settings.sla_worker is
on, holding the push package's database lease so only one process emits at a time. While it
holds the lease it also runs the sync change-log upkeep when that is due (at most once per
Settings.sync_maintain_every_hours; backend/sync_api/maintenance.run_if_due), after the SLA
round's transaction, in transactions of its own.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import Database, session_scope, utcnow
from backend.push.lease import acquire_lease, release_lease
from backend.push.service import enqueue_notification
from backend.push.worker import default_holder
from backend.sites.models import Site, SiteAssignment
from backend.sync_api.maintenance import run_if_due
from backend.users.models import Role, User
from backend.work_orders.escalation import SlaEscalation, SlaWarning, TicketSnapshot, sla_events_due
from backend.work_orders.lifecycle import effective_severity
from backend.work_orders.models import WorkOrder, WorkOrderSlaEvent
from backend.work_orders.sla import Deadlines
from backend.work_orders.transitions import OPEN_STATUSES

log = logging.getLogger("weibao.sla")
LEASE_NAME = "sla-clock"


def snapshot(order: WorkOrder, emitted: frozenset[str] = frozenset()) -> TicketSnapshot | None:
    if order.respond_by is None or order.reported_at is None:
        return None  # never settled: no clock to run
    return TicketSnapshot(
        id=order.id,
        severity=effective_severity(order),
        status=order.status,  # type: ignore[arg-type]
        reported_at=order.reported_at,
        deadlines=Deadlines(order.respond_by, order.on_site_by, order.repaired_by),
        handler_id=order.assignee_id,
        responded_at=order.responded_at,
        arrived_at=order.arrived_at,
        resolved_at=order.resolved_at,
        emitted=emitted,
    )


async def open_orders(db: AsyncSession) -> list[WorkOrder]:
    stmt = select(WorkOrder).where(
        WorkOrder.status.in_([str(s) for s in OPEN_STATUSES]), WorkOrder.deleted_at.is_(None)
    )
    return list(await db.scalars(stmt.execution_options(populate_existing=True)))


async def _emitted(db: AsyncSession, ids: list[str]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    rows = await db.execute(
        select(WorkOrderSlaEvent.work_order_id, WorkOrderSlaEvent.key).where(
            WorkOrderSlaEvent.work_order_id.in_(ids)
        )
    )
    for work_order_id, key in rows:
        keys.setdefault(work_order_id, set()).add(key)
    return keys


async def run_once(db: AsyncSession, now: datetime) -> list[str]:
    """Emit every SLA event due at `now`; returns the keys emitted this time."""
    orders = await open_orders(db)
    emitted = await _emitted(db, [o.id for o in orders])
    keys: list[str] = []
    for order in orders:
        ticket = snapshot(order, frozenset(emitted.get(order.id, ())))
        for event in sla_events_due(ticket, now) if ticket else []:
            await _emit(db, order, event, now)
            keys.append(event.key)
    await db.flush()
    return keys


async def _emit(db: AsyncSession, order: WorkOrder, event: SlaWarning | SlaEscalation, now: datetime) -> None:
    tier = event.tier if isinstance(event, SlaEscalation) else None
    recipients = await _recipients(db, order, tier)
    site = await db.get(Site, order.site_id)
    kind = "sla_warning" if tier is None else "escalated"
    count = await enqueue_notification(
        db, recipients, kind, order.id, effective_severity(order), site.short_name, now=now
    )
    db.add(
        WorkOrderSlaEvent(
            key=event.key,
            work_order_id=order.id,
            kind="sla_warning" if tier is None else "sla_escalation",
            window=str(event.window),
            tier=tier,
            due_at=event.due_at,
            emitted_at=now,
            notified=count,
        )
    )
    if tier is not None and tier > order.escalation_tier:
        order.escalation_tier = tier


async def _recipients(db: AsyncSession, order: WorkOrder, tier: int | None) -> list[str]:
    if tier in (None, 1) and order.assignee_id:
        return [order.assignee_id]
    if tier == 3:
        return list(await db.scalars(select(User.id).where(User.role == Role.admin)))
    return await site_users(db, order.site_id, Role.dispatcher)


async def site_users(db: AsyncSession, site_id: str, role: Role) -> list[str]:
    rows = await db.scalars(
        select(User.id)
        .join(SiteAssignment, SiteAssignment.user_id == User.id)
        .where(SiteAssignment.site_id == site_id, User.role == role)
    )
    return list(rows)


@dataclass
class SlaWorker:
    database: Database
    clock: Callable[[], datetime] = utcnow
    holder: str = field(default_factory=default_holder)
    poll_seconds: float = 60.0
    lease_ttl: timedelta = timedelta(minutes=3)
    maintain_every: timedelta | None = None  # None: no change-log upkeep from this worker
    retention_days: int = 180
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def round(self) -> list[str]:
        now = self.clock()
        async with session_scope(self.database, write=True) as db:
            lease = await acquire_lease(db, LEASE_NAME, self.holder, now, self.lease_ttl)
            if not lease.held:
                return []
            keys = await run_once(db, now)
        await self.upkeep(now)
        return keys

    async def upkeep(self, now: datetime) -> None:
        every = self.maintain_every
        if every is None:
            return
        try:
            report = await run_if_due(self.database, now, self.holder, every, self.retention_days)
        except Exception:  # the SLA clock must keep running; the next due run finishes the job
            log.exception("sync change-log upkeep failed")
            return
        if report is not None:
            log.info("sync change-log upkeep: %s", report)

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.round()
            except Exception:  # a database hiccup must not stop the SLA clock for good
                log.exception("SLA clock round failed")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_seconds):
                    await self._stop.wait()

    async def stop(self) -> None:
        self._stop.set()
        async with session_scope(self.database, write=True) as db:
            await release_lease(db, LEASE_NAME, self.holder)


async def start_sla_worker(app: Litestar) -> None:
    settings = app.state.settings
    if not settings.sla_worker:
        return
    every = settings.sync_maintain_every_hours
    worker = SlaWorker(
        app.state.db,
        poll_seconds=settings.sla_poll_seconds,
        maintain_every=timedelta(hours=every) if every > 0 else None,
        retention_days=settings.sync_tombstone_retention_days,
    )
    app.state.sla_worker = worker
    app.state.sla_worker_task = asyncio.create_task(worker.run(), name="sla-clock")


async def stop_sla_worker(app: Litestar) -> None:
    worker: SlaWorker | None = app.state.get("sla_worker")
    if worker is None:
        return
    await worker.stop()
    app.state.sla_worker_task.cancel()
