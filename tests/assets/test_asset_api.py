import io

import zxingcpp
from PIL import Image

from backend.assets import tags
from tests.builders import login


def camera(site_id: str, **extra) -> dict:
    return {
        "site_id": site_id,
        "system": "surveillance",
        "device_type": "fixed_camera",
        "name": "枪式摄像机 一监区 2F 203",
        "brand": "海康威视",
        "model": "DS-2CD",
        "serial": "SN-NEW-1",
        "criticality": "key",
        **extra,
    }


async def create(client, site_id: str, **extra) -> dict:
    response = await client.post("/api/assets", json=camera(site_id, **extra))
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_dispatcher_creates_an_asset_that_gets_a_valid_tag_and_a_history(client, world):
    await login(client, "dispatcher_a")
    asset = await create(client, world.a.site_id)
    assert tags.is_valid(asset["tag_code"]) and asset["version"] == 1
    fetched = (await client.get(f"/api/assets/{asset['id']}")).json()
    assert fetched["name"] == "枪式摄像机 一监区 2F 203" and fetched["tag_code"] == asset["tag_code"]
    history = (await client.get(f"/api/assets/{asset['id']}/history")).json()
    assert [e["kind"] for e in history] == ["created", "tag_issued"]
    assert history[0]["actor_name"] == "Dispatcher_A"


async def test_patching_status_records_a_status_change_and_bumps_the_version(client, world):
    await login(client, "dispatcher_a")
    asset = await create(client, world.a.site_id)
    response = await client.patch(f"/api/assets/{asset['id']}", json={"status": "faulty", "version": 1})
    assert response.status_code == 200 and response.json()["status"] == "faulty"
    assert response.json()["version"] == 2
    stale = await client.patch(f"/api/assets/{asset['id']}", json={"notes": "x", "version": 1})
    assert (stale.status_code, stale.json()["error"]) == (409, "stale")
    history = (await client.get(f"/api/assets/{asset['id']}/history")).json()
    assert history[-1]["kind"] == "status_changed"
    assert history[-1]["detail"] == {"from": "in_service", "to": "faulty"}


async def test_a_serial_is_unique_per_site_and_bad_input_is_a_structured_4xx(client, world):
    await login(client, "admin")
    await create(client, world.a.site_id)
    again = await client.post("/api/assets", json=camera(world.a.site_id))
    assert (again.status_code, again.json()["error"]) == (409, "serial_taken")
    assert (await client.post("/api/assets", json=camera(world.b.site_id))).status_code == 201
    unknown = await client.post("/api/assets", json=camera(world.a.site_id, system="nope", serial="S2"))
    assert (unknown.status_code, unknown.json()["error"]) == (422, "unknown_system")
    dates = camera(world.a.site_id, serial="S3", install_date="2025-01-01", warranty_end="2024-01-01")
    assert (await client.post("/api/assets", json=dates)).json()["error"] == "bad_dates"
    extra = await client.post("/api/assets", json={**camera(world.a.site_id, serial="S4"), "x": 1})
    assert extra.status_code == 400


async def test_technicians_and_client_reps_may_read_but_not_create_or_patch(client, world):
    await login(client, "technician_a")
    asset_id = world.extra["a"]["asset_id"]
    assert (await client.get(f"/api/assets/{asset_id}")).status_code == 200
    assert (await client.post("/api/assets", json=camera(world.a.site_id))).status_code == 403
    assert (await client.patch(f"/api/assets/{asset_id}", json={"name": "x"})).status_code == 403


async def test_the_list_filters_searches_pages_and_stays_in_scope(client, world):
    await login(client, "admin")
    await create(
        client,
        world.a.site_id,
        serial="K1",
        name="门禁控制器 大门",
        system="access_control",
        device_type="access_controller",
        criticality="normal",
    )
    await create(client, world.a.site_id, serial="K2", name="报警主机", system="alarm", status="faulty")
    await login(client, "dispatcher_a")
    page = (await client.get("/api/assets")).json()
    assert page["total"] == 3 and {a["site_id"] for a in page["items"]} == {world.a.site_id}
    assert world.extra["b"]["asset_id"] not in str(page)
    by_system = (await client.get("/api/assets", params={"system": "alarm"})).json()
    assert [a["serial"] for a in by_system["items"]] == ["K2"]
    faulty = (await client.get("/api/assets", params={"status": "faulty"})).json()
    assert [a["serial"] for a in faulty["items"]] == ["K2"]
    key = (await client.get("/api/assets", params={"criticality": "key"})).json()
    assert [a["serial"] for a in key["items"]] == ["K2"]
    assert [a["serial"] for a in (await client.get("/api/assets?q=大门")).json()["items"]] == ["K1"]
    code = world.extra["a"]["tag_code"]
    by_code = (await client.get("/api/assets", params={"q": tags.format_code(code).lower()})).json()
    assert [a["id"] for a in by_code["items"]] == [world.extra["a"]["asset_id"]]
    second = (await client.get("/api/assets?limit=2&offset=2")).json()
    assert (second["total"], len(second["items"])) == (3, 1)
    foreign = (await client.get("/api/assets", params={"site_id": world.b.site_id})).json()
    assert foreign["total"] == 0
    bad = await client.get("/api/assets?status=broken")
    assert bad.status_code == 400


