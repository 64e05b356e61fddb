"""Records written outside the sync engine still reach every phone (PROTOCOL.md §5).

The engine logs what it decides; assets registered or imported on the console, demo data and
other ORM edits of the rows a record state is read from would never enter `sync_changes`, so
a phone's pull would never see them. Two ways in close that gap:

- an ORM `after_flush` hook: when a flush inserts or changes a column the merge state is read
  from (assets, work orders and their comments, inspection records), the record's state
  (read back by its table module, exactly what the engine would log) is appended to the
  change log in the same transaction;
- `backfill`: every record that has no change row at all (written before this hook existed,
  or by a bulk statement) is logged once; `weibao sync-maintain` and the SLA worker run it.
"""

import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from backend.dialect import PortableStatements

# ORM table → (entity, attribute holding the record id, the columns its merge state reads;
# None: any change).
_WORK_ORDER_COLUMNS = (
    "site_id asset_id title notes status assignee_id version deleted_at merge_meta severity diagnosis "
    "parts_used verification follow_up"
)
# What backend/inspections/sync_records.load reads (its _ROW), e.g. the console's PATCH of
# finished_at or a record created by the ORM; `answers` is derived from merge_meta, but a
# record stored before revision 0008 has only that column.
_INSPECTION_COLUMNS = (
    "site_id asset_id round_id template_id inspector_id state version problems cause solution "
    "parts_to_replace merge_meta answers results failed_items started_at_device finished_at_device"
)
WATCHED: dict[str, tuple[str, str, frozenset[str] | None]] = {
    "assets": ("asset", "id", frozenset(["site_id", "notes", "location_text", "status", "version"])),
    "work_orders": ("work_order", "id", frozenset(_WORK_ORDER_COLUMNS.split())),
    "work_order_comments": ("work_order", "work_order_id", None),
    "inspection_records": ("inspection", "id", frozenset(_INSPECTION_COLUMNS.split())),
}
# entity → the table whose rows are its records (backfill).
RECORD_TABLES = {"asset": "assets", "work_order": "work_orders", "inspection": "inspection_records"}


def _changed(obj: Any, columns: frozenset[str] | None) -> bool:
    state = inspect(obj)
    names = columns if columns is not None else [a.key for a in state.mapper.column_attrs]
    return any(state.attrs[name].history.has_changes() for name in names)


def touched_records(session: Session) -> dict[str, set[str]]:
    touched: dict[str, set[str]] = {}
    for obj in (*session.new, *session.dirty):
        watched = WATCHED.get(getattr(obj, "__tablename__", ""))
        if watched is None:
            continue
        entity, id_attribute, columns = watched
        if obj in session.new or _changed(obj, columns):
            touched.setdefault(entity, set()).add(getattr(obj, id_attribute))
    return touched


def log_states(statements, touched: dict[str, Iterable[str]], now_ms: int) -> int:
    """Append the current state of these records to the change log; returns the row count."""
    from backend.sync_api.engine import INSERT_CHANGE, record_change  # the engine imports us
    from backend.sync_api.entities import TABLES

    rows = [
        record_change(entity, state, now_ms)
        for entity, ids in touched.items()
        for state in TABLES[entity].load(statements, sorted(ids)).values()
    ]
    statements.many(INSERT_CHANGE, rows)
    return len(rows)


@event.listens_for(Session, "after_flush")
def _log_outside_changes(session: Session, _context) -> None:
    touched = touched_records(session)
    if touched:
        log_states(PortableStatements(session.connection()), touched, time.time_ns() // 1_000_000)


_UNLOGGED = """SELECT id FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM sync_changes c
WHERE c.entity = :entity AND c.record_id = t.id) ORDER BY id LIMIT :n"""


def backfill(statements, now_ms: int, chunk: int = 500) -> int:
    """Log every record that never entered the change log; returns how many were logged."""
    logged = 0
    for entity, table in RECORD_TABLES.items():
        while True:
            sql = _UNLOGGED.format(table=table)
            ids = [r[0] for r in statements.rows(sql, {"entity": entity, "n": chunk})]
            if not ids:
                break
            written = log_states(statements, {entity: ids}, now_ms)
            logged += written
            if written < len(ids):  # a row its table module does not read: never loop on it
                break
    return logged
