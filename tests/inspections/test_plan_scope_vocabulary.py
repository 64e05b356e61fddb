"""A plan's device type is the asset register's (`nvr`), never a checklist template's key
(`nvr_dvr`): a plan naming a type no template covers, or a template key, is refused with a
422 that says what would work, instead of silently selecting nothing."""

import pytest

from backend.inspections.plan_scope import CATALOG_TYPES, scope_refusal
from tests.builders import login
from tests.live import signed_in

KEYS = {"nvr_dvr", "fixed_camera", "signal_light"}


@pytest.mark.parametrize(
    ("device_type", "code"),
    [
        ("nvr", None),  # covered by nvr_dvr
        ("signal_head", None),  # covered by signal_light
        ("fixed_camera", None),
        ("nvr_dvr", "template_key_not_device_type"),
        ("speaker", "no_template_for_device_type"),
        ("teleporter", "unknown_device_type"),
    ],
)
def test_which_device_types_a_plan_may_name(device_type, code):
    refusal = scope_refusal(device_type, CATALOG_TYPES, KEYS)
    assert (refusal.code if refusal else None) == code


def test_a_template_key_refusal_names_the_device_types_it_covers():
    refusal = scope_refusal("nvr_dvr", CATALOG_TYPES, KEYS)
    assert refusal.detail["device_types"] == ["nvr", "video_decoder"]
    assert "nvr, video_decoder" in refusal.message


def test_a_type_that_assets_carry_is_allowed_once_a_template_with_its_name_exists():
    assert (
        scope_refusal("lift_camera", CATALOG_TYPES | {"lift_camera"}, KEYS).code
        == "no_template_for_device_type"
    )
    assert scope_refusal("lift_camera", CATALOG_TYPES | {"lift_camera"}, KEYS | {"lift_camera"}) is None


def plan(world, **fields) -> dict:
    body = {"site_id": world.a.site_id, "name": "NVR 月检", "frequency": "monthly", "starts_on": "2026-11-01"}
    return body | fields


async def test_creating_a_plan_with_a_template_key_or_an_uncovered_type_is_a_422(client, world):
    await login(client, "dispatcher_a")
    for device_type, code in (
        ("nvr_dvr", "template_key_not_device_type"),
        ("speaker", "no_template_for_device_type"),
        ("teleporter", "unknown_device_type"),
    ):
        response = await client.post("/api/inspection-plans", json=plan(world, device_type=device_type))
        assert response.status_code == 422, response.text
        assert response.json()["error"] == code and device_type in response.json()["message"]
    stored = {p["device_type"] for p in (await client.get("/api/inspection-plans")).json()}
    assert not stored & {"nvr_dvr", "speaker", "teleporter"}
    good = await client.post("/api/inspection-plans", json=plan(world, device_type="nvr"))
    assert good.status_code == 201, good.text


async def test_editing_a_plan_to_a_template_key_is_refused_and_the_plan_keeps_its_scope(client, world):
    await login(client, "dispatcher_a")
    created = (
        await client.post("/api/inspection-plans", json=plan(world, device_type="fixed_camera"))
    ).json()
    bad = await client.patch(f"/api/inspection-plans/{created['id']}", json={"device_type": "nvr_dvr"})
    assert (bad.status_code, bad.json()["error"]) == (422, "template_key_not_device_type")
    assert bad.json()["detail"]["device_types"] == ["nvr", "video_decoder"]
    stored = (await client.get(f"/api/inspection-plans/{created['id']}")).json()
    assert stored["device_type"] == "fixed_camera"


async def test_each_template_lists_the_register_device_types_it_checks(client, world):
    await login(client, "dispatcher_a")
    templates = (await client.get("/api/checklist-templates")).json()
    covers = {t["key"]: [c["key"] for c in t["covers"]] for t in templates if t["latest"]}
    assert covers["nvr_dvr"] == ["nvr", "video_decoder"]
    assert "signal_head" in covers["signal_light"]
    assert "nvr_dvr" not in {k for keys in covers.values() for k in keys}
    named = next(c for t in templates if t["key"] == "nvr_dvr" for c in t["covers"] if c["key"] == "nvr")
    assert (named["name_zh"], named["name_en"]) == ("网络硬盘录像机", "NVR")
    one = (await client.get("/api/checklist-templates/nvr_dvr.v1")).json()
    assert [c["key"] for c in one["covers"]] == ["nvr", "video_decoder"]


def test_every_demo_plan_names_a_covered_device_type_and_its_rounds_have_devices(live_server):
    admin = signed_in(live_server, "admin")
    try:
        templates = admin.get("/api/checklist-templates").json()
        covered = {c["key"] for t in templates if t["latest"] for c in t["covers"]}
        plans = admin.get("/api/inspection-plans").json()
        typed = [p for p in plans if p["device_type"]]
        assert typed and {p["device_type"] for p in typed} <= covered, [p["device_type"] for p in typed]
        event = next(p for p in plans if p["frequency"] == "event")
        assert event["device_type"] == "nvr"
        rounds = [r for r in admin.get("/api/inspection-rounds").json() if r["plan_id"] == event["id"]]
        assert rounds and all(r["asset_count"] > 0 for r in rounds), rounds
    finally:
        admin.close()
