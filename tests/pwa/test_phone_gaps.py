"""Gaps the phone had after session 2, in headless Chromium at 390×844 against one demo server:
the verification page a report's QR code opens (signed out), rework after a failed
verification, a conflict the dispatcher resolved, and photo bytes the server refused.

Each journey prepares its own ticket through the REST API (the dispatcher creates it for tech1),
so the journeys do not depend on each other's order."""

import base64
import hashlib
import io
import time
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from tests.live import MUTATE, SYNC, log_in, new_page, phone_session, shots, synced, wait_until

pytestmark = pytest.mark.browser

OUTBOX = """() => new Promise((resolve) => {
  const open = indexedDB.open('weibao');
  open.onsuccess = () => {
    const request = open.result.transaction('outbox').objectStore('outbox').getAll();
    request.onsuccess = () => { open.result.close(); resolve(request.result.map((r) => r.state)); };
  };
})"""
# Bytes the server will refuse (not an image), filed as a photo of the work order on screen.
REFUSED_PHOTO = """async ([id, site]) => {
  const { openStore } = await import('/store/db.js');
  const { saveBlob } = await import('/store/blobs.js');
  const { claimBlob } = await import('/store/upload.js');
  const local = await import('/store/local.js');
  const db = await openStore();
  const bytes = new TextEncoder().encode('<html>not a photo</html>');
  const row = await saveBlob(db, bytes, 'image/jpeg', { kind: 'photo' });
  await claimBlob(db, row.sha256, { site_id: site, kind: 'work_order' });
  const photo = { sha256: row.sha256, phase: 'before', captured_at: new Date().toISOString() };
  await local.mutate('work_order', id, 'work_order.add_photo', { photo_id: crypto.randomUUID(), photo });
  return row.sha256;
}"""
BLOB_STATE = """async (sha) => {
  const { openStore } = await import('/store/db.js');
  return (await (await openStore()).get('blobs', sha))?.state ?? null;
}"""


@pytest.fixture(scope="module")
def apis(office, tech):
    return office, tech


def jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


def upload(api, data: bytes, site: str) -> str:
    """One tus upload in a single chunk (backend/blobs): create, then PATCH with its checksum."""
    sha = hashlib.sha256(data).hexdigest()
    body = {"sha256": sha, "length": len(data), "content_type": "image/jpeg", "site_id": site}
    api.post("/api/blobs", json=body).raise_for_status()
    headers = {
        "upload-offset": "0",
        "upload-checksum": "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode(),
        "content-type": "application/offset+octet-stream",
        "tus-resumable": "1.0.0",
    }
    api.patch(f"/api/blobs/{sha}", content=data, headers=headers).raise_for_status()
    return sha


def new_ticket(apis, title: str) -> tuple[str, str]:
    """(id, site id) of a ticket the dispatcher created and dispatched to tech1."""
    office, tech = apis
    site = tech.get("/api/sites").json()[0]["id"]
    tech1 = tech.get("/api/auth/me").json()["user"]["id"]
    order = office.post("/api/work-orders", json={"site_id": site, "title": title})
    order.raise_for_status()
    wo = order.json()["id"]
    office.post(f"/api/work-orders/{wo}/dispatch", json={"technician_id": tech1}).raise_for_status()
    return wo, site


def move(api, wo: str, *statuses: str) -> None:
    for to in statuses:
        api.post(f"/api/work-orders/{wo}/transition", json={"to": to}).raise_for_status()


def repaired_ticket(apis, title: str) -> tuple[str, str]:
    """A ticket tech1 repaired: three phase photos (bytes uploaded), diagnosis, no parts."""
    _office, tech = apis
    wo, site = new_ticket(apis, title)
    move(tech, wo, "accepted", "on_site")
    shade = sum(title.encode()) % 200  # distinct bytes per ticket: the same bytes are stored once
    for phase, colour in (
        ("before", (250, shade, 0)),
        ("during", (0, 250, shade)),
        ("after", (shade, 0, 250)),
    ):
        photo = {
            "sha256": upload(tech, jpeg(colour), site), "site_id": site, "record_kind": "work_order",
            "record_id": wo, "phase": phase, "captured_at": datetime.now(UTC).isoformat(),
        }  # fmt: skip
        tech.post("/api/photos", json=photo).raise_for_status()
    diagnosis = {"cause": "ageing_damage", "findings": "电源老化", "actions": "更换电源", "parts_used": []}
    tech.post(f"/api/work-orders/{wo}/diagnosis", json=diagnosis).raise_for_status()
    move(tech, wo, "repaired")
    return wo, site


