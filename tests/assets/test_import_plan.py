from datetime import date

from backend.assets.import_service import Existing, plan_rows, row_changes
from backend.assets.models import Asset, AssetTag
from backend.assets.register_io import ParsedRegister
from backend.assets.register_rows import RegisterRow


def stored(**extra) -> Asset:
    fields = {
        "id": "a1",
        "site_id": "s1",
        "system": "surveillance",
        "device_type": "fixed_camera",
        "name": "枪式摄像机",
        "brand": "海康威视",
        "model": "DS-1",
        "serial": "SN1",
        "external_id": "E1",
        "building": "一监区",
        "floor": "2F",
        "room": "203",
        "location_text": "",
        "install_date": date(2024, 3, 1),
        "warranty_end": None,
        "criticality": "key",
        "status": "faulty",
        "notes": "spare in cabinet",
    }
    return Asset(**{**fields, **extra})


def row(**extra) -> RegisterRow:
    fields = {"name": "枪式摄像机", "site": "一看", "system": "surveillance", "serial": "SN1", "row": 2}
    return RegisterRow(**{**fields, **extra})


def test_blank_cells_and_status_never_overwrite_what_is_stored():
    asset = stored()
    assert row_changes(asset, row(criticality="key", status="in_service")) == {}


def test_a_changed_location_lands_in_the_free_text_and_the_composed_one_is_unchanged():
    asset = stored()
    assert row_changes(asset, row(location="一监区 2F 203", criticality="key")) == {}
    assert row_changes(asset, row(location="二监区", criticality="key")) == {"location_text": "二监区"}


def test_identifiers_of_two_stored_assets_in_one_row_and_reused_tags_are_row_errors():
    first, second = stored(), stored(id="a2", serial="SN2", external_id="E2")
    known = Existing(
        by_key={
            ("serial", "s1", "SN1"): first,
            ("external_id", "s1", "E1"): first,
            ("serial", "s1", "SN2"): second,
            ("external_id", "s1", "E2"): second,
        },
        active={"a1": "AAAAAAAAAA", "a2": "BBBBBBBBBB"},
        tags={"BBBBBBBBBB": AssetTag(code="BBBBBBBBBB", asset_id="a2", active=True)},
    )
    rows = [
        row(serial="SN1", external_id="E2", row=2),  # two assets
        row(serial="SN9", external_id=None, tag_code="BBBBBBBBBB", row=3),  # another asset's tag
        row(serial="SN1", external_id="E1", criticality="key", row=4),  # unchanged
        row(serial="SN7", row=5),  # new
    ]
    plan = plan_rows(ParsedRegister(rows, [], "utf-8", []), {"一看": "s1"}, known)
    assert [(e.row, e.column) for e in plan.errors] == [(2, None), (3, "tag_code")]
    assert plan.unchanged == 1 and [r.row for _, r in plan.creates] == [5]
