"""The technician's day in headless Chromium at 390×844 against a demo server of its own:
Today orders my tickets by SLA urgency; an inspection run offline (an out-of-range reading
shown failed at once, a photo, a refused and then accepted submit) survives an offline
reload and reaches the server; a status conflict lands on the Conflicts screen."""

import io
import time

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.live import MUTATE, log_in, new_page, wait_until

pytestmark = pytest.mark.browser

OUTBOX_EMPTY = """
() => new Promise((resolve) => {
  const open = indexedDB.open('weibao');
  open.onsuccess = () => {
    const index = open.result.transaction('outbox').objectStore('outbox').index('by-state');
    const request = index.count('pending');
    request.onsuccess = () => { open.result.close(); resolve(request.result === 0); };
  };
})
"""
PROBLEMS = """
() => import('/store/local.js').then((l) => l.startSession()).then((s) => s.outbox.problems())
  .then((rows) => rows.map((r) => [r.mutation.name, r.state, r.result && r.result.message]))
"""
PRIMED = """
() => new Promise((resolve) => {
  const open = indexedDB.open('weibao');
  open.onsuccess = () => {
    const request = open.result.transaction('meta').objectStore('meta').get('primedAt');
    request.onsuccess = () => { open.result.close(); resolve(Boolean(request.result)); };
  };
})
"""
SYNCED_RECORD = """
([entity, id]) => import('/store/local.js').then((local) => local.record(entity, id)).then(Boolean)
"""


@pytest.fixture(scope="module")
def phone(browser, server):
    """tech1 logged in with the day downloaded; one phone for the whole module (priming is slow)."""
    context, page = new_page(browser)
    log_in(page, server.url, ready="#greeting")
    # The download's end is recorded in meta (store/prime.js); the bar shows it only briefly.
    wait_until(page, PRIMED, timeout_ms=180_000)
    page.click(".tabbar a[href='#/scan']")
    page.click(".tabbar a[href='#/']")
    page.wait_for_selector("#today-work", timeout=60_000)
    yield context, page
    context.close()


def photo_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 110, 60)).save(out, format="PNG")
    return out.getvalue()


