"""The offline day (issue 7, "Done when"): log in and prime; with the network off, scan a tag
with the (fake) camera, run an inspection with a failed item and a photo, then repair a work
order with before/during/after photos, verify it and let the client sign; reload while still
offline and find everything there; back online, the server has every record, every photo
with its SHA-256, the signature verified, and the phone's outbox is empty.

The steps reuse the selectors the screens' own tests pin down (test_work_order_screen.py,
test_today_and_inspection.py); this test proves they hold together without a network."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.assets import tags
from tests.live import PHONE, draw, log_in, signed_in, wait_until
from tests.pwa.test_scanner import camera_chromium
from tests.pwa.test_today_and_inspection import PRIMED, SYNCED_RECORD, add_item_photo, answer_pass, shown
from tests.pwa.test_work_order_screen import add_photo, blob_states, eventually, move, outbox, tap

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def camera_asset(tech):
    """A fixed camera of tech1's inspection plans; its tag is what the camera will see."""
    plan = next(p for p in tech.get("/api/inspection-plans").json() if p["device_type"] == "fixed_camera")
    return tech.get(f"/api/assets/{plan['asset_ids'][0]}").json()


@pytest.fixture(scope="module")
def camera_browser(browser, tmp_path_factory, server, camera_asset):
    url = tags.tag_url(server.url, camera_asset["tag_code"])
    camera = camera_chromium(browser, url, tmp_path_factory.mktemp("camera"))
    yield camera
    camera.close()


def inspect_offline(page) -> str:
    """The inspection run: one reading out of range (failed), a photo, the rest passing."""
    shown(page, "#asset-inspect")
    page.click("#asset-inspect")
    shown(page, ".insp-item")
    inspection_id = page.url.split("/inspections/")[1].split("?")[0]
    page.click("[data-action=insp-mode][data-mode=list]")
    page.wait_for_selector("#item-grounding_resistance")
    page.fill("[data-reading=supply_voltage]", "9.1")
    page.keyboard.press("Tab")
    page.wait_for_selector("#item-supply_voltage.outcome-fail")
    add_item_photo(page)
    answer_pass(page)
    page.fill("[data-reading=grounding_resistance]", "2")
    page.keyboard.press("Tab")
    page.wait_for_selector("#item-grounding_resistance.outcome-pass")
    page.click("#insp-submit")
    page.wait_for_selector("#insp-submitted")
    return inspection_id


def repair_and_sign_offline(page) -> str:
    move(page, "accepted")
    move(page, "en_route")
    move(page, "on_site")
    for phase, colour in (("before", (200, 30, 30)), ("during", (30, 160, 30)), ("after", (30, 30, 200))):
        add_photo(page, phase, colour)
    page.select_option("#wo-cause", "ageing_damage")
    page.fill("#wo-findings", "电源模块老化")
    page.fill("#wo-actions", "更换电源模块")
    tap(page, "[data-action=saveDiagnosis]", "#wo-diagnosis [data-saved=yes]")
    page.fill("[data-part='0'][data-key=item]", "12V 电源模块")
    tap(page, "[data-action=saveParts]", "#wo-parts-part [data-saved=yes]")
    move(page, "repaired")
    page.check("[data-verify=self_check_in_range]")
    page.check("[data-verify=functional_test_passed]")
    tap(page, "[data-action=startTimer]", ".wo-countdown")
    page.clock.fast_forward("31:00")
    page.wait_for_selector("[data-action=markStable]:not([disabled])")
    tap(page, "[data-action=markStable]", "p#wo-stable")
    move(page, "verified")
    tap(page, "#wo-sign", "#sign-hash")
    shown_hash = page.get_attribute("#sign-hash", "data-hash")
    page.fill("#sign-name", "王建国")
    page.fill("#sign-role", "甲方代表 示例市看守所")
    tap(page, "#sign-form button[type=submit]", "wb-signature-pad canvas")
    draw(page, [(0.15, 0.6), (0.3, 0.3), (0.45, 0.65), (0.6, 0.35), (0.8, 0.6)])
    page.click("[data-sign=done]")
    page.wait_for_selector("#wo-status[data-status=signed]", timeout=20_000)
    return shown_hash


def test_a_whole_day_offline_loses_nothing(camera_browser, server, tech, camera_asset, artifacts):
    ticket = next(w for w in tech.get("/api/my/work-orders").json() if w["status"] == "dispatched")
    context = camera_browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    # The phone's clock runs 45 minutes behind, so the 30-minute stability wait can be jumped
    # without the phone's times running ahead of the server's.
    page.clock.install(time=datetime.now(UTC) - timedelta(minutes=45))
    log_in(page, server.url, ready="#greeting")
    wait_until(page, PRIMED, timeout_ms=180_000)
    wait_until(page, SYNCED_RECORD, ["work_order", ticket["id"]], timeout_ms=90_000)

    context.set_offline(True)
    page.click(".tabbar a[href='#/scan']")
    page.wait_for_url(f"**/#/assets/{camera_asset['id']}", timeout=60_000)  # the camera saw the tag
    inspection_id = inspect_offline(page)

    page.evaluate("(id) => { location.hash = `/work-orders/${id}`; }", ticket["id"])
    shown(page, "#wo-title")
    shown_hash = repair_and_sign_offline(page)
    page.screenshot(path=artifacts / "offline-day-signed-zh-CN.png")

    page.reload()
    page.wait_for_selector("#wo-status[data-status=signed]", timeout=30_000)
    assert len(outbox(page)) > 10, "everything is still waiting on the phone"
    assert tech.get(f"/api/work-orders/{ticket['id']}").json()["status"] == "dispatched"

    context.set_offline(False)
    eventually(lambda: not outbox(page), timeout=120)
    order = tech.get(f"/api/work-orders/{ticket['id']}").json()
    assert order["status"] == "signed"
    assert tech.get(f"/api/work-orders/{ticket['id']}/hash").json()["record_hash"] == shown_hash
    record = tech.get(f"/api/inspections/{inspection_id}").json()
    assert record["state"] == "submitted" and record["failed_items"] == 1
    shas = [sha for sha, _state, _kind in blob_states(page)]
    assert len(shas) == 5  # the inspection photo, three phases, the signature
    for sha in shas:
        eventually(
            lambda sha=sha: tech.head(f"/api/blobs/{sha}").headers.get("weibao-blob-state") == "present"
        )
    # The signature chain and every stored file check out (weibao verify's admin API).
    admin = signed_in(server, "admin")
    report = admin.get("/api/verify").json()
    assert report["ok"] and report["problems"] == [] and report["signed_records"] >= 1
    admin.close()
    context.close()
