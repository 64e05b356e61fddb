"""The technician's work order and the client's signing view in headless Chromium at 390×844,
against its own demo server (the journey moves a demo ticket, so it does not share
`live_server`): accept → en route → on site, the missing-evidence list, photos by phase,
diagnosis, parts, the three-level verification with the 30-minute timer (the page clock jumps
the half hour), then the client signs with the mouse; after sync the server holds the signed
record and every photo's bytes under their SHA-256."""

import io
import time
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from tests.live import draw, log_in, new_page, shots

pytestmark = pytest.mark.browser

# Rows of one IndexedDB store (optionally through an index) as the page holds them.
READ_ALL = """([store, index, key]) => new Promise((resolve) => {
  const open = indexedDB.open('weibao');
  open.onsuccess = () => {
    const source = open.result.transaction(store).objectStore(store);
    const request = (index ? source.index(index) : source).getAll(key ?? undefined);
    request.onsuccess = () => resolve(request.result.map(({ bytes, ...row }) => row));
  };
})"""
ERRORS: list[str] = []
SERVER = {}


def stored(page, store, index=None, key=None):
    return page.evaluate(READ_ALL, [store, index, key])


def outbox(page):
    return [(r["state"], r["mutation"]["name"], r["result"]) for r in stored(page, "outbox")]


def blob_states(page):
    return [(b["sha256"], b["state"], b.get("kind")) for b in stored(page, "blobs")]


def jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(out, "JPEG", quality=90)
    return out.getvalue()


def eventually(check, timeout=60.0, every=0.5):
    """Polls `check` (the server, or the phone's store) until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out waiting for the server")


def tap(page, selector, until, timeout=40):
    """Taps until `until` shows (a tap landing during a redraw is lost, as on a phone); the
    screens remove or change what was tapped once it took effect, so nothing is sent twice."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.locator(until).count():
            return
        button = page.locator(selector)
        if button.count():
            button.first.click(timeout=5_000)
        page.wait_for_timeout(1_500)
    conflicts = [r["server"] for r in stored(page, "records", "by-entity", "conflict")]
    raise AssertionError(
        f"{until} never showed; outbox {outbox(page)}, conflicts {conflicts}, "
        f"page errors {ERRORS}, server {SERVER.get('state', str)()}"
    )


def synced(page):
    """Every change on this phone has been accepted by the server (the outbox is empty)."""
    eventually(lambda: not outbox(page), timeout=60)


def move(page, to):
    tap(page, f"[data-action=move][data-to={to}]", f"#wo-status[data-status={to}]")


def add_photo(page, phase, colour):
    page.set_input_files(
        f"wb-photo-capture[data-phase={phase}] input[data-source=gallery]",
        files=[{"name": f"{phase}.jpg", "mimeType": "image/jpeg", "buffer": jpeg(colour)}],
    )
    page.wait_for_selector(f".wo-phase[data-phase={phase}] > ul.wb-thumbs > li img", timeout=20_000)


