"""Inspections over HTTP: templates, plans, rounds, records, submit, sign-off and scope."""

from datetime import UTC, date, datetime

import pytest

from backend.audit.recorder import SYSTEM, Actor
from backend.auth.schemas import CurrentUser
from backend.db import session_scope
from backend.inspections.plan_service import generate_rounds
from backend.inspections.templates import load_templates
from backend.signatures import chain
from backend.signatures import service as signatures
from backend.signatures.schemas import Refusal, SignatureCapture
from tests.builders import login

FIXED_CAMERA = load_templates()[("fixed_camera", 1)]


def complete_answers(template=FIXED_CAMERA) -> dict:
    """A fully passing checklist: every required value and photo present."""
    answers = {}
    for item in template.items:
        answer: dict = {"photos": ["f" * 64]} if item.photo_required else {}
        match type(item).__struct_config__.tag:
            case "pass_fail_na":
                answer["value"] = True
            case "reading":
                answer["value"] = ((item.min or 0) + (item.max if item.max is not None else 100)) / 2
            case "choice":
                answer["value"] = next(o.key for o in item.options if o.key not in item.failing)
            case "text":
                answer["value"] = "all fine"
            case "photo":
                answer["photos"] = ["f" * 64]
        answers[item.key] = answer
    return answers


async def run(app, work, actor=SYSTEM):
    async with session_scope(app.state.db, write=True) as session:
        session.info["actor"] = actor
        return await work(session)


