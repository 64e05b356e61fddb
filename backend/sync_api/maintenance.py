"""Keeping the change log short without breaking any client (PROTOCOL.md §5 "Retention").

Pruning deletes only rows that a newer row of the same record (for the same audience)
supersedes and that are older than the tombstone retention: the newest row of every record
stays, so a pull from any cursor still ends at every record's latest state, and tombstones
are never deleted. A cursor older than the retention gets `reset_required` (pull.py), which
covers every cursor that pointed into the pruned range: pruned rows are all older than that.

`weibao sync-maintain` runs `maintain` (backfill of records never logged, then pruning).
"""

import time

from sqlalchemy.ext.asyncio import AsyncSession

from backend.dialect import run_statements
from backend.sync_api.outside import backfill

DAY_MS = 86_400_000

# Shared rows (everyone in scope reads them) are superseded by a newer shared row; a row for
# one user (evict, a replay after a new assignment) only by a newer row for that user.
_PRUNE = """DELETE FROM sync_changes WHERE at_ms < :cutoff AND op IN ('upsert', 'evict')
AND EXISTS (SELECT 1 FROM sync_changes n WHERE n.entity = sync_changes.entity
    AND n.record_id = sync_changes.record_id AND n.seq > sync_changes.seq
    AND ((n.for_user_id IS NULL AND sync_changes.for_user_id IS NULL)
         OR n.for_user_id = sync_changes.for_user_id))"""


def prune(statements, now_ms: int, retention_days: int) -> int:
    """Delete superseded change rows older than the retention; returns how many."""
    before = statements.rows("SELECT COUNT(*) FROM sync_changes")[0][0]
    statements.run(_PRUNE, {"cutoff": now_ms - retention_days * DAY_MS})
    return before - statements.rows("SELECT COUNT(*) FROM sync_changes")[0][0]


def maintain(statements, now_ms: int, retention_days: int) -> dict[str, int]:
    return {"logged": backfill(statements, now_ms), "pruned": prune(statements, now_ms, retention_days)}


async def maintain_log(db: AsyncSession, retention_days: int) -> dict[str, int]:
    now_ms = time.time_ns() // 1_000_000
    return await run_statements(db, lambda s: maintain(s, now_ms, retention_days))
