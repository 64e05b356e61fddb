"""Work-order merge states ⇄ rows (the mapping is described in models.py).

Plain functions over `statements` (backend/dialect.py), so the push batch runs them on the
database thread without an await per row; REST and sync both reach the table only here.
"""

import functools
import operator
from datetime import UTC, datetime
from typing import Any

import msgspec

from backend.dialect import in_list
from backend.photos import events as photo_events
from backend.work_orders.registration import COLUMNS
from backend.work_orders.transitions import Status, transition_table
from sync.declaration import load_declaration
from sync.entities import WORK_ORDER

ENTITY = "work_order"
# The server's declaration (issue 5): sync/entities.py's example with the real status table
# and the fault-ticket merge fields. Structured values are last-writer-wins JSON scalars;
# what a repair needs is checked by transitions.check_transition when the status moves.
DECLARATION = load_declaration(
    {
        **WORK_ORDER,
        "fields": {
            **WORK_ORDER["fields"],
            "status": {
                "kind": "state",
                "default": "reported",
                "values": [str(s) for s in Status],
                "transitions": transition_table(),
            },
            "severity": {"kind": "scalar", "default": None, "lock_on_sign": True},
            "diagnosis": {"kind": "scalar", "default": None, "lock_on_sign": True},
            "parts_used": {"kind": "scalar", "default": None, "lock_on_sign": True},
            "verification": {"kind": "scalar", "default": None, "lock_on_sign": True},
            # Recorded after closing, so never locked by the signature.
            "follow_up": {"kind": "scalar", "default": None},
            # Issue 6: the repair's evidence; signed with the record, so locked by the signature.
            "photos": {"kind": "events", "lock_on_sign": True},
        },
    }
)
JSON_FIELDS = ("diagnosis", "parts_used", "verification", "follow_up")
assert DECLARATION.signed_when is not None and DECLARATION.signed_when.field == "status"
_SIGNED = frozenset(DECLARATION.signed_when.values)
# How a conflict resolution sets each state / event field (PROTOCOL.md §2 mutation names).
MOVES = {"status": ("work_order.transition", "to"), "assignee": ("work_order.assign", "assignee")}
EVENTS = {
    "comments": ("work_order.add_comment", "work_order.remove_comment", "comment_id"),
    "photos": ("work_order.add_photo", "work_order.remove_photo", "photo_id"),
}
SET_MUTATION = "work_order.set_fields"

_ROW = (
    "SELECT id, site_id, asset_id, title, notes, status, assignee_id, version, "
    "deleted_at IS NOT NULL, merge_meta, severity, diagnosis, parts_used, verification, follow_up "
    "FROM work_orders WHERE id IN {ids}"
)
_COMMENTS = (
    "SELECT work_order_id, id, body, hlc, removed, removed_hlc, author_id "
    "FROM work_order_comments WHERE work_order_id IN {ids}"
)

# INSERT names only the columns a row has values for (`_upsert`); the ON CONFLICT part is the
# same for every row. The registration columns (registration.COLUMNS) are written only by the
# INSERT of a new ticket: an update never touches them (lifecycle.settle_rows re-times).
_ON_CONFLICT = """
ON CONFLICT (id) DO UPDATE SET title = excluded.title, notes = excluded.notes,
    severity = excluded.severity, diagnosis = excluded.diagnosis,
    parts_used = excluded.parts_used, verification = excluded.verification,
    follow_up = excluded.follow_up,
    status = excluded.status, assignee_id = excluded.assignee_id, version = excluded.version,
    deleted_at = COALESCE(work_orders.deleted_at, excluded.deleted_at),
    signed = excluded.signed,
    signed_at = CASE WHEN excluded.signed THEN COALESCE(work_orders.signed_at, excluded.signed_at)
                ELSE NULL END,
    merge_meta = excluded.merge_meta, updated_at = excluded.updated_at
"""
_UNREGISTERED = dict.fromkeys(COLUMNS)
_NAMES = (
    "id", "site_id", "asset_id", "title", "notes", "status", "assignee_id", "version", "deleted_at",
    "signed", "signed_at", "merge_meta", "severity", "diagnosis", "parts_used", "verification",
    "follow_up", *COLUMNS,
)  # fmt: skip
_values = operator.itemgetter(*_NAMES)
_NONE = type(None)


@functools.lru_cache(maxsize=64)
def _upsert(present: tuple[str, ...]) -> str:
    """The UPSERT of rows whose non-empty columns are `present` (created_at/updated_at = :now).

    An omitted column is NULL in the new row and in `excluded` alike (none of them has a
    default), so this is the full UPSERT; a new ticket leaves most columns empty, and binding
    only the rest saves about a quarter of the INSERT's cost in a push batch.
    """
    columns = ", ".join((*present, "created_at", "updated_at"))
    values = ", ".join([f":{name}" for name in present] + [":now", ":now"])
    return f"INSERT INTO work_orders ({columns}) VALUES ({values}){_ON_CONFLICT}"


