"""The dispatcher console in real headless Chromium at 1280×800 against its own demo server
(it dispatches, so the shared live server's tickets stay as other journeys expect them)."""

import pytest

from tests.live import AXE, PHONE, console_page, signed_in

pytestmark = pytest.mark.browser

BREACHED_RED = "rgb(253, 236, 236)"  # console.css tr.sla-breached
CONSOLE_PATHS = [
    "/console",
    "/console/tickets/new",
    "/console/conflicts",
    "/console/assets",
    "/console/plans",
    "/console/users",
]


def free_a_technician(client) -> tuple[dict, str]:
    """The demo's technicians both hold a level-1 ticket, so nobody is suggested; the dispatcher
    lowers one of those to level 2, which frees tech1 for the reported ticket at his site."""
    board = client.get("/api/board").json()
    level1 = next(t for t in board if t["severity"] == 1 and t["title"] == "监控中心大屏黑屏")
    client.post(f"/api/work-orders/{level1['id']}/severity", json={"severity": 2}).raise_for_status()
    reported = next(t for t in board if t["status"] == "reported")
    return reported, level1["assignee_id"]


def test_the_dispatcher_sees_the_board_by_urgency_and_dispatches_to_the_suggested_technician(
    browser, server, artifacts
):
    client = signed_in(server, "dispatcher")
    reported, technician = free_a_technician(client)
    context, page = console_page(browser, server)
    page.wait_for_selector("tr.board-row")
    expected = [t["id"] for t in client.get("/api/board").json()]
    shown = page.eval_on_selector_all("tr.board-row", "rows => rows.map((r) => r.dataset.ticket)")
    assert shown == expected
    breached = next(t for t in client.get("/api/board").json() if t["breached"])
    # One evaluation: the board may redraw (a finished sync) between two separate reads.
    sla, colour, text = page.evaluate(
        """(id) => { const row = document.querySelector(`tr[data-ticket='${id}']`);
           return [row.dataset.sla, getComputedStyle(row).backgroundColor, row.innerText]; }""",
        breached["id"],
    )
    assert (sla, colour) == ("breached", BREACHED_RED)
    assert "已超时" in text
    page.screenshot(path=artifacts / "console-board-zh-CN.png", full_page=True)

    page.click(f"tr[data-ticket='{reported['id']}'] a.button")
    page.wait_for_selector("#dispatch-form")
    suggested = page.locator("#dispatch-form input[name=technician]:checked")
    assert suggested.get_attribute("value") == technician
    assert "推荐" in page.inner_text("#dispatch-form")
    page.screenshot(path=artifacts / "console-ticket-zh-CN.png", full_page=True)
    page.click("#dispatch-form button[type=submit]")
    page.wait_for_function(
        "() => document.querySelector('#ticket-status')?.textContent === '已派单'", timeout=60_000
    )
    assert "已派给" in page.inner_text(".console-alert.ok")

    order = client.get(f"/api/work-orders/{reported['id']}").json()
    assert (order["status"], order["assignee_id"]) == ("dispatched", technician)
    client.close()
    context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_console_screen_draws_in_one_language_with_nothing_untranslated(
    browser, server, artifacts, locale
):
    context, page = console_page(browser, server, username="admin", locale=locale)
    for path in CONSOLE_PATHS:
        page.goto(f"{server.url}/#{path}")
        page.wait_for_selector(f".console-nav a[href='#{path}'].active", timeout=30_000)
        page.wait_for_timeout(300)
        text = page.inner_text(".screen")
        assert "console." not in text, f"{path}: an i18n key is shown instead of its text"
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=artifacts / f"{name}-{locale}.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/#/console")
    page.wait_for_selector("tr.board-row")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=artifacts / f"console-board-phone-{locale}.png", full_page=True)
    context.close()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is a devDependency: cd pwa && npm ci")
def test_the_board_and_the_ticket_form_have_no_serious_accessibility_violations(browser, server):
    context, page = console_page(browser, server)
    found = {}
    for path in ["/console", "/console/tickets/new"]:
        page.goto(f"{server.url}/#{path}")
        page.wait_for_selector(f".console-nav a[href='#{path}'].active", timeout=30_000)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("() => axe.run(document).then((r) => r.violations)")
        found[path] = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    assert found == {"/console": [], "/console/tickets/new": []}
    context.close()