# A fixed camera's yes/no items (the demo template); its readings are typed, not answered.
CAMERA_CHECKS = [
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


def add_item_photo(page, item: str = "image_clear") -> None:
    """A photo-required item opens its camera buttons by itself; a gallery pick files it."""
    page.set_input_files(
        f"#item-{item} input[data-source=gallery]",
        files=[{"name": "camera.png", "mimeType": "image/png", "buffer": photo_png()}],
    )
    page.wait_for_selector(f"#item-{item} img[data-blob]", timeout=30_000)


def answer_pass(page, keys=CAMERA_CHECKS) -> None:
    for key in keys:
        page.click(f"[data-action=insp-answer][data-item={key}][data-value=pass]")
        page.wait_for_selector(
            f"[data-action=insp-answer][data-item={key}][data-value=pass][aria-pressed=true]"
        )


def shown(page, selector, timeout=60_000):
    """Waits for an element; on a timeout the assertion says what the screen showed instead."""
    try:
        return page.wait_for_selector(selector, timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(
            f"{selector} not shown; the screen says: {page.inner_text('#app')[:600]}"
        ) from None


def go(page, path):
    page.evaluate("(path) => { location.hash = path; }", path)


def submitted_on_server(tech, inspection_id, page, seconds=90):
    """The record once the server has it submitted (the sync loop runs on its own schedule)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = tech.get(f"/api/inspections/{inspection_id}")
        if response.status_code == 200 and response.json()["state"] == "submitted":
            return response.json()
        time.sleep(1)
    problems = page.evaluate(PROBLEMS)
    raise AssertionError(f"not submitted on the server: {response.text}; phone problems: {problems}")


def fixed_camera(tech) -> str:
    plan = next(p for p in tech.get("/api/inspection-plans").json() if p["device_type"] == "fixed_camera")
    return plan["asset_ids"][0]


def test_today_lists_my_tickets_by_sla_urgency_with_countdowns_and_breach_colours(phone, tech, artifacts):
    _, page = phone
    rows = tech.get("/api/my/work-orders").json()
    assert len(rows) >= 2
    expected = [r["title"] for r in sorted(rows, key=lambda r: r["next_deadline"])]
    shown(page, ".ticket")
    # The clocked tickets first, most urgent first; after them synced ones past their clocks.
    assert page.locator(".ticket-title").all_inner_texts()[: len(expected)] == expected
    overdue = next(r for r in rows if r["seconds_left"] < 0)
    card = page.locator(f".ticket[data-ticket='{overdue['id']}']")
    assert "breach" in card.get_attribute("class")
    assert "已超时" in card.locator(".countdown").inner_text()
    assert card.get_attribute("href") == f"#/work-orders/{overdue['id']}"
    assert page.locator(".round").count() >= 1
    page.screenshot(path=artifacts / "today-zh-CN.png")


def test_an_inspection_run_offline_survives_a_reload_and_reaches_the_server(phone, tech, artifacts):
    context, page = phone
    asset_id = fixed_camera(tech)
    context.set_offline(True)
    go(page, f"/assets/{asset_id}")
    shown(page, "#asset-inspect")
    page.click("#asset-inspect")
    shown(page, ".insp-item")
    page.screenshot(path=artifacts / "inspection-step-zh-CN.png")
    inspection_id = page.url.split("/inspections/")[1].split("?")[0]

    page.click("[data-action=insp-mode][data-mode=list]")
    page.wait_for_selector("#item-grounding_resistance")
    page.fill("[data-reading=supply_voltage]", "9.1")
    # Judged on the keystroke, before anything is saved or the field is left.
    verdict = page.locator("[data-verdict=supply_voltage]")
    assert "不合格" in verdict.inner_text() and "10.8–13.2" in verdict.inner_text()
    page.locator("#item-supply_voltage").screenshot(path=artifacts / "inspection-out-of-range-zh-CN.png")
    page.keyboard.press("Tab")
    page.wait_for_selector("#item-supply_voltage.outcome-fail [data-action=insp-create-wo]")

    # A photo-required item opens its camera buttons by itself.
    add_item_photo(page)
    answer_pass(page)
    page.screenshot(path=artifacts / "inspection-list-zh-CN.png", full_page=True)

    page.click("#insp-submit")
    missing = page.wait_for_selector("#insp-missing")
    assert "接地电阻" in missing.inner_text() or "grounding" in missing.inner_text().lower()
    page.fill("[data-reading=grounding_resistance]", "2")
    page.keyboard.press("Tab")
    page.wait_for_selector("#item-grounding_resistance.outcome-pass")
    page.click("#insp-submit")
    page.wait_for_selector("#insp-submitted")
    assert page.inner_text("#insp-status") == "已提交"

    page.reload()
    page.wait_for_selector("#insp-status", timeout=30_000)
    assert page.inner_text("#insp-status") == "已提交"
    assert "outcome-fail" in page.get_attribute("#item-supply_voltage", "class")
    assert page.locator("#item-image_clear img[data-blob]").count() == 1

    context.set_offline(False)
    wait_until(page, OUTBOX_EMPTY, timeout_ms=90_000)
    body = submitted_on_server(tech, inspection_id, page)
    assert body["state"] == "submitted" and body["asset_id"] == asset_id
    outcomes = {item["key"]: item["outcome"] for item in body["items"]}
    assert outcomes["supply_voltage"] == "fail" and outcomes["grounding_resistance"] == "pass"
    assert outcomes["image_clear"] == "pass"
    assert body["failed_items"] == 1


def test_a_status_conflict_shows_mine_and_the_current_value_and_the_dispatcher_decides_it(
    browser, server, phone, tech, office, artifacts
):
    context, page = phone
    # A ticket made on the phone (demo tickets are not in the sync change log, so not on it).
    record_id = page.evaluate("() => crypto.randomUUID()")
    site_id = tech.get("/api/sites").json()[0]["id"]
    page.evaluate(
        MUTATE,
        [
            "work_order",
            record_id,
            "work_order.create",
            {"title": "门禁读卡器无响应", "notes": "", "site_id": site_id},
            [],
        ],
    )
    wait_until(page, OUTBOX_EMPTY)
    wait_until(page, SYNCED_RECORD, ["work_order", record_id])
    context.set_offline(True)
    page.evaluate(
        MUTATE,
        [
            "work_order",
            record_id,
            "work_order.transition",
            {"to": "cancelled", "reason": "重复报修"},
            ["status"],
        ],
    )
    me = tech.get("/api/auth/me").json()["user"]["id"]
    office.post(f"/api/work-orders/{record_id}/assign", json={"assignee_id": me}).raise_for_status()
    office.post(f"/api/work-orders/{record_id}/transition", json={"to": "dispatched"}).raise_for_status()
    context.set_offline(False)
    page.wait_for_selector("#sync-badge[href='#/conflicts']", timeout=60_000)
    page.click("#sync-badge")
    card = page.wait_for_selector(".conflict.conflict", timeout=30_000)
    page.wait_for_selector(".conflict [data-side=now][data-field=status]:has-text('已派单')", timeout=30_000)
    assert page.inner_text(".conflict [data-side=mine][data-field=status]") == "已取消"
    assert "调度决定" in card.inner_text()
    page.screenshot(path=artifacts / "conflicts-zh-CN.png", full_page=True)

    desk, screen = new_page(browser)
    try:
        log_in(screen, server.url, "dispatcher", "/conflicts")
        server_card = screen.wait_for_selector(".conflict.server", timeout=60_000)
        assert "已取消" in server_card.inner_text()
        screen.screenshot(path=artifacts / "conflicts-dispatcher-zh-CN.png", full_page=True)
        card_id = server_card.get_attribute("data-card")
        screen.click(f"[data-card='{card_id}'] [data-action=conflict-current]")
        try:
            screen.wait_for_selector(f"[data-card='{card_id}']", state="detached", timeout=30_000)
        except PlaywrightTimeout:
            raise AssertionError(screen.inner_text("#app")[:800]) from None
    finally:
        desk.close()
    assert tech.get(f"/api/work-orders/{record_id}").json()["status"] == "dispatched"


def test_the_same_screens_in_english(phone, tech, artifacts):
    _, page = phone
    go(page, "/")
    page.wait_for_selector("#today-work")
    page.select_option("[data-action=language]", "en")
    page.wait_for_selector("#today-work:has-text('My work orders')")
    page.screenshot(path=artifacts / "today-en.png")
    go(page, "/conflicts")
    page.wait_for_selector(".conflict.conflict")
    assert "dispatcher decides" in page.inner_text(".conflict.conflict")
    page.screenshot(path=artifacts / "conflicts-en.png", full_page=True)

    go(page, f"/assets/{fixed_camera(tech)}")
    shown(page, "#asset-inspect")
    page.click("#asset-inspect")
    shown(page, ".insp-item")
    page.click("[data-action=insp-mode][data-mode=step]")
    page.wait_for_selector("#insp-step:has-text('Item 1 of')")
    page.screenshot(path=artifacts / "inspection-step-en.png")
    page.click("[data-action=insp-mode][data-mode=list]")
    page.fill("[data-reading=supply_voltage]", "14")
    assert "outside the allowed 10.8–13.2 V" in page.inner_text("[data-verdict=supply_voltage]")
    page.locator("#item-supply_voltage").screenshot(path=artifacts / "inspection-out-of-range-en.png")
    page.screenshot(path=artifacts / "inspection-list-en.png", full_page=True)
