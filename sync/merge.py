"""The generic merge engine: decide one client mutation against one record.

`apply_mutation` is pure. The server calls it inside its push transaction (after the
idempotency check, see ledger.py) and stores the returned state, losers and conflict;
the JavaScript client runs the same rules (pwa/store/merge.js) to replay its outbox.

A record state is plain JSON-shaped data:
    {"id", "version", "deleted", "fields": {name: value}, "clocks": {name: hlc},
     "events": {name: {event_id: {"data", "hlc", "removed", ["removed_hlc"]}}}}
"""

import copy
from typing import Any

from sync.clock import clamp_text
from sync.decision import Attempt, Decision
from sync.declaration import Declaration
from sync.protocol import Mutation, Op
from sync.rules import apply_add_event, apply_move, apply_remove_event, apply_set

_SETTABLE = ("scalar", "important")
_ATOMS = (str, int, float, bool, type(None))


def apply_mutation(state: dict[str, Any] | None, mutation: Mutation,
                   declaration: Declaration, server_now_ms: int) -> Decision:
    """Decide `mutation` against `state` (None: no such record). Never mutates `state`."""
    if mutation.entity != declaration.entity:
        raise ValueError(f"{mutation.entity} mutation given the {declaration.entity} declaration")
    hlc, clamped = clamp_text(mutation.hlc, server_now_ms)
    attempt = Attempt(mutation, declaration, hlc, clamped)
    problem = invalid_reason(attempt.op, declaration)
    if problem:
        return attempt.rejected(state, problem)
    if state is None:
        return _create(mutation.record_id, attempt)
    if attempt.op.kind == "create":
        return attempt.rejected(state, f"{declaration.entity} {mutation.record_id} already exists")
    return _change(copy.deepcopy(state), attempt)


def mark_author(state: dict[str, Any], op: Op, user_id: str) -> None:
    """After an applied `add_event`: who added the event (a comment's author, a photo's taker),
    kept beside its data as `by` (PROTOCOL.md §4). Set by the server, never taken from a client;
    the first addition keeps it (a removal placeholder has none until its data arrives)."""
    event = state["events"].get(op.field or "", {}).get(op.event_id or "")
    if event is not None and event["data"] is not None:
        event.setdefault("by", user_id)


def _change(state: dict[str, Any], attempt: Attempt) -> Decision:
    op = attempt.op
    if state["deleted"]:
        if op.kind == "delete":
            return attempt.applied(state, [], [])
        # Never resurrect: the edit may have been made without knowing about the delete.
        return attempt.conflict(state, "edit_after_delete", attempt.touched(), {"deleted": True},
                                "the record was deleted; the edit was kept, not applied")
    if _locked(state, attempt):
        touched = attempt.touched()
        current = {f: state["fields"].get(f) for f in touched if f in state["fields"]}
        return attempt.conflict(state, "amendment_request", touched, current,
                                "the record is signed; the edit is stored as an amendment request")
    match op.kind:
        case "set":
            return apply_set(state, attempt)
        case "move":
            return apply_move(state, attempt)
        case "add_event":
            return apply_add_event(state, attempt)
        case "remove_event":
            return apply_remove_event(state, attempt)
        case "delete":
            state["deleted"] = True
            return attempt.applied(state, ["deleted"], [])
    raise AssertionError(f"unhandled operation {op.kind}")


def _locked(state: dict[str, Any], attempt: Attempt) -> bool:
    declaration = attempt.declaration
    if not declaration.is_signed(state["fields"]):
        return False
    if attempt.op.kind == "delete":
        return any(spec.lock_on_sign for spec in declaration.fields.values())
    return any(declaration.locks(name) for name in attempt.touched())


def _create(record_id: str, attempt: Attempt) -> Decision:
    if attempt.op.kind != "create":
        return attempt.rejected(None, f"no {attempt.declaration.entity} {record_id}")
    state = new_record(record_id, attempt.declaration)
    for name, value in attempt.op.values.items():
        state["fields"][name] = value
        state["clocks"][name] = attempt.hlc
    return attempt.applied(state, list(attempt.declaration.fields), [])


def new_record(record_id: str, declaration: Declaration) -> dict[str, Any]:
    """A record holding only declared defaults; defaults carry no clock, so any write wins."""
    defaults, events, atoms = _template(declaration)
    # Immutable defaults need no copy; deepcopy of each one was a visible share of a push batch.
    fields = dict(defaults) if atoms else {name: copy.deepcopy(value) for name, value in defaults.items()}
    return {"id": record_id, "version": 0, "deleted": False, "fields": fields, "clocks": {},
            "events": {name: {} for name in events}}


# id(declaration) → (declaration, default fields, event list names, all defaults immutable);
# the declaration is kept so that a recycled id can never match another declaration.
_TEMPLATES: dict[int, tuple[Declaration, dict[str, Any], tuple[str, ...], bool]] = {}


def _template(declaration: Declaration) -> tuple[dict[str, Any], tuple[str, ...], bool]:
    cached = _TEMPLATES.get(id(declaration))
    if cached is None or cached[0] is not declaration:
        specs = declaration.fields.items()
        defaults = {name: spec.default for name, spec in specs if spec.kind != "events"}
        events = tuple(name for name, spec in specs if spec.kind == "events")
        atoms = all(type(value) in _ATOMS for value in defaults.values())
        cached = _TEMPLATES[id(declaration)] = (declaration, defaults, events, atoms)
    return cached[1], cached[2], cached[3]


def invalid_reason(op: Op, declaration: Declaration) -> str | None:
    """Why the operation cannot mean anything for this entity (→ rejected), or None."""
    entity, specs = declaration.entity, declaration.fields
    if op.kind in ("create", "set"):
        if op.kind == "set" and not op.values:
            return "nothing to set"
        for name, value in op.values.items():
            problem = _value_problem(entity, name, value, declaration, _SETTABLE)
            if problem:
                return problem
        return None
    if op.kind == "move":
        return _value_problem(entity, op.field or "", op.to, declaration, ("state",))
    if op.kind in ("add_event", "remove_event"):
        spec = specs.get(op.field or "")
        if spec is None or spec.kind != "events":
            return f"{entity}.{op.field} is not an event list"
    return None


def _value_problem(entity: str, name: str, value: Any, declaration: Declaration,
                   kinds: tuple[str, ...]) -> str | None:
    spec = declaration.fields.get(name)
    if spec is None:
        return f"{entity} has no field {name}"
    if spec.kind not in kinds:
        return f"{entity}.{name} is a {spec.kind} field and cannot be changed this way"
    if spec.values is not None and value not in spec.values:
        return f"{value!r} is not a valid {entity}.{name}"
    return None
