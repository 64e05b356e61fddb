"""Inspection merge states ⇄ rows: the `inspection` table module of the sync engine.

How the state of sync/merge.py maps to storage (one row of inspection_records per record):
- fields problems / cause / solution / parts_to_replace → their columns; status → `state`;
- `version` → version; clocks and the answer events → merge_meta {"clocks", "answers"};
- photo events → rows of `photos` (record_kind "inspection", id = event id; photos/events.py);
- beside the merge data, like a work order's site_id: asset_id, round_id, template_id,
  inspector_id, started_at, finished_at (set by the start and submit, see `admit`), and the
  derived `answers` / `results` / `failed_items`, recomputed on every save (answer_events.py).

`Checks` (the engine's CHECKS hook) holds what the generic rules cannot know: the asset is on
the site, the checklist template, known item keys, and a complete checklist before a submit;
a failed check rejects the mutation with a message saying why.
"""

from datetime import UTC, datetime
from typing import Any

import msgspec

from backend.dialect import in_list
from backend.inspections import answer_events
from backend.inspections.template_service import template_key_for
from backend.inspections.templates import ChecklistTemplate
from backend.photos import events as photo_events
from sync.clock import clamp_text
from sync.decision import Attempt, Decision
from sync.entities import DECLARATIONS
from sync.protocol import (
    AddInspectionPhoto,
    AnswerInspectionItem,
    Mutation,
    Op,
    StartInspection,
    SubmitInspection,
)

ENTITY = "inspection"
DECLARATION = DECLARATIONS[ENTITY]


class ReturnInspectionToDraft(Mutation, tag="inspection.return_to_draft", kw_only=True):
    """Server-only (never in a push): a console edit of a submitted record reopens it, and a
    conflict resolution may set status "draft" with it."""

    entity = "inspection"

    def op(self) -> Op:
        return Op(kind="move", field="status", to="draft")


# No mutation names a status target (each move is its own mutation), so a conflict resolution
# (backend/sync_api/conflicts.py) picks the mutation by the target. Signing is a command that
# needs the client's signature or refusal: a resolution may never sign. Answers have no removal
# mutation, so only photos are listed as events.
MOVES = {"status": {"submitted": "inspection.submit", "draft": "inspection.return_to_draft"}}
NOT_BY_RESOLUTION = {
    "signed": "an inspection is signed only by the client's signature (POST …/sign or the phone)",
    "refused": "a refusal is recorded only with the client's contact and reason (POST …/sign)",
}
SERVER_MUTATIONS = {"inspection.return_to_draft": ReturnInspectionToDraft}
EVENTS = {"photos": ("inspection.add_photo", "inspection.remove_photo", "photo_id")}
SET_MUTATION = "inspection.set_fields"
# Clock of answers stored before revision 0008 (no events yet): older than any real write.
LEGACY_HLC = "000000000000000:00000:server"
SUBMITTED = ("submitted", "signed", "refused")

_ROW = (
    "SELECT id, site_id, asset_id, round_id, template_id, inspector_id, state, version, "
    "problems, cause, solution, parts_to_replace, merge_meta, answers, results, failed_items, "
    "started_at_device, finished_at_device FROM inspection_records WHERE id IN {ids}"
)
NARRATIVE = ("problems", "cause", "solution", "parts_to_replace")

UPSERT = """
INSERT INTO inspection_records (id, site_id, asset_id, round_id, template_id, template_key,
    template_version, state, inspector_id, answers, results, failed_items, problems, cause,
    solution, parts_to_replace, started_at_device, finished_at_device, created_at, updated_at,
    submitted_at, version, merge_meta)
VALUES (:id, :site_id, :asset_id, :round_id, :template_id, :template_key, :template_version,
    :state, :inspector_id, :answers, :results, :failed_items, :problems, :cause, :solution,
    :parts_to_replace, :started_at, :finished_at, :now, :now, :submitted_at, :version, :merge_meta)
ON CONFLICT (id) DO UPDATE SET state = excluded.state, answers = excluded.answers,
    results = excluded.results, failed_items = excluded.failed_items,
    problems = excluded.problems, cause = excluded.cause, solution = excluded.solution,
    parts_to_replace = excluded.parts_to_replace, finished_at_device = excluded.finished_at_device,
    updated_at = excluded.updated_at, version = excluded.version, merge_meta = excluded.merge_meta,
    submitted_at = CASE WHEN excluded.submitted_at IS NULL THEN NULL
        ELSE COALESCE(inspection_records.submitted_at, excluded.submitted_at) END
"""

