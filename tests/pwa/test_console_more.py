"""The console's second round (issue 7 gaps) in real headless Chromium at 1280×800, against its
own demo server (these journeys change assignments, plans and tickets): who works where,
editing a plan, a ticket's SLA state / history / comments, and paging through the devices."""

import pytest

from tests.live import AXE, console_page, signed_in

pytestmark = pytest.mark.browser


def pull_everything(client, cursor=None) -> tuple[list[dict], str]:
    changes = []
    while True:
        page = client.get("/api/sync/pull", params={"cursor": cursor} if cursor else {}).json()
        changes += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes, cursor


def assigned(client, site_id: str) -> set[str]:
    return {a["username"] for a in client.get("/api/site-assignments", params={"site_id": site_id}).json()}


def test_an_admin_unassigns_a_technician_after_a_warning_then_assigns_them_again(browser, server, artifacts):
    admin, tech2 = signed_in(server, "admin"), signed_in(server, "tech2")
    site = next(s for s in admin.get("/api/sites").json() if "tech2" in assigned(admin, s["id"]))
    tech2_id = next(u["id"] for u in admin.get("/api/users").json() if u["username"] == "tech2")
    _, cursor = pull_everything(tech2)
    context, page = console_page(browser, server, "admin", "/console/sites")
    card = page.locator(f"section.site-card[data-site='{site['id']}']")
    card.wait_for()
    page.screenshot(path=artifacts / "console-sites-zh-CN.png", full_page=True)
    card.locator(f"button[data-action=unassign][data-user='{tech2_id}']").click()
    page.wait_for_selector(".console-alert.ok", timeout=30_000)
    assert "手机" in page.dialogs[-1] and site["name"] in page.dialogs[-1]  # says what they lose
    assert "tech2" not in assigned(admin, site["id"])
    changes, cursor = pull_everything(tech2, cursor)
    site_assets = {
        a["id"]
        for a in admin.get("/api/assets", params={"site_id": site["id"], "limit": 500}).json()["items"]
    }
    evicted = {c["id"] for c in changes if c["op"] == "evict"}
    assert site_assets and site_assets <= evicted

    card.locator("select[name=user_id]").select_option(tech2_id)
    card.locator("button[type=submit]").click()
    card.locator(f"button[data-action=unassign][data-user='{tech2_id}']").wait_for(timeout=30_000)
    assert "tech2" in assigned(admin, site["id"])
    back, _ = pull_everything(tech2, cursor)
    assert {c["id"] for c in back if c["op"] == "upsert"} >= site_assets
    context.close()
    admin.close()
    tech2.close()


def test_a_dispatcher_edits_a_plans_name_frequency_scope_and_technician(browser, server, artifacts):
    client = signed_in(server, "dispatcher")
    plan = client.get("/api/inspection-plans").json()[0]
    context, page = console_page(browser, server, "dispatcher", "/console/plans")
    page.click(f"button[data-action=edit-plan][data-id='{plan['id']}']")
    page.wait_for_selector("#plan-form.editing")
    assert page.input_value("#p-name") == plan["name"]
    page.fill("#p-name", "监室摄像机周检")
    page.select_option("#p-frequency", "weekly")
    page.select_option("#p-device-type", "dome_camera")
    page.select_option("#p-assignee", "")
    if plan["asset_ids"]:
        page.check("input[name=clear_devices]")
    page.screenshot(path=artifacts / "console-plan-edit-zh-CN.png", full_page=True)
    page.click("#plan-form button[type=submit]")
    page.wait_for_selector(".console-alert.ok", timeout=30_000)
    stored = client.get(f"/api/inspection-plans/{plan['id']}").json()
    assert (stored["name"], stored["frequency"], stored["device_type"]) == (
        "监室摄像机周检",
        "weekly",
        "dome_camera",
    )
    assert stored["assignee_id"] is None and stored["asset_ids"] is None
    assert stored["site_id"] == plan["site_id"]
    assert page.locator("#plan-form.editing").count() == 0
    context.close()
    client.close()


