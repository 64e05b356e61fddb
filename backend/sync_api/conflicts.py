"""Conflict cards: listed for the dispatchers of their sites, resolved by a person.

Resolving applies the chosen values as console mutations (console.py), so a resolution is an
ordinary change that syncs to every device, and the card itself syncs as resolved.
"""

from typing import Any

import msgspec

from backend.db import new_id
from backend.errors import Conflict as Refused
from backend.errors import Invalid, NotFound
from backend.sync_api.console import apply_console
from backend.sync_api.engine import INSERT_CHANGE, Caller, conflict_change
from backend.sync_api.entities import TABLES
from sync.protocol import Conflict, Mutation, ProtocolError, mutation_from_builtins

_LIST = """SELECT id, entity, record_id, site_id, kind, status, body, resolution, at_ms
FROM sync_conflicts WHERE status = :status {scope} ORDER BY at_ms, id LIMIT 500"""
_ONE = """SELECT id, entity, record_id, site_id, kind, status, body, resolution, at_ms
FROM sync_conflicts WHERE id = :id"""


def _card(row: tuple) -> dict[str, Any]:
    decode = msgspec.json.decode
    body, resolution = row[6], row[7]
    return {
        "id": row[0],
        "entity": row[1],
        "record_id": row[2],
        "site_id": row[3],
        "kind": row[4],
        "status": row[5],
        "conflict": decode(body) if isinstance(body, str | bytes) else body,
        "resolution": decode(resolution) if isinstance(resolution, str | bytes) else resolution,
        "at_ms": row[8],
    }


def list_conflicts(statements, caller: Caller, status: str) -> list[dict[str, Any]]:
    scope = (
        ""
        if caller.site_ids is None
        else ("AND site_id IN (SELECT site_id FROM site_assignments WHERE user_id = :u)")
    )
    rows = statements.rows(_LIST.format(scope=scope), {"status": status, "u": caller.user_id})
    return [_card(r) for r in rows]


def resolve_conflict(
    statements, conflict_id: str, choice: str, values: dict[str, Any] | None, caller: Caller, now_ms: int
) -> dict[str, Any]:
    rows = statements.rows(_ONE, {"id": conflict_id})
    if not rows or not caller.sees(rows[0][3]):
        raise NotFound(f"No conflict with id {conflict_id}.")
    card = _card(rows[0])
    if card["status"] == "resolved":
        raise Refused("This conflict was already resolved.", code="already_resolved")
    chosen = {"current": {}, "proposed": card["conflict"]["proposed"]}.get(choice, values or {})
    for mutation in mutations_for(card["entity"], card["record_id"], chosen):
        apply_console(statements, mutation, caller, now_ms)
    resolution = {"choice": choice, "values": chosen, "by": caller.user_id}
    statements.run(
        "UPDATE sync_conflicts SET status = 'resolved', resolution = :r, resolved_by = :u, "
        "resolved_ms = :now WHERE id = :id",
        {
            "r": msgspec.json.encode(resolution).decode(),
            "u": caller.user_id,
            "now": now_ms,
            "id": conflict_id,
        },
    )
    conflict = msgspec.convert(card["conflict"], Conflict)
    statements.many(
        INSERT_CHANGE, [conflict_change(conflict, card["site_id"], "resolved", resolution, now_ms)]
    )
    return {**card, "status": "resolved", "resolution": resolution}


def mutations_for(entity: str, record_id: str, values: dict[str, Any]) -> list[Mutation]:
    """The mutations that set `values` on a record: one set for plain fields, one per move/event."""
    table = TABLES[entity]
    specs = table.DECLARATION.fields
    unknown = sorted(set(values) - set(specs) - {"deleted"})
    if unknown or "deleted" in values:
        raise Invalid(f"These cannot be set by a resolution: {', '.join(unknown) or 'deleted'}.")
    bodies: list[dict[str, Any]] = []
    plain = {k: v for k, v in values.items() if specs[k].kind in ("scalar", "important")}
    if plain:
        bodies.append({"name": table.SET_MUTATION, "fields": plain})
    for name, value in values.items():
        if name in table.MOVES:
            tag, argument = table.MOVES[name]
            bodies.append({"name": tag, argument: value})
        elif name in table.EVENTS:
            bodies.append(_event_body(table.EVENTS[name], value))
    return [_mutation(entity, record_id, body) for body in bodies]


def _event_body(names: tuple[str, str, str], value: Any) -> dict[str, Any]:
    add, remove, key = names
    if not isinstance(value, dict) or not ({"add", "remove"} & set(value)):
        raise Invalid("An event value needs 'add' (with its data) or 'remove'.")
    if "remove" in value:
        return {"name": remove, key: value["remove"]}
    return {"name": add, key: value["add"], **{k: v for k, v in value.items() if k != "add"}}


def _mutation(entity: str, record_id: str, body: dict[str, Any]) -> Mutation:
    wire = {
        **body,
        "id": new_id(),
        "client_id": "server",
        "seq": 1,
        "hlc": "000000000000000:00000:server",
        "record_id": record_id,
    }
    try:
        return mutation_from_builtins(wire)
    except ProtocolError as error:
        raise Invalid(str(error), code="bad_resolution") from None
