import json
from pathlib import Path

import pytest

from backend.inspections.templates import (
    TEMPLATES_DIR,
    ChoiceItem,
    PhotoItem,
    ReadingItem,
    TemplateError,
    latest_versions,
    load_templates,
)

REQUIRED_DEVICE_TYPES = {
    "fixed_camera",
    "dome_camera",
    "nvr_dvr",
    "access_controller",
    "alarm_host",
    "intercom",
    "ups",
    "network_switch",
    "cabinet",
    "control_room",
    "signal_light",
    "checkpoint_camera",
    "body_camera",
    "collection_station",
}

TEMPLATES = load_templates()
ALL_ITEMS = [(t.key, item) for t in TEMPLATES.values() for item in t.items]


def test_a_template_ships_for_every_device_type_the_documents_name():
    assert {t.device_type for t in TEMPLATES.values()} >= REQUIRED_DEVICE_TYPES


@pytest.mark.parametrize(
    ("template", "item"), [(k, i) for k, i in ALL_ITEMS if isinstance(i, ReadingItem)]
)
def test_every_reading_item_has_a_unit_and_an_allowed_range(template, item):
    assert item.unit.strip()
    assert item.min is not None or item.max is not None
    if item.min is not None and item.max is not None:
        assert item.min < item.max


@pytest.mark.parametrize(("template", "item"), ALL_ITEMS)
def test_every_item_is_labelled_in_chinese_and_english(template, item):
    assert item.label.zh.strip() and item.label.en.strip()
    assert item.label.zh != item.label.en


def test_item_keys_are_unique_within_each_template():
    for template in TEMPLATES.values():
        keys = [item.key for item in template.items]
        assert len(keys) == len(set(keys)), template.key


def _item(template_key: str, item_key: str):
    template = latest_versions(TEMPLATES)[template_key]
    return next(item for item in template.items if item.key == item_key)


def test_the_documented_limits_are_in_the_data():
    assert _item("cabinet", "grounding_resistance").max == 4
    assert _item("cabinet", "grounding_resistance").unit == "Ω"
    assert _item("checkpoint_camera", "recognition_rate_day").min == 98
    assert _item("checkpoint_camera", "recognition_rate_night").min == 95


def test_camera_templates_carry_the_checks_the_client_lists():
    for key in ("fixed_camera", "dome_camera"):
        item_keys = {item.key for item in latest_versions(TEMPLATES)[key].items}
        assert {"mounting_firm", "cable_intact", "image_clear", "no_colour_cast", "focus_iris"} <= (
            item_keys
        )
        assert "supply_voltage" in item_keys


def test_ups_and_control_room_cover_load_battery_and_the_room_equipment():
    ups = {item.key for item in latest_versions(TEMPLATES)["ups"].items}
    assert {"load_percent", "battery_block_voltage"} <= ups
    room = {item.key for item in latest_versions(TEMPLATES)["control_room"].items}
    assert {"video_matrix", "alarm_host", "main_keyboard", "video_distributor"} <= room


def test_choice_items_name_their_failing_options_among_the_options():
    choices = [item for _, item in ALL_ITEMS if isinstance(item, ChoiceItem)]
    assert choices
    for item in choices:
        assert set(item.failing) <= {option.key for option in item.options}


def test_templates_include_photo_evidence():
    assert any(isinstance(i, PhotoItem) or i.photo_required for _, i in ALL_ITEMS)


def _write(directory: Path, name: str, document: dict) -> None:
    (directory / name).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def _fixed_camera(version: int) -> dict:
    return json.loads((TEMPLATES_DIR / "fixed_camera.v1.json").read_text()) | {"version": version}


def test_the_latest_version_of_each_template_is_offered_and_older_ones_stay_loadable(tmp_path):
    _write(tmp_path, "fixed_camera.v1.json", _fixed_camera(1))
    _write(tmp_path, "fixed_camera.v2.json", _fixed_camera(2))
    loaded = load_templates(tmp_path)
    assert set(loaded) == {("fixed_camera", 1), ("fixed_camera", 2)}
    assert latest_versions(loaded)["fixed_camera"].version == 2


def test_an_unknown_field_in_a_template_is_rejected(tmp_path):
    document = _fixed_camera(1)
    document["items"][0]["colour"] = "red"
    _write(tmp_path, "fixed_camera.v1.json", document)
    with pytest.raises(TemplateError, match=r"fixed_camera\.v1\.json: .*colour"):
        load_templates(tmp_path)


def test_a_reading_without_a_range_is_rejected(tmp_path):
    document = _fixed_camera(1)
    document["items"].append(
        {"kind": "reading", "key": "lux", "label": {"zh": "照度", "en": "Lux"}, "unit": "lx"}
    )
    _write(tmp_path, "fixed_camera.v1.json", document)
    with pytest.raises(TemplateError, match="allowed range"):
        load_templates(tmp_path)


def test_duplicate_item_keys_are_rejected(tmp_path):
    document = _fixed_camera(1)
    document["items"].append(document["items"][0])
    _write(tmp_path, "fixed_camera.v1.json", document)
    with pytest.raises(TemplateError, match="duplicate item keys: mounting_firm"):
        load_templates(tmp_path)


def test_a_file_name_must_match_the_key_and_version_inside(tmp_path):
    _write(tmp_path, "fixed_camera.v3.json", _fixed_camera(1))
    with pytest.raises(TemplateError, match="file name"):
        load_templates(tmp_path)
