"""The offline day (issue 7, "Done when"): log in and prime; with the network off, scan a tag
with the (fake) camera, run an inspection with a failed item and a photo, then repair a work
order with before/during/after photos, verify it and let the client sign; reload while still
offline and find everything there; back online, the server has every record, every photo
with its SHA-256, the signature verified, and the phone's outbox is empty.

The steps reuse the selectors the screens' own tests pin down (test_work_order_screen.py,
test_today_and_inspection.py); this test proves they hold together without a network."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.assets import qr, tags
from tests.live import CHROMIUM, CHROMIUM_ARGS, PHONE, demo_server, signed_in
from tests.pwa.test_scanner import write_y4m
from tests.pwa.test_today_and_inspection import PRIMED, SYNCED_RECORD, photo_png, shown, until
from tests.pwa.test_work_order_screen import add_photo, blob_states, draw, move, outbox, tap, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = demo_server(tmp_path_factory.mktemp("offline-day") / "data")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def office(server):
    client = signed_in(server)
    yield client
    client.close()


@pytest.fixture(scope="module")
def camera_asset(office):
    """A fixed camera of tech1's inspection plans; its tag is what the camera will see."""
    plan = next(p for p in office.get("/api/inspection-plans").json() if p["device_type"] == "fixed_camera")
    return office.get(f"/api/assets/{plan['asset_ids'][0]}").json()


@pytest.fixture(scope="module")
def camera_browser(browser, tmp_path_factory, server, camera_asset):
    url = tags.tag_url(server.url, camera_asset["tag_code"])
    video = write_y4m(qr.png_bytes(url), tmp_path_factory.mktemp("camera") / "tag.y4m")
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    camera = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
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
    page.set_input_files(
        "#item-image_clear input[data-source=gallery]",
        files=[{"name": "camera.png", "mimeType": "image/png", "buffer": photo_png()}],
    )
    page.wait_for_selector("#item-image_clear img[data-blob]", timeout=30_000)
    passing = [
        "mounting_firm",
        "cable_intact",
        "housing_clean",
        "image_clear",
        "no_colour_cast",
        "focus_iris",
        "night_image",
        "osd_time_correct",
        "online",
    ]
    for key in passing:
        page.click(f"[data-action=insp-answer][data-item={key}][data-value=pass]")
        page.wait_for_selector(
            f"[data-action=insp-answer][data-item={key}][data-value=pass][aria-pressed=true]"
        )
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


def test_a_whole_day_offline_loses_nothing(camera_browser, server, office, camera_asset, artifacts):
    ticket = next(w for w in office.get("/api/my/work-orders").json() if w["status"] == "dispatched")
    context = camera_browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    # The phone's clock runs 45 minutes behind, so the 30-minute stability wait can be jumped
    # without the phone's times running ahead of the server's.
    page.clock.install(time=datetime.now(UTC) - timedelta(minutes=45))
    page.goto(server.url + "/")
    page.fill("#username", "tech1")
    page.fill("#password", "weibao-demo")
    page.click("button[type=submit]")
    page.wait_for_selector("#greeting", timeout=60_000)
    until(page, PRIMED, seconds=180)
    until(page, SYNCED_RECORD, ["work_order", ticket["id"]], seconds=90)

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
    assert office.get(f"/api/work-orders/{ticket['id']}").json()["status"] == "dispatched"

    context.set_offline(False)
    wait_until(lambda: not outbox(page), timeout=120)
    order = office.get(f"/api/work-orders/{ticket['id']}").json()
    assert order["status"] == "signed"
    assert office.get(f"/api/work-orders/{ticket['id']}/hash").json()["record_hash"] == shown_hash
    record = office.get(f"/api/inspections/{inspection_id}").json()
    assert record["state"] == "submitted" and record["failed_items"] == 1
    shas = [sha for sha, _state, _kind in blob_states(page)]
    assert len(shas) == 5  # the inspection photo, three phases, the signature
    for sha in shas:
        wait_until(
            lambda sha=sha: office.head(f"/api/blobs/{sha}").headers.get("weibao-blob-state") == "present"
        )
    # The signature chain and every stored file check out (weibao verify's admin API).
    admin = signed_in(server, "admin")
    report = admin.get("/api/verify").json()
    assert report["ok"] and report["problems"] == [] and report["signed_records"] >= 1
    admin.close()
    context.close()
