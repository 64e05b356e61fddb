"""Asset merge states ⇄ rows of the assets table (backend/assets/models.py).

Sync edits three fields (sync/entities.py ASSET): notes → assets.notes, location →
assets.location_text, status → assets.status. The row's `version` is the merge version. The
per-field clocks live in sync_record_meta; a status change also appends a `status_changed`
row to asset_events, as the asset service does for console edits. Assets are created by the
register and import, never by a phone, so there is no create.
"""

from datetime import UTC, datetime
from typing import Any

import msgspec

from backend.db import new_id
from backend.dialect import in_list
from sync.entities import DECLARATIONS

ENTITY = "asset"
DECLARATION = DECLARATIONS[ENTITY]
MOVES: dict[str, tuple[str, str]] = {}
EVENTS: dict[str, tuple[str, str, str]] = {}
SET_MUTATION = "asset.set_fields"

_ROWS = "SELECT id, site_id, notes, location_text, status, version FROM assets WHERE id IN {ids}"
_META = "SELECT record_id, clocks FROM sync_record_meta WHERE entity = 'asset' AND record_id IN {ids}"
UPDATE = """UPDATE assets SET notes = :notes, location_text = :location, status = :status,
    version = :version, updated_at = :now WHERE id = :id"""
UPSERT_META = """INSERT INTO sync_record_meta (entity, record_id, clocks) VALUES ('asset', :id, :clocks)
ON CONFLICT (entity, record_id) DO UPDATE SET clocks = excluded.clocks"""
HISTORY = """INSERT INTO asset_events (id, asset_id, at, kind, actor_id, actor_name, detail)
VALUES (:id, :asset_id, :now, 'status_changed', NULL, 'sync', :detail)"""


def load(statements, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    fragment, params = in_list("a", ids)
    clocks = {r[0]: msgspec.json.decode(r[1]) for r in statements.rows(_META.format(ids=fragment), params)}
    return {
        r[0]: {
            "id": r[0],
            "version": r[5],
            "deleted": False,
            "fields": {"notes": r[2], "location": r[3], "status": r[4]},
            "clocks": clocks.get(r[0], {}),
            "events": {},
            "site_id": r[1],
        }
        for r in statements.rows(_ROWS.format(ids=fragment), params)
    }


def save(
    statements, states: list[dict[str, Any]], _dirty_events: set[str], now_ms: int, _columns=None
) -> None:
    now = datetime.fromtimestamp(now_ms / 1000, UTC).replace(tzinfo=None)
    fragment, params = in_list("a", [s["id"] for s in states])
    before = dict(statements.rows(f"SELECT id, status FROM assets WHERE id IN {fragment}", params))
    statements.many(
        UPDATE,
        [
            {
                "id": s["id"],
                "notes": s["fields"]["notes"],
                "location": s["fields"]["location"],
                "status": s["fields"]["status"],
                "version": s["version"],
                "now": now,
            }
            for s in states
        ],
    )
    statements.many(
        UPSERT_META, [{"id": s["id"], "clocks": msgspec.json.encode(s["clocks"]).decode()} for s in states]
    )
    statements.many(
        HISTORY,
        [
            {
                "id": new_id(),
                "asset_id": s["id"],
                "now": now,
                "detail": msgspec.json.encode(
                    {"from": before[s["id"]], "to": s["fields"]["status"]}
                ).decode(),
            }
            for s in states
            if before.get(s["id"]) != s["fields"]["status"]
        ],
    )


def create_site(_mutation) -> tuple[str | None, str | None]:
    return None, None  # never called: assets are not created by sync
