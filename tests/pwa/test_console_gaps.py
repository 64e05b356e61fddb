"""The console gaps the session-3 note left, in real headless Chromium at 1280×800 against its
own demo server (these journeys change assignments and tickets): unassigning returns the
person's open tickets to the dispatch queue, the plan editor offers the devices' own types, and
the ticket page marks evidence photos still awaiting upload (closing refused until they come)."""

import sqlite3

import pytest

from tests.live import console_page, shots, signed_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def admin(server):
    client = signed_in(server, "admin")
    yield client
    client.close()


def held_at_site(admin) -> tuple[str, str, list[str]]:
    """(site, technician, their open tickets there) for a technician holding open tickets."""
    board = [t for t in admin.get("/api/board").json() if t["assignee_id"]]
    assert board, "the demo has dispatched tickets"
    first = board[0]
    held = [
        t["id"] for t in board if (t["site_id"], t["assignee_id"]) == (first["site_id"], first["assignee_id"])
    ]
    return first["site_id"], first["assignee_id"], held


def test_the_unassign_confirmation_returns_the_held_tickets_to_the_dispatch_queue(
    browser, server, admin, artifacts
):
    site, tech, held = held_at_site(admin)
    context, page = console_page(browser, server, "admin", "/console/sites")
    card = page.locator(f"section.site-card[data-site='{site}']")
    choice = card.locator(f"input[data-return-for='{tech}']")
    choice.wait_for()
    assert choice.is_checked()  # default on
    assert str(len(held)) in card.locator(".return-choice").first.inner_text()
    shots(page, artifacts, "console-sites-return", focus=f"section.site-card[data-site='{site}']")
    card.locator(f"button[data-action=unassign][data-user='{tech}']").click()
    page.wait_for_selector(".console-alert.ok", timeout=30_000)
    assert "退回派单队列" in page.dialogs[-1] and str(len(held)) in page.dialogs[-1], page.dialogs
    assert "退回派单队列" in page.locator(".console-alert.ok").inner_text()
    page.screenshot(path=artifacts / "console-sites-returned-zh-CN.png")
    for ticket in held:
        order = admin.get(f"/api/work-orders/{ticket}").json()
        assert order["assignee_id"] is None, order
    queued = {t["id"]: t["assignee_id"] for t in admin.get("/api/board", params={"site_id": site}).json()}
    assert all(queued[t] is None for t in held)
    assert admin.put(f"/api/sites/{site}/assignments/{tech}").status_code == 200
    context.close()


def test_the_plan_editor_offers_the_devices_own_types_grouped_by_checklist(browser, server, artifacts):
    context, page = console_page(browser, server, "dispatcher", "/console/plans")
    page.wait_for_selector("#p-device-type")
    values = page.eval_on_selector_all("#p-device-type option", "(els) => els.map((e) => e.value)")
    assert "nvr" in values and "video_decoder" in values and "nvr_dvr" not in values, values
    group = page.eval_on_selector("#p-device-type option[value=nvr]", "(el) => el.parentElement.label")
    assert group and "录像" in group, group
    page.select_option("#p-device-type", "nvr")
    shots(page, artifacts, "console-plans-device-types", focus="#p-device-type")
    context.close()


def test_the_ticket_page_marks_evidence_awaiting_upload_and_refuses_to_close_until_it_arrives(
    browser, server, admin, artifacts
):
    signed = next(o for o in admin.get("/api/work-orders").json() if o["status"] == "signed")
    with sqlite3.connect(server.data_dir / "weibao.sqlite3", timeout=30) as db:
        db.execute(
            "INSERT INTO photos (id, blob_sha256, site_id, record_kind, record_id, phase, captured_at, "
            "state, created_at) VALUES ('gap-photo-1', ?, ?, 'work_order', ?, 'after', "
            "'2026-11-20 08:30:00.000000', 'pending_blob', '2026-11-20 08:31:00.000000')",
            ("9" * 64, signed["site_id"], signed["id"]),
        )
    context, page = console_page(browser, server, "admin", f"/console/tickets/{signed['id']}")
    row = page.locator("#ticket-evidence li[data-photo='gap-photo-1']")
    row.wait_for(timeout=30_000)
    assert "等待上传" in row.inner_text() and "999999999999" in row.inner_text()
    assert "不能关闭" in page.locator("#evidence-waiting").inner_text()
    page.click("#close-form button[type=submit]")
    alert = page.locator(".console-alert.bad")
    alert.wait_for(timeout=30_000)
    assert "尚未上传" in alert.inner_text()
    assert admin.get(f"/api/work-orders/{signed['id']}").json()["status"] == "signed"
    shots(page, artifacts, "console-ticket-evidence", focus="#ticket-evidence-title")
    context.close()