async def test_retagging_retires_the_old_code_which_then_says_replaced_by(client, world):
    await login(client, "technician_a")
    asset_id, old = world.extra["a"]["asset_id"], world.extra["a"]["tag_code"]
    response = await client.post(f"/api/assets/{asset_id}/retag", json={"reason": "label damaged"})
    new = response.json()["tag_code"]
    assert response.status_code == 200 and new != old and tags.is_valid(new)
    replaced = await client.get(f"/api/tags/{old}")
    assert (replaced.status_code, replaced.json()["error"]) == (409, "tag_replaced")
    assert replaced.json()["detail"]["replaced_by"] == new
    assert replaced.json()["detail"]["current_code"] == new
    found = (await client.get(f"/api/tags/{new}")).json()
    assert found["asset"]["id"] == asset_id
    history = (await client.get(f"/api/assets/{asset_id}/history")).json()
    assert history[-1]["detail"] == {"old_code": old, "new_code": new, "reason": "label damaged"}


async def test_a_pre_printed_label_code_can_be_used_once(client, world):
    await login(client, "dispatcher_a")
    asset_id, printed = world.extra["a"]["asset_id"], tags.new_tag_code()
    first = await client.post(f"/api/assets/{asset_id}/retag", json={"code": tags.format_code(printed)})
    assert first.json()["tag_code"] == printed
    again = await client.post(f"/api/assets/{asset_id}/retag", json={"code": printed})
    assert (again.status_code, again.json()["error"]) == (409, "code_taken")
    typo = await client.post(f"/api/assets/{asset_id}/retag", json={"code": printed[:-1] + "?"})
    assert typo.json()["error"] == "invalid_code"


async def test_tag_lookup_accepts_sloppy_input_and_seams_the_work_context(client, world):
    await login(client, "client_rep_a")
    code = world.extra["a"]["tag_code"]
    sloppy = f" {code[:5].lower()}-{code[5:]} "
    found = await client.get(f"/api/tags/{sloppy}")
    body = found.json()
    assert found.status_code == 200 and body["code"] == code
    assert body["url"] == f"{client.app.state.settings.public_base_url}/t/{code}"
    assert body["open_work_orders"] == [] and body["last_inspection"] is None
    assert body["asset"]["id"] == world.extra["a"]["asset_id"]


async def test_a_typo_suggests_only_codes_that_exist_in_scope(client, world):
    await login(client, "technician_a")
    code = world.extra["a"]["tag_code"]
    swapped = next(
        code[:i] + code[i + 1] + code[i] + code[i + 2 :] for i in range(9) if code[i] != code[i + 1]
    )
    response = await client.get(f"/api/tags/{swapped}")
    assert (response.status_code, response.json()["error"]) == (422, "did_you_mean")
    assert response.json()["detail"]["candidates"] == [code]
    foreign = world.extra["b"]["tag_code"]
    foreign_typo = next(
        foreign[:i] + foreign[i + 1] + foreign[i] + foreign[i + 2 :]
        for i in range(9)
        if foreign[i] != foreign[i + 1]
    )
    hidden = await client.get(f"/api/tags/{foreign_typo}")
    assert hidden.json()["error"] == "invalid_code" and foreign not in hidden.text


async def test_garbage_and_foreign_codes_are_invalid_or_not_found(client, world):
    await login(client, "dispatcher_a")
    garbage = await client.get("/api/tags/hello")
    assert (garbage.status_code, garbage.json()["error"]) == (422, "invalid_code")
    foreign = await client.get(f"/api/tags/{world.extra['b']['tag_code']}")
    assert foreign.status_code == 404
    retired_foreign = await client.get(f"/api/tags/{world.extra['b']['retired_code']}")
    assert retired_foreign.status_code == 404


async def test_the_tag_link_redirects_into_the_pwa_without_a_login(client):
    code = tags.new_tag_code()
    response = await client.get(f"/t/{code.lower()}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/#/t/{code}"


async def test_the_tag_png_decodes_to_the_exact_public_url(client, world):
    await login(client, "technician_a")
    asset_id, code = world.extra["a"]["asset_id"], world.extra["a"]["tag_code"]
    response = await client.get(f"/api/assets/{asset_id}/tag.png")
    assert response.headers["content-type"] == "image/png"
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert [b.text for b in found] == [f"{client.app.state.settings.public_base_url}/t/{code}"]
    svg = await client.get(f"/api/assets/{asset_id}/tag.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"<path" in svg.content


async def test_admins_add_system_types_that_assets_can_then_use(client, world):
    await login(client, "admin")
    body = {"key": "fire_alarm", "name_zh": "消防报警系统", "name_en": "Fire alarm"}
    assert (await client.post("/api/system-types", json=body)).status_code == 201
    assert (await client.post("/api/system-types", json=body)).json()["error"] == "key_taken"
    listed = {t["key"]: t for t in (await client.get("/api/system-types")).json()}
    assert listed["surveillance"]["builtin"] and not listed["fire_alarm"]["builtin"]
    assert len(listed) == 24
    await create(client, world.a.site_id, system="fire_alarm", serial="F1")
