"""What an inspection's merge state means for its checklist: pure functions, no I/O.

Answers and photos are append-only events (sync/entities.py INSPECTION). Per checklist item
the answer that counts is the live answer event with the newest clock (ties: the larger event
id, so every replica picks the same one); older answers stay in the state as history. Photos
count for the item they name. The derived `answers` map has the shape the REST record always
had (item → {value, not_applicable, note, photos}), so checks.evaluate judges both alike.
"""

from typing import Any

from backend.inspections import findings
from backend.inspections.checks import Evaluation
from backend.inspections.templates import ChecklistTemplate


def _live(state: dict[str, Any], name: str) -> list[tuple[str, str, dict[str, Any]]]:
    events = state["events"].get(name, {})
    return sorted(
        (event["hlc"] or "", event_id, event["data"])
        for event_id, event in events.items()
        if not event["removed"] and event["data"] is not None
    )


def current_answers(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """item → the answer that counts, with the ids of the item's live photos."""
    photos: dict[str, list[str]] = {}
    for _, photo_id, data in _live(state, "photos"):
        if data.get("item"):
            photos.setdefault(data["item"], []).append(photo_id)
    answers: dict[str, dict[str, Any]] = {}
    for hlc, answer_id, data in _live(state, "answers"):  # ascending: the newest ends up kept
        answers[data["item"]] = {
            "value": data.get("value"),
            "not_applicable": bool(data.get("not_applicable", False)),
            "note": data.get("note") or "",
            "answer_id": answer_id,
            "hlc": hlc,
        }
    for item, ids in photos.items():
        answers.setdefault(item, {"value": None, "not_applicable": False, "note": ""})["photos"] = ids
    for answer in answers.values():
        answer.setdefault("photos", [])
    return answers


def judge(template: ChecklistTemplate, state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Evaluation]]:
    answers = current_answers(state)
    return answers, findings.evaluate_answers(template, answers)


def missing_for_submit(template: ChecklistTemplate, state: dict[str, Any]) -> list[str]:
    """Item keys that still need an answer or a photo, in checklist order."""
    _, results = judge(template, state)
    return [item.key for item in template.items if results[item.key].outcome == "incomplete"]


def unknown_item(template: ChecklistTemplate, item: str | None) -> bool:
    return item is not None and item not in {i.key for i in template.items}
