"""Photo events ⇄ rows of `photos` (one row per event), for every record kind that syncs photos.

Plain functions over `statements` (backend/dialect.py), called by a record's store on the
database thread. An event's data is exactly `sync.protocol.PhotoData` as builtins
({sha256, phase, captured_at, item, latitude, longitude}); the row adds where it lives (site),
its clock and tombstone, and whether the bytes are here (`state`, derived on every save: a
photo is `present` once its blob is, `removed` once the event is removed; a removed photo
never counts as evidence again).
"""

from datetime import UTC, datetime
from typing import Any

import msgspec

from backend.dialect import in_list

_LOAD = (
    "SELECT record_id, id, blob_sha256, phase, captured_at, item, latitude, longitude, hlc, "
    "state, removed_hlc, created_at, taken_by FROM photos WHERE record_kind = :kind AND record_id IN {ids}"
)

# The CAST: PostgreSQL must deduce ONE type per parameter; without it the VALUES use of :sha256
# and the comparison disagree ("inconsistent types deduced for parameter", tests/postgres).
UPSERT = """
INSERT INTO photos (id, blob_sha256, site_id, record_kind, record_id, phase, captured_at,
    latitude, longitude, item, taken_by, state, hlc, removed_hlc, created_at)
VALUES (:id, :sha256, :site_id, :kind, :record_id, :phase, :captured_at, :latitude, :longitude,
    :item, :by,
    CASE WHEN :removed THEN 'removed'
         WHEN EXISTS (SELECT 1 FROM blobs
                      WHERE blobs.sha256 = CAST(:sha256 AS VARCHAR(64)) AND blobs.state = 'present')
         THEN 'present' ELSE 'pending_blob' END,
    :hlc, :removed_hlc, :now)
ON CONFLICT (id) DO UPDATE SET blob_sha256 = excluded.blob_sha256, phase = excluded.phase,
    captured_at = excluded.captured_at, latitude = excluded.latitude,
    longitude = excluded.longitude, item = excluded.item, state = excluded.state,
    hlc = excluded.hlc, removed_hlc = excluded.removed_hlc,
    taken_by = COALESCE(photos.taken_by, excluded.taken_by)
WHERE photos.record_kind = excluded.record_kind AND photos.record_id = excluded.record_id
"""


def load(statements, kind: str, record_ids: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """record id → {event id → event} in the engine's event form (sync/merge.py)."""
    if not record_ids:
        return {}
    fragment, params = in_list("p", record_ids)
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for row in statements.rows(_LOAD.format(ids=fragment), {**params, "kind": kind}):
        found.setdefault(row[0], {})[row[1]] = event_of(row)
    return found


def event_of(row: tuple) -> dict[str, Any]:
    has_data = row[2] is not None
    data = None
    if has_data:
        data = {
            "sha256": row[2],
            "phase": row[3],
            "captured_at": time_text(row[4]),
            "item": row[5],
            "latitude": row[6],
            "longitude": row[7],
        }
    # Rows attached before photos were events have no clock: their creation time stands in.
    hlc = row[8] or (f"{_ms(row[11]):015d}:00000:server" if has_data else None)
    event: dict[str, Any] = {"data": data, "hlc": hlc, "removed": row[9] == "removed"}
    if row[10] is not None:
        event["removed_hlc"] = row[10]
    if row[12] is not None:
        event["by"] = row[12]
    return event


def _aware(value: Any) -> datetime:
    if isinstance(value, str):  # plain sqlite3 returns the stored text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _ms(value: Any) -> int:
    return int(_aware(value).timestamp() * 1000)


def time_text(value: Any) -> str | None:
    """The time as msgspec writes it in the pushed data (UTC, `Z`), so loaded = pushed."""
    if value is None:
        return None
    return msgspec.to_builtins(_aware(value).astimezone(UTC))


def _naive_utc(text: str | None) -> datetime | None:
    if text is None:
        return None
    return _aware(datetime.fromisoformat(text)).astimezone(UTC).replace(tzinfo=None)


BLOB_CHANGE = """INSERT INTO sync_changes (entity, record_id, site_id, op, data, for_user_id, at_ms)
SELECT 'blob', sha256, :site_id, 'upsert', :data, NULL, :at_ms FROM blobs
WHERE sha256 = :sha256 AND state = 'present'"""


def save(statements, kind: str, states: list[dict[str, Any]], now: datetime) -> None:
    rows = [
        row(kind, state, event_id, event, now)
        for state in states
        for event_id, event in state["events"].get("photos", {}).items()
    ]
    if not rows:
        return
    fragment, params = in_list("p", [r["id"] for r in rows])
    had_data = {
        r[0]
        for r in statements.rows(
            f"SELECT id FROM photos WHERE blob_sha256 IS NOT NULL AND id IN {fragment}", params
        )
    }
    statements.many(UPSERT, rows)
    # A photo whose bytes arrived before it did: its phone learns `present` from this change
    # (the upload's own change went out before any record referenced the bytes).
    at_ms = int(now.replace(tzinfo=UTC).timestamp() * 1000)
    fresh = {(r["site_id"], r["sha256"]) for r in rows if r["sha256"] and r["id"] not in had_data}
    statements.many(BLOB_CHANGE, [blob_change(site, sha, at_ms) for site, sha in sorted(fresh)])


def blob_change(site_id: str, sha256: str, at_ms: int) -> dict[str, Any]:
    """The `blob` change of PROTOCOL.md §5: these bytes are on the server now."""
    data = msgspec.json.encode({"sha256": sha256, "state": "present"}).decode()
    return {"site_id": site_id, "sha256": sha256, "data": data, "at_ms": at_ms}


def row(kind: str, state: dict[str, Any], event_id: str, event: dict[str, Any], now: datetime) -> dict:
    data = event["data"] or {}
    return {
        "id": event_id,
        "sha256": data.get("sha256"),
        "site_id": state["site_id"],
        "kind": kind,
        "record_id": state["id"],
        "phase": data.get("phase"),
        "captured_at": _naive_utc(data.get("captured_at")),
        "latitude": data.get("latitude"),
        "longitude": data.get("longitude"),
        "item": data.get("item"),
        "removed": bool(event["removed"]),
        "hlc": event["hlc"],
        "removed_hlc": event.get("removed_hlc"),
        "by": event.get("by"),
        "now": now,
    }


def visible_phases(state: dict[str, Any]) -> frozenset[str]:
    """The phases a record's live photos cover (removed photos no longer count)."""
    return frozenset(
        e["data"]["phase"]
        for e in state["events"].get("photos", {}).values()
        if not e["removed"] and e["data"] is not None
    )