def test_a_technician_repairs_verifies_and_the_client_signs_and_the_server_gets_it_all(
    browser, server, tech, artifacts
):
    ticket = next(w for w in tech.get("/api/my/work-orders").json() if w["status"] == "dispatched")
    SERVER["state"] = lambda: tech.get(f"/api/work-orders/{ticket['id']}").json()
    context, page = new_page(browser)
    page.on("console", lambda m: m.type == "error" and ERRORS.append(m.text))
    page.on("pageerror", lambda e: ERRORS.append(str(e)))
    # The phone's clock starts 45 minutes back, so the 30-minute stability wait can be jumped
    # later without the phone's times running ahead of the server's.
    page.clock.install(time=datetime.now(UTC) - timedelta(minutes=45))
    # As from a notification: the link first, then the login; the screen opens right after.
    log_in(page, server.url, path=f"/work-orders/{ticket['id']}", ready="#wo-title")
    assert page.inner_text("#wo-title") == ticket["title"]
    assert page.locator("[data-action=move]").count() >= 1
    assert page.locator(".wo-sla [data-deadline]").count() >= 1, "live SLA countdowns"
    shots(page, artifacts, "work-order")

    move(page, "accepted")
    move(page, "en_route")
    move(page, "on_site")
    tap(page, "[data-action=move][data-to=repaired]", "#wo-missing")
    missing = page.eval_on_selector_all(
        "#wo-missing [data-missing]", "els => els.map((e) => e.dataset.missing)"
    )
    assert missing == ["photo.before", "photo.during", "photo.after", "diagnosis"]
    assert page.locator(".wo-phase.missing").count() == 3
    assert page.inner_text("#wo-status") == "已到场", "nothing was sent"
    shots(page, artifacts, "work-order-missing", "#wo-missing")

    for phase, colour in (("before", (200, 30, 30)), ("during", (30, 160, 30)), ("after", (30, 30, 200))):
        add_photo(page, phase, colour)
    assert page.locator(".wo-phase.missing").count() == 0
    page.select_option("#wo-cause", "ageing_damage")
    page.fill("#wo-findings", "电源模块老化，输出电压偏低")
    page.fill("#wo-actions", "更换电源模块并重新上电")
    tap(page, "[data-action=saveDiagnosis]", "#wo-diagnosis [data-saved=yes]")
    page.fill("[data-part='0'][data-key=item]", "12V 电源模块")
    page.fill("[data-part='0'][data-key=quantity]", "2")
    tap(page, "[data-action=saveParts]", "#wo-parts-part [data-saved=yes]")
    move(page, "repaired")

    page.check("[data-verify=self_check_in_range]")
    synced(page)
    page.check("[data-verify=functional_test_passed]")
    synced(page)
    tap(
        page,
        "[data-action=move][data-to=verified]",
        "#wo-missing [data-missing='verification.stable_30_minutes']",
    )
    tap(page, "[data-action=startTimer]", ".wo-countdown")
    assert page.is_disabled("[data-action=markStable]")
    page.clock.fast_forward("10:00")
    page.wait_for_function("/^(19|20):/.test(document.querySelector('.wo-countdown').textContent)")
    shots(page, artifacts, "work-order-timer", ".wo-timer")
    page.reload()
    page.wait_for_selector(".wo-countdown", timeout=20_000)  # the timer lives in the record
    page.clock.fast_forward("21:00")
    page.wait_for_selector("[data-action=markStable]:not([disabled])")
    tap(page, "[data-action=markStable]", "p#wo-stable")
    move(page, "verified")

    tap(page, "#wo-sign", "#sign-hash")
    shown_hash = page.get_attribute("#sign-hash", "data-hash")
    assert page.locator(".sign-photos img").count() == 3
    page.fill("#sign-name", "王建国")
    page.fill("#sign-role", "甲方代表 示例市看守所")
    shots(page, artifacts, "sign")
    shots(page, artifacts, "sign-form", "#sign-form button[type=submit]")
    tap(page, "#sign-form button[type=submit]", "wb-signature-pad canvas")
    draw(page, [(0.15, 0.6), (0.3, 0.3), (0.45, 0.65), (0.6, 0.35), (0.8, 0.6)])
    draw(page, [(0.2, 0.75), (0.85, 0.72)])
    page.click("[data-sign=done]")
    page.wait_for_selector("#wo-status[data-status=signed]", timeout=20_000)

    # After sync: the server has the signed record (same hash) and every photo's bytes.
    order = eventually(
        lambda: (o := tech.get(f"/api/work-orders/{ticket['id']}").json())["status"] == "signed" and o
    )
    assert order["diagnosis"]["cause"] == "ageing_damage"
    assert order["parts_used"] == [{"item": "12V 电源模块", "quantity": 2}]
    answer = tech.get(f"/api/work-orders/{ticket['id']}/hash").json()
    assert answer["record_hash"] == shown_hash and answer["locked"], "the server signed what the client saw"
    blobs = blob_states(page)
    photos = [sha for sha, _state, kind in blobs if kind == "photo"]
    signature = [sha for sha, _state, kind in blobs if kind == "signature"]
    assert len(photos) == 3 and len(signature) == 1
    for sha in photos + signature:
        eventually(
            lambda sha=sha: tech.head(f"/api/blobs/{sha}").headers.get("weibao-blob-state") == "present"
        )
    eventually(lambda: all(state != "local" for _sha, state, _kind in blob_states(page)))
    context.close()