def signed_ticket(apis) -> tuple[str, str]:
    """(id, record hash) of a ticket verified and signed over REST (the client refused)."""
    _office, tech = apis
    wo, _site = repaired_ticket(apis, "门禁读卡器无响应")
    now = datetime.now(UTC)
    verification = {
        "self_check_in_range": True,
        "functional_test_passed": True,
        "stable_from": (now - timedelta(minutes=40)).isoformat(),
        "stable_until": (now - timedelta(minutes=5)).isoformat(),
    }
    tech.post(f"/api/work-orders/{wo}/verification", json=verification).raise_for_status()
    move(tech, wo, "verified")
    shown = tech.get(f"/api/work-orders/{wo}/hash").json()["record_hash"]
    refusal = {"type": "refusal", "contact_person": "王主任", "reason": "not_present", "reason_text": "",
               "refused_at": now.isoformat()}  # fmt: skip
    tech.post(
        f"/api/work-orders/{wo}/sign", json={"record_hash": shown, "capture": refusal}
    ).raise_for_status()
    return wo, shown


def open_screen(page, path: str, selector: str) -> None:
    page.evaluate(f"location.hash = {path!r}")
    page.wait_for_selector(selector, timeout=30_000)


def test_the_verification_page_opens_signed_out_and_links_the_record_once_signed_in(
    browser, server, apis, artifacts
):
    wo, record_hash = signed_ticket(apis)
    context, page = new_page(browser)
    try:
        page.goto(f"{server.url}/#/verify/{record_hash}")
        page.wait_for_selector(".verify-verdict.good", timeout=60_000)
        assert "核验通过" in page.inner_text(".verify-verdict")
        assert "客户拒签" in page.inner_text(".verify")
        assert page.locator("#username").count() == 0, "no login needed"
        assert page.locator(f"a[href='#/work-orders/{wo}']").count() == 0, "no record link signed out"
        assert page.locator(".verify-checks li.ok").count() == 3
        shots(page, artifacts, "verify-valid")

        open_screen(page, f"/verify/{'ab' * 32}", ".verify-verdict.warn")
        assert "未找到记录" in page.inner_text(".verify-verdict")
        shots(page, artifacts, "verify-not-found")

        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
        context.set_offline(True)
        open_screen(page, f"/verify/{record_hash}", "[data-action=reload]")
        assert "需要网络连接" in page.inner_text(".verify-verdict")
        context.set_offline(False)

        page.click("a[href='#/']")
        log_in(page, server.url, path=None)
        open_screen(page, f"/verify/{record_hash}", f"a[href='#/work-orders/{wo}']")
        shots(page, artifacts, "verify-signed-in")
    finally:
        context.close()


def test_a_failed_verification_sends_the_work_back_on_site_with_the_reason(browser, server, apis, artifacts):
    wo, _site = repaired_ticket(apis, "周界报警误报")
    context, page = phone_session(browser, server.url, path=f"/work-orders/{wo}", accept_dialogs=True)
    try:
        page.wait_for_selector("#wo-status[data-status=repaired]", timeout=30_000)
        assert page.locator("[data-action=move][data-to=on_site]").count() == 0, "not a big button"
        page.click(".wo-rework summary")
        page.click("[data-action=rework]")
        page.wait_for_selector("#wo-rework-error", timeout=10_000)
        assert page.inner_text("#wo-status") == "已修复", "no reason, nothing sent"
        page.fill("#wo-rework-reason", "复测仍有误报，防区灵敏度需重新调整")
        shots(page, artifacts, "work-order-rework", ".wo-rework")
        page.click("[data-action=rework]")
        page.wait_for_selector("#wo-status[data-status=on_site]", timeout=30_000)
        synced(page)
        _office, tech = apis
        answer = tech.get(f"/api/work-orders/{wo}").json()
        assert answer["status"] == "on_site"
        last = answer["history"][-1]
        assert (last["from_status"], last["to_status"]) == ("repaired", "on_site")
        assert last["reason"] == "复测仍有误报，防区灵敏度需重新调整"
    finally:
        context.close()