def test_the_ticket_page_shows_history_sla_state_and_takes_a_comment(browser, server, artifacts):
    client = signed_in(server, "dispatcher")
    orders = [client.get(f"/api/work-orders/{t['id']}").json() for t in client.get("/api/board").json()]
    order = max(orders, key=lambda o: len(o["history"]))
    assert order["history"] and order["sla"]
    context, page = console_page(browser, server, "dispatcher", f"/console/tickets/{order['id']}")
    page.wait_for_selector("#ticket-history")
    assert page.locator("#ticket-history tbody tr").count() == len(order["history"])
    sla = page.inner_text("#ticket-sla")
    tier = order["sla"]["escalation_tier"]
    assert (f"第 {tier} 级" if tier else "未升级") in sla
    assert ("已超时" if order["sla"]["breached"] else "未超时") in sla
    states = page.eval_on_selector_all("#ticket-sla tr[data-window]", "rows => rows.map((r) => r.className)")
    assert states == [f"window-{w['state']}" for w in order["sla"]["windows"]]

    page.fill("#t-comment", "已电话联系值班民警，17:00 前到场")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("#ticket-comments li", timeout=30_000)
    stored = client.get(f"/api/work-orders/{order['id']}").json()
    assert [c["body"] for c in stored["comments"]] == ["已电话联系值班民警，17:00 前到场"]
    assert "已电话联系值班民警" in page.inner_text("#ticket-comments")
    page.evaluate("window.scrollTo(0, 0)")  # the side navigation is sticky
    page.screenshot(path=artifacts / "console-ticket-record-zh-CN.png", full_page=True)
    context.close()
    client.close()


def test_the_device_list_pages_through_every_device_and_keeps_the_search(browser, server, artifacts):
    client = signed_in(server, "dispatcher")
    first = client.get("/api/assets", params={"limit": 50}).json()
    second = client.get("/api/assets", params={"limit": 50, "offset": 50}).json()
    assert first["total"] > 100
    context, page = console_page(browser, server, "dispatcher", "/console/assets")
    page.wait_for_selector(".pager-range")
    assert f"{first['total']:,}" in page.inner_text(".pager-range")
    page.click(".pager:not(.bottom) a[rel=next]")
    page.wait_for_function("() => location.hash.includes('page=2')")
    page.wait_for_selector("a[rel=prev]")
    names = page.eval_on_selector_all("table.assets tbody th a", "links => links.map((a) => a.textContent)")
    assert names == [a["name"] for a in second["items"]]
    page.screenshot(path=artifacts / "console-assets-page2-zh-CN.png", full_page=True)

    page.fill("#a-q", "摄像机")
    page.click("#asset-search button[type=submit]")
    searched = client.get("/api/assets", params={"q": "摄像机", "limit": 50}).json()
    page.wait_for_function("() => !location.hash.includes('page=') && location.hash.includes('q=')")
    page.wait_for_function(
        "(total) => document.querySelector('.pager-range')?.textContent.includes(total)",
        arg=f"{searched['total']:,}",
    )
    shown = page.eval_on_selector_all("table.assets tbody th a", "links => links.map((a) => a.textContent)")
    assert shown == [a["name"] for a in searched["items"]]
    context.close()
    client.close()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is a devDependency: cd pwa && npm ci")
def test_the_new_screens_draw_in_english_with_no_serious_accessibility_violations(browser, server, artifacts):
    client = signed_in(server, "admin")
    ticket = client.get("/api/board").json()[0]["id"]
    context, page = console_page(browser, server, "admin", "/console/sites", locale="en")
    found = {}
    for path, ready, name in [
        ("/console/sites", "section.site-card", "console-sites-en"),
        (f"/console/tickets/{ticket}", "#comment-form", "console-ticket-record-en"),
        ("/console/assets?page=2", ".pager-range", "console-assets-page2-en"),
        ("/console/plans", "button[data-action=edit-plan]", "console-plan-edit-en"),
    ]:
        page.goto(f"{server.url}/#{path}")
        page.wait_for_selector(ready, timeout=30_000)
        if path == "/console/plans":
            page.click("button[data-action=edit-plan]")
            page.wait_for_selector("#plan-form.editing")
        text = page.inner_text(".screen")
        assert "console." not in text, f"{path}: an i18n key is shown instead of its text"
        page.screenshot(path=artifacts / f"{name}.png", full_page=True)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("() => axe.run(document).then((r) => r.violations)")
        found[path] = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    assert all(not v for v in found.values()), found
    context.close()
    client.close()
