"""The per-kind merge rules. Each takes a private copy of the record and mutates it.

Rules assume the operation was validated against the declaration and the record exists,
is not deleted and is not locked (merge.py checks those first).
"""

import json
from typing import Any

from sync.decision import UNSEEN, Attempt, Decision
from sync.protocol import Loser


def apply_set(state: dict[str, Any], attempt: Attempt) -> Decision:
    values = attempt.op.values
    specs = attempt.declaration.fields
    fields = state["fields"]
    stale = [
        name for name, value in values.items()
        if specs[name].kind == "important"
        and attempt.seen(name) != fields[name] and value != fields[name]
    ]
    if stale:
        # All or nothing: the card shows the whole edit so the person decides it as a unit.
        current = {name: fields[name] for name in stale}
        return attempt.conflict(state, "stale_base", stale, current,
                                f"changed by someone else since you saw it: {', '.join(stale)}")
    changed: list[str] = []
    losers: list[Loser] = []
    for name, value in values.items():
        if specs[name].kind == "important":
            _compare_and_set(state, name, value, attempt.hlc, changed)
        else:
            _last_writer_wins(state, name, value, attempt.hlc, changed, losers)
    return attempt.applied(state, changed, losers)


def _advance_clock(state: dict[str, Any], name: str, hlc: str) -> None:
    current = state["clocks"].get(name)
    state["clocks"][name] = hlc if current is None or hlc > current else current


def _compare_and_set(state: dict[str, Any], name: str, value: Any, hlc: str,
                     changed: list[str]) -> None:
    # The base matched, so the user replaced a value they saw: not a loss, no loser record.
    if state["fields"][name] != value:
        state["fields"][name] = value
        changed.append(name)
    _advance_clock(state, name, hlc)


def _last_writer_wins(state: dict[str, Any], name: str, value: Any, hlc: str,
                      changed: list[str], losers: list[Loser]) -> None:
    fields, clocks = state["fields"], state["clocks"]
    current, current_hlc = fields[name], clocks.get(name)
    if current_hlc is None or _beats(hlc, value, current_hlc, current):
        fields[name], clocks[name] = value, hlc
        if current != value:
            changed.append(name)
            if current_hlc is not None:
                losers.append(Loser(field=name, value=current, hlc=current_hlc, winner_hlc=hlc))
    elif value != current:
        losers.append(Loser(field=name, value=value, hlc=hlc, winner_hlc=current_hlc))


def _beats(hlc: str, value: Any, other_hlc: str, other_value: Any) -> bool:
    # Text comparison equals clock comparison (fixed-width encoding, see clock.py). Equal
    # clocks happen when clamping caps two writes to the same instant; the value text then
    # decides, so every delivery order converges.
    if hlc != other_hlc:
        return hlc > other_hlc
    return value_text(value) > value_text(other_value)


def value_text(value: Any) -> str:
    """The tie-break key; matches JSON.stringify in merge.js for strings, ints, bools, null."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def apply_move(state: dict[str, Any], attempt: Attempt) -> Decision:
    name, target = attempt.op.field or "", attempt.op.to
    current = state["fields"][name]
    if target == current:
        # Someone already made the same move; agreeing with it is not a conflict.
        return attempt.applied(state, [], [])
    seen = attempt.seen(name)
    if seen is UNSEEN or seen != current:
        return attempt.conflict(state, "stale_base", [name], {name: current},
                                f"{name} is {current!r}, not {seen_text(seen)} as you saw it")
    transitions = attempt.declaration.fields[name].transitions
    if transitions is not None and target not in transitions.get(current, []):
        return attempt.conflict(state, "illegal_transition", [name], {name: current},
                                f"{name} cannot move from {current!r} to {target!r}")
    state["fields"][name] = target
    _advance_clock(state, name, attempt.hlc)
    return attempt.applied(state, [name], [])


def seen_text(seen: Any) -> str:
    return "unknown" if seen is UNSEEN else repr(seen)


def apply_add_event(state: dict[str, Any], attempt: Attempt) -> Decision:
    name, event_id, data = attempt.op.field or "", attempt.op.event_id or "", attempt.op.data
    events = state["events"].setdefault(name, {})
    event = events.get(event_id)
    if event is None:
        events[event_id] = {"data": data, "hlc": attempt.hlc, "removed": False}
        return attempt.applied(state, [name], [])
    if event["data"] is None:
        # The removal overtook the addition: keep the data, keep it removed.
        event["data"], event["hlc"] = data, attempt.hlc
        return attempt.applied(state, [name], [])
    if event["data"] != data:
        return attempt.rejected(state, f"{name} event {event_id} already exists with other data")
    if attempt.hlc < event["hlc"]:
        # The same event sent twice: the earliest clock places it, whatever arrived first.
        event["hlc"] = attempt.hlc
        return attempt.applied(state, [name], [])
    return attempt.applied(state, [], [])


def apply_remove_event(state: dict[str, Any], attempt: Attempt) -> Decision:
    name, event_id = attempt.op.field or "", attempt.op.event_id or ""
    events = state["events"].setdefault(name, {})
    event = events.setdefault(event_id, {"data": None, "hlc": None, "removed": False})
    if event["removed"]:
        return attempt.applied(state, [], [])
    event["removed"], event["removed_hlc"] = True, attempt.hlc
    return attempt.applied(state, [name], [])


def visible_events(state: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The derived list: live events in clock order, ties broken by id."""
    events = state["events"].get(name, {})
    live = [(e["hlc"], event_id, e["data"]) for event_id, e in events.items()
            if not e["removed"] and e["data"] is not None]
    return [{"id": event_id, "hlc": hlc, **data} for hlc, event_id, data in sorted(live)]