# Decoded template bodies by their JSON text: a version's row is never changed, but the cache
# must not trust an id alone (another database may hold another body under the same id).
_decoded: dict[bytes, ChecklistTemplate] = {}


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _text(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def template(statements, template_id: str) -> ChecklistTemplate | None:
    rows = statements.rows("SELECT body FROM checklist_templates WHERE id = :id", {"id": template_id})
    if not rows:
        return None
    body = rows[0][0]
    text = body.encode() if isinstance(body, str) else msgspec.json.encode(body)
    if text not in _decoded:
        _decoded[text] = msgspec.convert(msgspec.json.decode(text), ChecklistTemplate)
    return _decoded[text]


def _when(value: Any) -> str | None:
    """A stored time as the wire writes it (aware UTC, ISO 8601)."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return msgspec.to_builtins(moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment)


def _stored_time(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def load(statements, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    fragment, params = in_list("i", ids)
    states = {row[0]: _state(row) for row in statements.rows(_ROW.format(ids=fragment), params)}
    for record_id, photos in photo_events.load(statements, ENTITY, list(states)).items():
        states[record_id]["events"]["photos"] = photos
    return states


def _state(row: tuple) -> dict[str, Any]:
    meta = _json(row[12]) or {}
    answers = meta["answers"] if "answers" in meta else _legacy_answers(_json(row[13]) or {})
    return {
        "id": row[0],
        "version": row[7],
        "deleted": False,
        "fields": {**dict(zip(NARRATIVE, row[8:12], strict=True)), "status": row[6]},
        "clocks": meta.get("clocks", {}),
        "events": {"answers": answers, "photos": {}},
        "site_id": row[1],
        "asset_id": row[2],
        "round_id": row[3],
        "template_id": row[4],
        "inspector_id": row[5],
        "started_at": _when(row[16]),
        "finished_at": _when(row[17]),
        "results": _json(row[14]) or {},
        "failed_items": row[15],
    }


def _legacy_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """Answers a record got before it was syncable, as one event per item."""
    return {
        f"legacy-{item}": {
            "data": {
                "item": item,
                "value": answer.get("value"),
                "not_applicable": bool(answer.get("not_applicable", False)),
                "note": answer.get("note") or "",
            },
            "hlc": LEGACY_HLC,
            "removed": False,
        }
        for item, answer in answers.items()
    }


def save(
    statements, states: list[dict[str, Any]], dirty_events: set[str], now_ms: int, _columns=None
) -> None:
    now = datetime.fromtimestamp(now_ms / 1000, UTC).replace(tzinfo=None)
    statements.many(UPSERT, [_row(statements, state, now) for state in states])
    photo_events.save(statements, ENTITY, [s for s in states if s["id"] in dirty_events], now)


def _row(statements, state: dict[str, Any], now: datetime) -> dict[str, Any]:
    checklist = template(statements, state["template_id"])
    answers, results = answer_events.judge(checklist, state) if checklist else ({}, {})
    # Derived beside the merge data, so pulls carry them (the PWA shows results it did not compute).
    state["results"] = {key: msgspec.to_builtins(e) for key, e in results.items()}
    state["failed_items"] = sum(1 for e in results.values() if e.outcome == "fail")
    fields = state["fields"]
    return {
        "id": state["id"],
        "site_id": state["site_id"],
        "asset_id": state["asset_id"],
        "round_id": state.get("round_id"),
        "template_id": state["template_id"],
        "template_key": checklist.key if checklist else "",
        "template_version": checklist.version if checklist else 0,
        "state": fields["status"],
        "inspector_id": state["inspector_id"],
        "answers": _text(answers),
        "results": _text(state["results"]),
        "failed_items": state["failed_items"],
        **{name: fields[name] for name in NARRATIVE},
        "started_at": _stored_time(state.get("started_at")),
        "finished_at": _stored_time(state.get("finished_at")),
        "now": now,
        "submitted_at": now if fields["status"] in SUBMITTED else None,
        "version": state["version"],
        "merge_meta": _text({"clocks": state["clocks"], "answers": state["events"]["answers"]}),
    }


def create_site(mutation) -> tuple[str | None, str | None]:
    return mutation.site_id, mutation.asset_id


class Checks:
    """The inspection facts of one batch (backend/sync_api/entities.py CHECKS): `check` before
    each mutation is decided, `applied` after each one that was applied."""

    def __init__(self, statements, record_ids: list[str]) -> None:
        self.statements = statements
        self.extras: dict[str, dict[str, Any]] = {}  # mutation id → set beside the merge data

    def check(self, state: dict[str, Any] | None, mutation, now_ms: int) -> Decision | None:
        """A rejection that replaces the generic decision, or None to decide as usual."""
        outcome = admit(self.statements, state, mutation, "")
        if isinstance(outcome, str):
            hlc, clamped = clamp_text(mutation.hlc, now_ms)
            return Attempt(mutation, DECLARATION, hlc, clamped).rejected(state, outcome)
        if outcome:
            self.extras[mutation.id] = outcome
        return None

    def applied(self, before: dict[str, Any] | None, after: dict[str, Any], mutation, user_id: str) -> None:
        extra = self.extras.pop(mutation.id, None)
        if extra is not None:
            after.update(extra)
        if before is None and isinstance(mutation, StartInspection):
            after["inspector_id"] = user_id
        return None  # no effect for the caller of engine.push


def admit(statements, state: dict[str, Any] | None, mutation, user_id: str) -> str | dict[str, Any] | None:
    """What the generic rules cannot know: a message rejects the mutation; a dict is set
    beside the merge data of the record if the mutation is applied."""
    if isinstance(mutation, StartInspection):
        return _start(statements, mutation, user_id) if state is None else None
    if state is None or state["deleted"]:
        return None  # the rules answer "no inspection …"
    checklist = template(statements, state["template_id"])
    if checklist is None:
        return None
    if isinstance(mutation, AnswerInspectionItem):
        return _known(checklist, mutation.answer.item)
    if isinstance(mutation, AddInspectionPhoto):
        return _known(checklist, mutation.photo.item)
    if isinstance(mutation, SubmitInspection):
        return _submit(checklist, state, mutation)
    return None


def _known(checklist: ChecklistTemplate, item: str | None) -> str | None:
    if answer_events.unknown_item(checklist, item):
        return f"item {item} is not on checklist {checklist.key} v{checklist.version}"
    return None


def _submit(checklist: ChecklistTemplate, state: dict[str, Any], mutation: SubmitInspection) -> str | dict:
    seen = mutation.base.status
    if state["fields"]["status"] != "draft" or (seen is not None and seen != "draft"):
        return {}  # a repeated, stale or illegal submit: the rules decide, nothing to add
    missing = answer_events.missing_for_submit(checklist, state)
    if missing:
        return f"{len(missing)} item(s) still need an answer or a photo: {', '.join(missing)}"
    return {"finished_at": _when(mutation.finished_at)}


def _start(statements, mutation: StartInspection, user_id: str) -> str | dict[str, Any]:
    rows = statements.rows(
        "SELECT site_id, device_type FROM assets WHERE id = :id", {"id": mutation.asset_id}
    )
    if not rows or rows[0][0] != mutation.site_id:
        return f"no asset {mutation.asset_id} on site {mutation.site_id}"
    if mutation.round_id is not None:
        found = statements.rows(
            "SELECT site_id FROM inspection_rounds WHERE id = :id", {"id": mutation.round_id}
        )
        if not found or found[0][0] != mutation.site_id:
            return f"no inspection round {mutation.round_id} on site {mutation.site_id}"
    template_id = mutation.template_id or _latest_for(statements, rows[0][1])
    if template_id is None:
        return f"no checklist template fits device type {rows[0][1]!r}; choose one with template_id"
    if template(statements, template_id) is None:
        return f"no checklist template {template_id}"
    return {
        "round_id": mutation.round_id,
        "template_id": template_id,
        "inspector_id": user_id,
        "started_at": _when(mutation.started_at),
        "finished_at": None,
        "results": {},
        "failed_items": 0,
    }


def _latest_for(statements, device_type: str | None) -> str | None:
    key = template_key_for(device_type)
    rows = statements.rows(
        "SELECT id FROM checklist_templates WHERE key = :key ORDER BY version DESC LIMIT 1", {"key": key}
    )
    return rows[0][0] if rows else None
