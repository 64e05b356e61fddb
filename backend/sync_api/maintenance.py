"""Keeping the change log short without breaking any client (PROTOCOL.md §5 "Retention").

Pruning deletes only rows that a newer row of the same record (for the same audience)
supersedes and that are older than the tombstone retention: the newest row of every record
stays, so a pull from any cursor still ends at every record's latest state, and tombstones
are never deleted. A cursor older than the retention gets `reset_required` (pull.py), which
covers every cursor that pointed into the pruned range: pruned rows are all older than that.

`weibao sync-maintain` runs `maintain` (backfill of records never logged, then pruning); the
SLA worker (backend/work_orders/sla_clock.py) runs `run_if_due` after its rounds: at most once
per interval across every server process, the run claimed first in its own short transaction,
then the backfill, then the pruning in slices of the log, each slice its own transaction (every
step is idempotent, so a run cut short loses nothing and the next one finishes it).
"""

import time
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import Database, session_scope
from backend.dialect import run_statements
from backend.push.models import WorkerLease
from backend.sync_api.outside import backfill

DAY_MS = 86_400_000
# The worker_leases row of the scheduled run: it is claimed like a lease that is never given
# back, so `expires_at` is when the next run is due and `holder` the process that ran it last.
JOB = "sync-maintain"
SLICE = 20_000  # change rows (by seq) pruned per transaction

# Shared rows (everyone in scope reads them) are superseded by a newer shared row; a row for
# one user (evict, a replay after a new assignment) only by a newer row for that user.
_PRUNE = """DELETE FROM sync_changes WHERE at_ms < :cutoff AND seq >= :lo AND seq < :hi
AND op IN ('upsert', 'evict')
AND EXISTS (SELECT 1 FROM sync_changes n WHERE n.entity = sync_changes.entity
    AND n.record_id = sync_changes.record_id AND n.seq > sync_changes.seq
    AND ((n.for_user_id IS NULL AND sync_changes.for_user_id IS NULL)
         OR n.for_user_id = sync_changes.for_user_id))"""
_COUNT = "SELECT COUNT(*) FROM sync_changes WHERE seq >= :lo AND seq < :hi"


# Past every seq: the column is a 32-bit INTEGER on PostgreSQL, where a bound beyond its range
# is an error, not an empty match. A row with this very seq would be the newest, never pruned.
SEQ_END = 2**31 - 1


def prune(statements, now_ms: int, retention_days: int, lo: int = 0, hi: int = SEQ_END) -> int:
    """Delete superseded change rows older than the retention (seq in [lo, hi)); how many."""
    params = {"cutoff": now_ms - retention_days * DAY_MS, "lo": lo, "hi": hi}
    before = statements.rows(_COUNT, params)[0][0]
    statements.run(_PRUNE, params)
    return before - statements.rows(_COUNT, params)[0][0]


def maintain(statements, now_ms: int, retention_days: int) -> dict[str, int]:
    return {"logged": backfill(statements, now_ms), "pruned": prune(statements, now_ms, retention_days)}


async def maintain_log(db: AsyncSession, retention_days: int) -> dict[str, int]:
    now_ms = time.time_ns() // 1_000_000
    return await run_statements(db, lambda s: maintain(s, now_ms, retention_days))


async def claim_run(db: AsyncSession, now: datetime, holder: str, every: timedelta) -> bool:
    """Claim the run due at `now`, or False when it is not due or another process claimed it:
    the conditional UPDATE (or the INSERT on the primary key) lets only one claim win."""
    row = await db.get(WorkerLease, JOB, populate_existing=True)
    if row is None:
        try:
            async with db.begin_nested():
                db.add(WorkerLease(name=JOB, holder=holder, expires_at=now + every))
        except IntegrityError:
            return False
        return True
    if row.expires_at > now:
        return False
    result = await db.execute(
        update(WorkerLease)
        .where(WorkerLease.name == JOB, WorkerLease.expires_at == row.expires_at)
        .values(holder=holder, expires_at=now + every)
    )
    return result.rowcount == 1


async def run_if_due(
    database: Database, now: datetime, holder: str, every: timedelta, retention_days: int
) -> dict[str, int] | None:
    """One scheduled upkeep if due (None if not): its counts."""
    async with session_scope(database, write=True) as db:
        if not await claim_run(db, now, holder, every):
            return None
    now_ms = int(now.timestamp() * 1000)
    async with session_scope(database, write=True) as db:
        logged = await run_statements(db, lambda s: backfill(s, now_ms))
    async with session_scope(database, write=False) as db:
        cutoff = now_ms - retention_days * DAY_MS
        sql = "SELECT MIN(seq), MAX(seq) FROM sync_changes WHERE at_ms < :cutoff"
        first, last = (await run_statements(db, lambda s: s.rows(sql, {"cutoff": cutoff})))[0]
    pruned = 0
    for lo in range(first or 0, (last or -1) + 1, SLICE):
        async with session_scope(database, write=True) as db:
            slice_ = partial(prune, now_ms=now_ms, retention_days=retention_days, lo=lo, hi=lo + SLICE)
            pruned += await run_statements(db, slice_)
    return {"logged": logged, "pruned": pruned}
