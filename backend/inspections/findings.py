"""Pure rules over a filled checklist: results per item, what blocks a submit, fault drafts.

A failed item offers a fault work order (issue 5, item 3). The draft is only a proposal:
the work-order service creates the order, and the dispatcher may change the severity.
"""

from typing import Any

from backend.inspections.checks import Answer, Evaluation, evaluate
from backend.inspections.schemas import FaultDraft
from backend.inspections.templates import ChecklistTemplate, Item, ReadingItem
from backend.work_orders.sla import FaultScope, propose_severity

# Checklist item key → a fault type known to work_orders.sla.FAULT_SCOPES.
FAULT_TYPE_OF_ITEM = {
    "image_clear": "image_blurred",
    "focus_iris": "image_blurred",
    "night_image": "image_blurred",
    "no_colour_cast": "colour_cast",
    "online": "device_offline",
    "uplink_up": "device_offline",
    "recording_all_channels": "not_recording",
    "recording_stable": "not_recording",
    "playback": "not_recording",
    "video_recording": "not_recording",
    "capture_complete": "not_capturing",
    "recognition_rate_day": "not_capturing",
    "recognition_rate_night": "not_capturing",
    "ptz_rotation": "dome_stuck",
    "card_read_opens": "door_not_opening",
    "lock_action": "door_not_opening",
    "remote_unlock": "door_not_opening",
    "countdown_accurate": "countdown_error",
    "device_temperature": "temperature_high",
    "internal_temperature": "temperature_high",
    "room_temperature": "temperature_high",
    "packet_loss": "network_jitter",
    "battery_block_voltage": "battery_ageing",
    "backup_battery_voltage": "battery_ageing",
    "backup_minutes": "battery_ageing",
    "battery_health": "battery_ageing",
}


def answer_of(stored: dict[str, Any] | None) -> Answer:
    stored = stored or {}
    return Answer(
        value=stored.get("value"),
        not_applicable=bool(stored.get("not_applicable", False)),
        photo_count=len(stored.get("photos") or []),
        note=stored.get("note") or "",
    )


def evaluate_answers(template: ChecklistTemplate, answers: dict[str, Any]) -> dict[str, Evaluation]:
    return {item.key: evaluate(item, answer_of(answers.get(item.key))) for item in template.items}


def incomplete_items(template: ChecklistTemplate, results: dict[str, Evaluation]) -> list[dict[str, str]]:
    """What stops a submit, in checklist order, named in both languages."""
    return [
        {
            "key": item.key,
            "label_zh": item.label.zh,
            "label_en": item.label.en,
            "reason": results[item.key].reason,
        }
        for item in template.items
        if results[item.key].outcome == "incomplete"
    ]


def fault_type_of(item: Item) -> str:
    default = FaultScope.LATENT_RISK if isinstance(item, ReadingItem) else FaultScope.DEGRADATION
    return FAULT_TYPE_OF_ITEM.get(item.key, default.value)


def fault_draft_from_item(
    record: Any, item: Item, evaluation: Evaluation, *, asset_name: str, criticality: str
) -> FaultDraft:
    """`record` needs id, site_id, asset_id and answers (an InspectionRecord)."""
    fault_type = fault_type_of(item)
    note = answer_of(record.answers.get(item.key)).note.strip()
    lines = [f"{item.label.zh} / {item.label.en}: {evaluation.reason}"] + ([note] if note else [])
    return FaultDraft(
        site_id=record.site_id,
        asset_id=record.asset_id,
        inspection_id=record.id,
        item_key=item.key,
        title=f"巡检发现：{asset_name} {item.label.zh}",
        description="\n".join(lines),
        severity=int(propose_severity("key" if criticality == "key" else "normal", fault_type)),
        fault_type=fault_type,
    )
