"""The signable form of a synced record, computed from its merge state (sync/PROTOCOL.md §9).

The phone computes the same form from its local copy of the record (snapshot with the outbox
replayed), hashes it and shows the hash to the signer; the server recomputes it from its state
when the `sign` arrives. So it depends only on data both sides hold, in forms both sides can
reproduce: no versions, clocks, server receipt times or derived results, and every value is
normalised first (absent ≡ null, RFC 3339 times in one form), because the phone's local copy
keeps values as it sent them while the server keeps them as it decoded them.

    {"kind": entity, "id": record id,
     "fields": {each signed field: normalised value, null when unset},
     "photos": [{"phase", "sha256", "item"?}, ...]}   unique, sorted (PROTOCOL.md §9)

Pure functions; canonical.py turns the form into bytes.
"""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.signatures.canonical import utf16_key

# Per entity, the signed fields: the merge fields a signature locks (the declarations'
# lock_on_sign scalars), plus "answers" for inspections (the answer that counts per item).
SIGNED_FIELDS = {
    "work_order": ("title", "notes", "assignee", "severity", "diagnosis", "parts_used", "verification"),
    "inspection": ("problems", "cause", "solution", "parts_to_replace", "answers"),
}

# A draft inspection is still being filled in: there is nothing to sign or verify yet.
NOT_YET_SIGNABLE = {"inspection": ("draft",)}

_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$")


def normal_time(text: str) -> str | None:
    """An RFC 3339 date-time in JavaScript's toISOString form (UTC, milliseconds, `Z`), or
    None when `text` is not one (including impossible dates such as 02-30)."""
    match = _TIME.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    millis = int(((match.group(7) or "") + "000")[:3])
    zone = match.group(8)
    try:
        moment = datetime(year, month, day, hour, minute, second, millis * 1000, tzinfo=UTC)
    except ValueError:
        return None
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        moment -= sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    if not 0 <= moment.year <= 9999:
        return None
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{millis:03d}Z"


def normalise(value: Any) -> Any:
    """Object members holding null are dropped (absent ≡ null), at every depth below the
    top; date-time strings take one form; everything else is kept as it is."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        return normal_time(value) or value
    return value


def live_events(state: dict[str, Any], name: str) -> list[tuple[str, dict[str, Any]]]:
    events = state.get("events", {}).get(name, {})
    return [
        (hlc_of(e), event_id, e["data"])
        for event_id, e in events.items()
        if not e.get("removed") and e.get("data") is not None
    ]


def hlc_of(event: dict[str, Any]) -> str:
    return event.get("hlc") or ""


def photos(state: dict[str, Any]) -> list[dict[str, Any]]:
    """Each live photo once by (phase, sha256, item), sorted by phase, then hash, then item."""
    unique: dict[tuple[str, str, str], dict[str, Any]] = {}
    for _hlc, _id, data in live_events(state, "photos"):
        entry = normalise(
            {"phase": data.get("phase"), "sha256": data.get("sha256"), "item": data.get("item")}
        )
        unique[(entry["phase"], entry["sha256"], entry.get("item", ""))] = entry
    return [unique[key] for key in sorted(unique, key=lambda k: tuple(utf16_key(p) for p in k))]


def current_answers(state: dict[str, Any]) -> dict[str, Any]:
    """Checklist item → the answer that counts: the newest by clock (ties: the larger event
    id), as {value, not_applicable, note}."""
    newest: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for hlc, event_id, data in live_events(state, "answers"):
        item = data.get("item")
        if item is None:
            continue
        if item not in newest or (hlc, event_id) > newest[item][:2]:
            newest[item] = (hlc, event_id, data)
    return {item: {k: v for k, v in data.items() if k != "item"} for item, (_h, _i, data) in newest.items()}


def field_value(entity: str, state: dict[str, Any], name: str) -> Any:
    if entity == "inspection" and name == "answers":
        return normalise(current_answers(state))
    return normalise(state["fields"].get(name))


def signable_form(entity: str, state: dict[str, Any]) -> dict[str, Any]:
    names = SIGNED_FIELDS[entity]
    return {
        "kind": entity,
        "id": state["id"],
        "fields": {name: field_value(entity, state, name) for name in names},
        "photos": photos(state),
    }
