"""Work-order merge states ⇄ rows (the mapping is described in models.py).

Plain functions over `statements` (backend/dialect.py), so the push batch runs them on the
database thread without an await per row; REST and sync both reach the table only here.
"""

from datetime import UTC, datetime
from typing import Any

import msgspec

from backend.dialect import in_list
from sync.entities import DECLARATIONS

ENTITY = "work_order"
DECLARATION = DECLARATIONS[ENTITY]
# How a conflict resolution sets each state / event field (PROTOCOL.md §2 mutation names).
MOVES = {"status": ("work_order.transition", "to"), "assignee": ("work_order.assign", "assignee")}
EVENTS = {"comments": ("work_order.add_comment", "work_order.remove_comment", "comment_id")}
SET_MUTATION = "work_order.set_fields"

_ROW = (
    "SELECT id, site_id, asset_id, title, notes, status, assignee_id, version, "
    "deleted_at IS NOT NULL, merge_meta FROM work_orders WHERE id IN {ids}"
)
_COMMENTS = (
    "SELECT work_order_id, id, body, hlc, removed, removed_hlc "
    "FROM work_order_comments WHERE work_order_id IN {ids}"
)

UPSERT = """
INSERT INTO work_orders (id, site_id, asset_id, title, notes, status, assignee_id, version,
    deleted_at, signed, signed_at, merge_meta, created_at, updated_at)
VALUES (:id, :site_id, :asset_id, :title, :notes, :status, :assignee_id, :version,
    :deleted_at, :signed, :signed_at, :merge_meta, :now, :now)
ON CONFLICT (id) DO UPDATE SET title = excluded.title, notes = excluded.notes,
    status = excluded.status, assignee_id = excluded.assignee_id, version = excluded.version,
    deleted_at = COALESCE(work_orders.deleted_at, excluded.deleted_at),
    signed = excluded.signed,
    signed_at = CASE WHEN excluded.signed THEN COALESCE(work_orders.signed_at, excluded.signed_at)
                ELSE NULL END,
    merge_meta = excluded.merge_meta, updated_at = excluded.updated_at
"""

UPSERT_COMMENT = """
INSERT INTO work_order_comments (work_order_id, id, body, hlc, removed, removed_hlc)
VALUES (:work_order_id, :id, :body, :hlc, :removed, :removed_hlc)
ON CONFLICT (work_order_id, id) DO UPDATE SET body = excluded.body, hlc = excluded.hlc,
    removed = excluded.removed, removed_hlc = excluded.removed_hlc
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
    return states


def _state(row: tuple) -> dict[str, Any]:
    meta = row[9] if isinstance(row[9], dict) else msgspec.json.decode(row[9] or "{}")
    return {
        "id": row[0],
        "version": row[7],
        "deleted": bool(row[8]),
        "fields": {"title": row[3], "notes": row[4], "status": row[5], "assignee": row[6]},
        "clocks": meta.get("clocks", {}),
        "events": {"comments": {}},
        "site_id": row[1],
        "asset_id": row[2],
    }


def _event(row: tuple) -> dict[str, Any]:
    event: dict[str, Any] = {
        "data": None if row[2] is None else {"body": row[2]},
        "hlc": row[3],
        "removed": bool(row[4]),
    }
    if row[5] is not None:
        event["removed_hlc"] = row[5]
    return event


def save(statements, states: list[dict[str, Any]], dirty_events: set[str], now_ms: int) -> None:
    now = datetime.fromtimestamp(now_ms / 1000, UTC).replace(tzinfo=None)
    statements.many(UPSERT, [_row(state, now) for state in states])
    statements.many(
        UPSERT_COMMENT,
        [
            _comment_row(state["id"], event_id, event)
            for state in states
            if state["id"] in dirty_events
            for event_id, event in state["events"]["comments"].items()
        ],
    )


def _row(state: dict[str, Any], now: datetime) -> dict[str, Any]:
    fields = state["fields"]
    signed = DECLARATION.is_signed(fields)
    return {
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
    }


def _comment_row(work_order_id: str, event_id: str, event: dict[str, Any]) -> dict[str, Any]:
    data = event["data"]
    return {
        "work_order_id": work_order_id,
        "id": event_id,
        "body": None if data is None else data["body"],
        "hlc": event["hlc"],
        "removed": event["removed"],
        "removed_hlc": event.get("removed_hlc"),
    }


def create_site(mutation) -> tuple[str | None, str | None]:
    """(site_id, asset_id) a create mutation places the new record at."""
    return mutation.site_id, mutation.asset_id