def test_a_conflict_the_dispatcher_resolved_shows_its_outcome_and_stops_counting(
    browser, server, apis, artifacts
):
    office, tech = apis
    wo, _site = new_ticket(apis, "硬盘录像机告警")
    context, page = phone_session(browser, server.url, accept_dialogs=True)
    try:
        synced(page)
        context.set_offline(True)
        page.evaluate(MUTATE, ["work_order", wo, "work_order.transition", {"to": "accepted"}, ["status"]])
        move(tech, wo, "accepted", "en_route")  # meanwhile, from another device
        context.set_offline(False)
        page.evaluate(SYNC)
        wait_until(page, f"() => ({OUTBOX})().then((s) => s.includes('conflict'))")
        card = next(c for c in office.get("/api/conflicts").json() if c["record_id"] == wo)
        open_screen(page, "/", "#today-problems")

        office.post(f"/api/conflicts/{card['id']}/resolve", json={"choice": "current"}).raise_for_status()
        page.evaluate(SYNC)
        wait_until(page, f"() => ({OUTBOX})().then((s) => s.includes('resolved'))")
        open_screen(page, "/conflicts", ".conflict.resolved")
        assert "调度已处理：保留当前值" in page.inner_text(".conflict.resolved")
        assert page.locator("[data-problem]").count() == 0, "no longer shown as open"
        shots(page, artifacts, "conflicts-resolved", ".conflict.resolved")
        open_screen(page, "/", "#greeting")
        assert page.locator("#today-problems").count() == 0, "Today counts only open conflicts"

        open_screen(page, "/conflicts", ".conflict.resolved")
        page.click(".conflict.resolved [data-action=conflict-dismiss]")
        page.wait_for_selector(".conflict.resolved", state="detached", timeout=10_000)
    finally:
        context.close()


def test_a_photo_the_server_refused_is_shown_on_the_work_order_and_the_conflicts_screen(
    browser, server, apis, artifacts
):
    _office, tech = apis
    wo, site = new_ticket(apis, "对讲主机无声")
    move(tech, wo, "accepted", "on_site")
    context, page = phone_session(browser, server.url, path=f"/work-orders/{wo}", accept_dialogs=True)
    try:
        page.wait_for_selector("#wo-status[data-status=on_site]", timeout=30_000)
        sha = page.evaluate(REFUSED_PHOTO, [wo, site])
        deadline = time.monotonic() + 60
        while page.evaluate(BLOB_STATE, sha) != "refused" and time.monotonic() < deadline:
            page.evaluate(SYNC)
            page.wait_for_timeout(500)
        assert page.evaluate(BLOB_STATE, sha) == "refused"

        def live_photos():
            photos = tech.get("/api/photos", params={"record_kind": "work_order", "record_id": wo}).json()
            return [(p["sha256"], p["state"]) for p in photos]

        assert live_photos() == [(sha, "pending_blob")], "the record refers to bytes that never arrive"
        open_screen(page, "/conflicts", ".refused-photo")
        assert "服务器拒收" in page.inner_text(".refused-photo")
        shots(page, artifacts, "conflicts-refused-photo", ".refused-photo")
        page.click(".refused-photo a.button")
        page.wait_for_selector(".wb-thumbs li.refused .refused-badge", timeout=30_000)
        assert "不是受支持的图片格式" in page.inner_text("li.refused"), "the reason, in the user's language"
        assert page.locator(".wo-phase[data-phase=before].missing").count() == 1, (
            "refused bytes are no evidence"
        )
        shots(page, artifacts, "work-order-refused-photo", "li.refused")
        page.click("li.refused [data-action=removePhoto]")
        page.wait_for_selector("li.refused", state="detached", timeout=30_000)
        synced(page)
        assert live_photos() == [], "the refused photo was removed, ready for a retake"
        open_screen(page, "/conflicts", "#conflicts-none")
        assert page.locator(".refused-photo").count() == 0
    finally:
        context.close()