async def monthly_plan(client, world) -> dict:
    await login(client, "dispatcher_a")
    response = await client.post(
        "/api/inspection-plans",
        json={
            "site_id": world.a.site_id,
            "name": "月度摄像机巡检",
            "frequency": "monthly",
            "starts_on": "2026-11-01",
            "device_type": "fixed_camera",
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def started(client, world, app) -> tuple[dict, dict]:
    plan = await monthly_plan(client, world)
    await run(app, lambda s: generate_rounds(s, date(2026, 11, 30)))
    rounds = (await client.get("/api/inspection-rounds", params={"site_id": world.a.site_id})).json()
    round_ = next(r for r in rounds if r["plan_id"] == plan["id"])
    await login(client, "technician_a")
    response = await client.post(
        "/api/inspections", json={"asset_id": world.extra["a"]["asset_id"], "round_id": round_["id"]}
    )
    assert response.status_code == 201, response.text
    return round_, response.json()


async def test_the_shipped_templates_are_in_the_database_and_a_new_version_keeps_the_old(client, world):
    await login(client, "technician_a")
    listed = (await client.get("/api/checklist-templates")).json()
    assert len(listed) == 14 and all(t["latest"] and t["builtin"] for t in listed)
    await login(client, "admin")
    body = (await client.get("/api/checklist-templates/fixed_camera.v1")).json()["body"]
    body["version"] = 2
    body["items"] = body["items"][:3]
    created = await client.post("/api/checklist-templates", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["id"] == "fixed_camera.v2" and created.json()["latest"]
    old = (await client.get("/api/checklist-templates/fixed_camera.v1")).json()
    assert not old["latest"] and len(old["body"]["items"]) == 12
    again = await client.post("/api/checklist-templates", json=body)
    assert again.status_code == 409 and again.json()["detail"] == {"expected_version": 3}


async def test_only_an_admin_adds_a_template_version(client, world):
    await login(client, "dispatcher_a")
    body = {"key": "x", "version": 1, "device_type": "x", "name": {"zh": "x", "en": "x"}, "items": []}
    assert (await client.post("/api/checklist-templates", json=body)).status_code == 403


async def test_an_event_plan_needs_its_date(client, world):
    await login(client, "dispatcher_a")
    response = await client.post(
        "/api/inspection-plans",
        json={"site_id": world.a.site_id, "name": "春节前", "frequency": "event", "starts_on": "2026-11-01"},
    )
    assert response.status_code == 422 and response.json()["error"] == "bad_plan"


async def test_a_technician_cannot_create_plans(client, world):
    await login(client, "technician_a")
    response = await client.post(
        "/api/inspection-plans",
        json={"site_id": world.a.site_id, "name": "x", "frequency": "daily", "starts_on": "2026-11-01"},
    )
    assert response.status_code == 403


async def test_a_new_record_uses_the_latest_template_of_the_asset_type_and_lists_it_as_my_work(
    client, world, app
):
    round_, record = await started(client, world, app)
    assert (record["template_key"], record["template_version"], record["state"]) == (
        "fixed_camera",
        1,
        "draft",
    )
    mine = (await client.get("/api/my/inspections")).json()
    assert round_["id"] in [r["id"] for r in mine["rounds"]]
    assert record["id"] in [d["id"] for d in mine["drafts"]]


async def test_an_out_of_range_reading_fails_its_item_and_offers_a_fault_work_order(client, world, app):
    _, record = await started(client, world, app)
    response = await client.patch(
        f"/api/inspections/{record['id']}",
        json={"answers": {"supply_voltage": {"value": 9.1}, "online": {"value": True}}},
    )
    items = {i["key"]: i for i in response.json()["items"]}
    assert items["supply_voltage"]["outcome"] == "fail"
    assert "outside the allowed 10.8–13.2 V" in items["supply_voltage"]["reason"]
    assert items["online"]["outcome"] == "pass" and response.json()["failed_items"] == 1
    drafts = (await client.get(f"/api/inspections/{record['id']}/fault-drafts")).json()
    assert [(d["item_key"], d["asset_id"], d["site_id"]) for d in drafts] == [
        ("supply_voltage", world.extra["a"]["asset_id"], world.a.site_id)
    ]
    assert drafts[0]["severity"] == 4 and "Camera a" in drafts[0]["title"]


async def test_submit_refuses_with_the_list_of_incomplete_items(client, world, app):
    _, record = await started(client, world, app)
    answers = complete_answers()
    answers["image_clear"] = {"value": True}  # photo required, none attached
    del answers["focus_iris"]
    await client.patch(f"/api/inspections/{record['id']}", json={"answers": answers})
    response = await client.post(f"/api/inspections/{record['id']}/submit", json={})
    assert response.status_code == 422
    assert response.json()["error"] == "incomplete_items"
    assert [(p["key"], p["reason"]) for p in response.json()["detail"]] == [
        ("image_clear", "a photo is required"),
        ("focus_iris", "pass or fail is required"),
    ]
    assert (await client.get(f"/api/inspections/{record['id']}")).json()["state"] == "draft"


async def test_a_complete_record_submits_completes_its_round_and_becomes_the_assets_last_inspection(
    client, world, app
):
    round_, record = await started(client, world, app)
    patch = {"answers": complete_answers(), "problems": "镜头有灰", "solution": "已清洁"}
    await client.patch(f"/api/inspections/{record['id']}", json=patch)
    response = await client.post(
        f"/api/inspections/{record['id']}/submit", json={"finished_at": "2026-11-20T03:00:00Z"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "submitted" and response.json()["submitted_at"]
    assert response.json()["finished_at_device"].startswith("2026-11-20T03:00:00")
    done = (await client.get("/api/inspection-rounds", params={"status": "done"})).json()
    assert [r["id"] for r in done] == [round_["id"]] and done[0]["submitted_count"] == 1
    history = (await client.get("/api/inspections", params={"asset_id": world.extra["a"]["asset_id"]})).json()
    assert history[0]["id"] == record["id"]
    scanned = (await client.get(f"/api/tags/{world.extra['a']['tag_code']}")).json()
    assert scanned["last_inspection"]["id"] == record["id"]


async def test_an_unknown_item_key_is_refused_and_a_client_rep_cannot_start_an_inspection(client, world, app):
    _, record = await started(client, world, app)
    response = await client.patch(
        f"/api/inspections/{record['id']}", json={"answers": {"no_such_item": {"value": True}}}
    )
    assert response.status_code == 422 and response.json()["detail"] == ["no_such_item"]
    await login(client, "client_rep_a")
    refused = await client.post("/api/inspections", json={"asset_id": world.extra["a"]["asset_id"]})
    assert refused.status_code == 403


def signature() -> SignatureCapture:
    return SignatureCapture(
        signer_name="李四",
        role="甲方代表",
        signed_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
        image_sha256="e" * 64,
        strokes=[[(1.0, 2.0, 0.0), (3.0, 4.0, 16.0)]],
    )


def refusal() -> Refusal:
    return Refusal(
        contact_person="王五",
        reason="not_present",
        reason_text="",
        refused_at=datetime(2026, 11, 20, tzinfo=UTC),
    )


@pytest.mark.parametrize(("capture", "state"), [(signature, "signed"), (refusal, "refused")])
async def test_a_signed_or_refused_record_shows_it_and_refuses_edits(
    client, world, app, settings, capture, state
):
    _, record = await started(client, world, app)
    await client.patch(f"/api/inspections/{record['id']}", json={"answers": complete_answers()})
    await client.post(f"/api/inspections/{record['id']}/submit", json={})
    tech = CurrentUser(world.user_ids["technician_a"], "technician_a", "T", "technician", "zh-CN", "s")
    key = chain.load_key(settings.secrets_dir)

    async def sign(session):
        _, _, current = await signatures.record_hash(session, "inspection", record["id"], tech)
        return await signatures.sign(session, key, "inspection", record["id"], current, capture(), tech)

    await run(app, sign, Actor(tech.id, "T"))
    assert (await client.get(f"/api/inspections/{record['id']}")).json()["state"] == state
    response = await client.patch(f"/api/inspections/{record['id']}", json={"problems": "changed later"})
    assert response.status_code == 409 and response.json()["error"] == "record_locked"


async def test_a_draft_cannot_be_signed(client, world, app):
    _, record = await started(client, world, app)
    tech = CurrentUser(world.user_ids["technician_a"], "technician_a", "T", "technician", "zh-CN", "s")
    with pytest.raises(Exception, match="No inspection"):
        await run(app, lambda s: signatures.record_hash(s, "inspection", record["id"], tech))


async def test_rounds_and_records_of_another_site_stay_invisible(client, world, app):
    await run(app, lambda s: generate_rounds(s, date(2026, 11, 30)))
    await login(client, "technician_a")
    rounds = (await client.get("/api/inspection-rounds")).json()
    assert rounds and {r["site_id"] for r in rounds} == {world.a.site_id}
    records = (await client.get("/api/inspections")).json()
    assert {r["site_id"] for r in records} == {world.a.site_id}
    assert (await client.get(f"/api/inspection-rounds/{world.extra['b']['round_id']}")).status_code == 404


async def test_a_template_version_with_a_reading_without_a_range_is_refused_with_the_reason(client, world):
    await login(client, "admin")
    body = {
        "key": "fixed_camera",
        "version": 2,
        "device_type": "fixed_camera",
        "name": {"zh": "枪机", "en": "Camera"},
        "items": [{"kind": "reading", "key": "volts", "unit": "V", "label": {"zh": "电压", "en": "Voltage"}}],
    }
    response = await client.post("/api/checklist-templates", json=body)
    assert response.status_code == 422 and response.json()["error"] == "bad_template"
    assert response.json()["detail"] == ["item volts: a reading needs an allowed range"]
    assert (await client.get("/api/checklist-templates/fixed_camera.v2")).status_code == 404
