"""Pull (PROTOCOL.md §5): the change log after a cursor, filtered to the caller's sites.

The stored `data` is already JSON, so it is passed through as `msgspec.Raw` instead of being
decoded and encoded again; that keeps a 10k-change pull well inside its time budget.
"""

import msgspec

from backend.sync_api.engine import Caller

Raw = msgspec.Raw


class RawChange(msgspec.Struct, omit_defaults=True):
    seq: int
    op: str
    entity: str
    id: str
    data: Raw | None = None


class RawPull(msgspec.Struct):
    changes: list[RawChange]
    cursor: str
    has_more: bool
    last_applied_mutation_id: str | None
    reset_required: bool = False


_SCOPED = """SELECT seq, op, entity, record_id, data FROM sync_changes WHERE seq > :cursor
AND ((for_user_id IS NULL AND site_id IN (SELECT site_id FROM site_assignments WHERE user_id = :u))
     OR for_user_id = :u)
ORDER BY seq LIMIT :limit"""
_ALL = """SELECT seq, op, entity, record_id, data FROM sync_changes
WHERE seq > :cursor AND for_user_id IS NULL ORDER BY seq LIMIT :limit"""


class BadCursor(ValueError):
    pass


def parse_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit() or len(cursor) > 18:
        raise BadCursor(f"not a cursor: {cursor[:40]!r}")
    return int(cursor)


def pull(
    statements, caller: Caller, cursor: int, limit: int, client_id: str | None, now_ms: int, retention_ms: int
) -> RawPull:
    last_applied = _last_applied(statements, client_id, caller.user_id)
    if cursor and _expired(statements, cursor, now_ms - retention_ms):
        return RawPull([], "0", False, last_applied, reset_required=True)
    params = {"cursor": cursor, "limit": limit + 1, "u": caller.user_id}
    rows = statements.rows(_ALL if caller.site_ids is None else _SCOPED, params)
    has_more = len(rows) > limit
    rows = rows[:limit]
    if has_more:
        next_cursor = rows[-1][0]
    else:
        # Changes the filter skipped need not be scanned again: jump to the newest seq.
        next_cursor = max(cursor, statements.rows("SELECT COALESCE(MAX(seq), 0) FROM sync_changes")[0][0])
    return RawPull(_latest_per_record(rows), str(next_cursor), has_more, last_applied)


def _latest_per_record(rows: list[tuple]) -> list[RawChange]:
    # A record changed twice in one page only needs its newest state.
    latest = {(r[2], r[3]): r for r in rows}
    return [
        RawChange(r[0], r[1], r[2], r[3], None if r[4] is None else Raw(r[4]))
        for r in sorted(latest.values())
    ]


def _expired(statements, cursor: int, oldest_ms: int) -> bool:
    """A cursor is too old when its change is older than tombstone retention, or unknown."""
    rows = statements.rows(
        "SELECT at_ms FROM sync_changes WHERE seq <= :c ORDER BY seq DESC LIMIT 1", {"c": cursor}
    )
    newest = statements.rows("SELECT COALESCE(MAX(seq), 0) FROM sync_changes")[0][0]
    return not rows or rows[0][0] < oldest_ms or cursor > newest


def _last_applied(statements, client_id: str | None, user_id: str) -> str | None:
    if not client_id:
        return None
    rows = statements.rows(
        "SELECT last_mutation_id FROM sync_clients WHERE client_id = :c AND user_id = :u",
        {"c": client_id, "u": user_id},
    )
    return rows[0][0] if rows else None
