"""Conflict cards: listed for the dispatchers of their sites, resolved by a person.

Resolving applies the chosen values as console mutations (console.py), so a resolution is an
ordinary change that syncs to every device, and the card itself syncs as resolved. They are
decided with the domains' checks (entities.CHECKS: an inspection submit needs a complete
checklist), and the work-order moves they make come back as `effects` for the lifecycle.

A move's arguments beside its target (a cancel's reason, a submit's finish time) are not fields;
the engine keeps them in the card's `proposed` (engine.MOVE_ARGUMENTS), and taking the proposal
sends them again.
"""

from datetime import UTC, datetime
from typing import Any

import msgspec

from backend.db import new_id
from backend.errors import Conflict as Refused
from backend.errors import Invalid, NotFound
from backend.sync_api.console import console_mutation, refuse
from backend.sync_api.engine import INSERT_CHANGE, MOVE_ARGUMENTS, Batch, Caller, conflict_change
from backend.sync_api.entities import CHECKS, TABLES
from backend.work_orders import guard
from sync.protocol import Conflict, Mutation, ProtocolError, mutation_from_builtins


class NotByResolution(Invalid):
    code = "not_by_resolution"


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
    mutations = mutations_for(card["entity"], card["record_id"], chosen, now_ms)
    effects = apply_resolution(statements, mutations, caller, now_ms)
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
    # `effects` is for the caller (the lifecycle of work-order moves), not part of the card.
    return {**card, "status": "resolved", "resolution": resolution, "effects": effects}


def apply_resolution(statements, mutations: list[Mutation], caller: Caller, now_ms: int) -> list[Any]:
    """Decide and store the mutations as console writes, with the domains' checks; a refusal
    is an HTTP error (nothing stored). Returns the effects (applied work-order moves)."""
    if not mutations:
        return []
    batch = Batch(statements, caller, now_ms, CHECKS)
    batch.load(mutations)
    for mutation in mutations:
        before = batch.states.get((mutation.entity, mutation.record_id))
        mutation = console_mutation(mutation, before, now_ms)
        guard.ensure_requirements(statements, before, mutation)  # the 422 listing what is missing
        refuse(batch.decide(mutation))
    batch.write()
    return batch.effects


def mutations_for(entity: str, record_id: str, values: dict[str, Any], now_ms: int = 0) -> list[Mutation]:
    """The mutations that set `values` on a record: one set for plain fields, one per move/event;
    a move's arguments (MOVE_ARGUMENTS) may sit beside its field."""
    table = TABLES[entity]
    specs = table.DECLARATION.fields
    arguments = {a for field in table.MOVES for a in _move_arguments(table.MOVES[field])}
    unknown = sorted(set(values) - set(specs) - arguments - {"deleted"})
    if unknown or "deleted" in values:
        raise Invalid(f"These cannot be set by a resolution: {', '.join(unknown) or 'deleted'}.")
    bodies: list[dict[str, Any]] = []
    plain = {k: v for k, v in values.items() if k in specs and specs[k].kind in ("scalar", "important")}
    if plain:
        bodies.append({"name": table.SET_MUTATION, "fields": plain})
    for name, value in values.items():
        if name in table.MOVES:
            bodies.append(_move_body(table, name, value, values, now_ms))
        elif name in table.EVENTS:
            bodies.append(_event_body(table.EVENTS[name], value))
    if arguments & set(values) and not set(values) & set(table.MOVES):
        raise Invalid(f"{', '.join(sorted(arguments & set(values)))} only go with a move.")
    return [_mutation(table, record_id, body) for body in bodies]


def _move_arguments(move: tuple[str, str] | dict[str, str]) -> tuple[str, ...]:
    tags = move.values() if isinstance(move, dict) else [move[0]]
    return tuple(a for tag in tags for a in MOVE_ARGUMENTS.get(tag, ()))


def _move_body(table, field: str, target: Any, values: dict[str, Any], now_ms: int) -> dict[str, Any]:
    """A table's MOVES entry is (mutation, argument naming the target) or, when each target has
    its own mutation, {target: mutation}; targets missing there are refused with the reason."""
    move = table.MOVES[field]
    if isinstance(move, dict):
        tag = move.get(target)
        if tag is None:
            why = getattr(table, "NOT_BY_RESOLUTION", {}).get(target, "no move leads there")
            raise NotByResolution(f"A resolution cannot set {field} to {target!r}: {why}.")
        body: dict[str, Any] = {"name": tag}
    else:
        tag, argument = move
        body = {"name": tag, argument: target}
    for name in MOVE_ARGUMENTS.get(tag, ()):
        if values.get(name) not in (None, ""):
            body[name] = values[name]
    if tag == "inspection.submit" and "finished_at" not in body:  # entered by hand: finished now
        body["finished_at"] = datetime.fromtimestamp(now_ms / 1000, UTC).isoformat()
    return body


def _event_body(names: tuple[str, str, str], value: Any) -> dict[str, Any]:
    add, remove, key = names
    if not isinstance(value, dict) or not ({"add", "remove"} & set(value)):
        raise Invalid("An event value needs 'add' (with its data) or 'remove'.")
    if "remove" in value:
        return {"name": remove, key: value["remove"]}
    return {"name": add, key: value["add"], **{k: v for k, v in value.items() if k != "add"}}


def _mutation(table, record_id: str, body: dict[str, Any]) -> Mutation:
    wire = {
        **body,
        "id": new_id(),
        "client_id": "server",
        "seq": 1,
        "hlc": "000000000000000:00000:server",
        "record_id": record_id,
    }
    server_only = getattr(table, "SERVER_MUTATIONS", {}).get(body["name"])
    try:
        if server_only is not None:
            return msgspec.convert({k: v for k, v in wire.items() if k != "name"}, server_only)
        return mutation_from_builtins(wire)
    except (ProtocolError, msgspec.ValidationError) as error:
        raise Invalid(str(error), code="bad_resolution") from None