UPSERT_COMMENT = """
INSERT INTO work_order_comments (work_order_id, id, body, hlc, removed, removed_hlc, author_id)
VALUES (:work_order_id, :id, :body, :hlc, :removed, :removed_hlc, :author_id)
ON CONFLICT (work_order_id, id) DO UPDATE SET body = excluded.body, hlc = excluded.hlc,
    removed = excluded.removed, removed_hlc = excluded.removed_hlc,
    author_id = COALESCE(work_order_comments.author_id, excluded.author_id)
"""


def load(statements, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Merge states by id, each with its `site_id` and `asset_id` beside the merge data."""
    if not ids:
        return {}
    fragment, params = in_list("w", ids)
    states = {row[0]: _state(row) for row in statements.rows(_ROW.format(ids=fragment), params)}
    if states:
        fragment, params = in_list("c", list(states))
        for row in statements.rows(_COMMENTS.format(ids=fragment), params):
            states[row[0]]["events"]["comments"][row[1]] = _event(row)
        for record_id, events in photo_events.load(statements, ENTITY, list(states)).items():
            states[record_id]["events"]["photos"] = events
    return states


def _state(row: tuple) -> dict[str, Any]:
    meta = row[9] if isinstance(row[9], dict) else msgspec.json.decode(row[9] or "{}")
    return {
        "id": row[0],
        "version": row[7],
        "deleted": bool(row[8]),
        "fields": {
            "title": row[3],
            "notes": row[4],
            "status": row[5],
            "assignee": row[6],
            "severity": row[10],
            **{name: _json(value) for name, value in zip(JSON_FIELDS, row[11:15], strict=True)},
        },
        "clocks": meta.get("clocks", {}),
        "events": {"comments": {}, "photos": {}},
        "site_id": row[1],
        "asset_id": row[2],
    }


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _event(row: tuple) -> dict[str, Any]:
    event: dict[str, Any] = {
        "data": None if row[2] is None else {"body": row[2]},
        "hlc": row[3],
        "removed": bool(row[4]),
    }
    if row[5] is not None:
        event["removed_hlc"] = row[5]
    if row[6] is not None:
        event["by"] = row[6]
    return event


def save(
    statements,
    states: list[dict[str, Any]],
    dirty_events: set[str],
    now_ms: int,
    columns: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Store merge states; `columns` are the registration columns of the tickets this batch
    creates, by id (guard.Requirements.created)."""
    now = datetime.fromtimestamp(now_ms / 1000, UTC)
    stamp = statements.timestamp(now)
    columns = columns or {}
    # Rows grouped by the types of their values (a C-level map, cheap per row); a group's rows
    # are empty in the same columns, so they share one statement.
    groups: dict[tuple[type, ...], list[dict[str, Any]]] = {}
    for state in states:
        row = _row(state, stamp, columns.get(state["id"], _UNREGISTERED))
        groups.setdefault(tuple(map(type, _values(row))), []).append(row)
    for types, rows in groups.items():
        present = tuple(name for name, kind in zip(_NAMES, types, strict=True) if kind is not _NONE)
        statements.many(_upsert(present), rows)
    statements.many(
        UPSERT_COMMENT,
        [
            _comment_row(state["id"], event_id, event)
            for state in states
            if state["id"] in dirty_events
            for event_id, event in state["events"]["comments"].items()
        ],
    )
    photo_events.save(
        statements, ENTITY, [s for s in states if s["id"] in dirty_events], now.replace(tzinfo=None)
    )


def _row(state: dict[str, Any], now: Any, registration: dict[str, Any]) -> dict[str, Any]:
    fields = state["fields"]
    signed = fields["status"] in _SIGNED  # DECLARATION.is_signed, inlined: once per saved row
    get = fields.get
    return {
        **registration,
        "id": state["id"],
        "site_id": state["site_id"],
        "asset_id": state.get("asset_id"),
        "title": fields["title"],
        "notes": fields["notes"],
        "status": fields["status"],
        "assignee_id": fields["assignee"],
        "version": state["version"],
        "deleted_at": now if state["deleted"] else None,
        "signed": signed,
        "signed_at": now if signed else None,
        "merge_meta": msgspec.json.encode({"clocks": state["clocks"]}).decode(),
        "now": now,
        "severity": get("severity"),
        "diagnosis": None if (value := get("diagnosis")) is None else _text(value),
        "parts_used": None if (value := get("parts_used")) is None else _text(value),
        "verification": None if (value := get("verification")) is None else _text(value),
        "follow_up": None if (value := get("follow_up")) is None else _text(value),
    }


def _text(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def _comment_row(work_order_id: str, event_id: str, event: dict[str, Any]) -> dict[str, Any]:
    data = event["data"]
    return {
        "work_order_id": work_order_id,
        "id": event_id,
        "body": None if data is None else data["body"],
        "hlc": event["hlc"],
        "removed": event["removed"],
        "removed_hlc": event.get("removed_hlc"),
        "author_id": event.get("by"),
    }


def create_site(mutation) -> tuple[str | None, str | None]:
    """(site_id, asset_id) a create mutation places the new record at."""
    return mutation.site_id, mutation.asset_id
