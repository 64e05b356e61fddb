"""The app runs the sync loop for the logged-in user (store/local.js): a change written on the
phone reaches the server without any screen calling the sync API, and logging out takes the
user's synced records off the phone."""

import pytest

from tests.live import PHONE

pytestmark = pytest.mark.browser

IDB_GET = """
([store, key]) => new Promise((resolve, reject) => {
  const open = indexedDB.open('weibao');
  open.onsuccess = () => {
    const request = open.result.transaction(store).objectStore(store).get(key);
    request.onsuccess = () => { open.result.close(); resolve(request.result ?? null); };
    request.onerror = () => reject(request.error);
  };
})
"""

IDB_COUNT = """
(store) => new Promise((resolve, reject) => {
  const open = indexedDB.open('weibao');
  open.onsuccess = () => {
    const request = open.result.transaction(store).objectStore(store).count();
    request.onsuccess = () => { open.result.close(); resolve(request.result); };
    request.onerror = () => reject(request.error);
  };
})
"""

CREATE = """
async ([siteId, title]) => {
  const local = await import('/store/local.js');
  const id = crypto.randomUUID();
  await local.mutate('work_order', id, 'work_order.create', { title, notes: '', site_id: siteId });
  return id;
}
"""


def wait_until(page, predicate: str, *args, timeout_ms: int = 30_000) -> None:
    """Polls an async predicate (wait_for_function does not await a returned promise)."""
    for _ in range(timeout_ms // 250):
        if page.evaluate(predicate, *args):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"never true: {predicate}")


def log_in_on_phone(page, url: str, username: str = "tech1", path: str = "/") -> None:
    """The login form, then the app's sync session started (other phone tests build on it)."""
    page.goto(f"{url}/#{path}")
    page.wait_for_selector("#username", timeout=90_000)
    page.fill("#username", username)
    page.fill("#password", "weibao-demo")
    page.click("button[type=submit]")
    page.wait_for_selector(".tabbar, nav", timeout=60_000)
    wait_until(page, "() => import('/store/local.js').then((m) => m.startSession()).then(() => true)")


def test_a_change_made_on_the_phone_reaches_the_server_and_logout_clears_the_synced_records(
    browser, live_server
):
    context = browser.new_context(viewport=PHONE, locale="en")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.fill("#username", "tech1")
        page.fill("#password", "weibao-demo")
        page.click("button[type=submit]")
        page.wait_for_selector(".tabbar, nav", timeout=30_000)
        # The loop ran one cycle on its own and kept the rules for offline starts.
        wait_until(page, f"() => ({IDB_GET})(['meta', 'lastSyncAt']).then(Boolean)")
        declarations = page.evaluate(IDB_GET, ["cache", "declarations"])
        assert "status" in declarations["work_order"]["fields"]

        sites = page.evaluate("fetch('/api/sites').then((r) => r.json())")
        record_id = page.evaluate(CREATE, [sites[0]["id"], "Phone-made ticket"])
        wait_until(page, f"() => fetch('/api/work-orders/{record_id}').then((r) => r.ok)")
        wait_until(page, f"() => ({IDB_COUNT})('outbox').then((n) => n === 0)")
        server = page.evaluate(f"fetch('/api/work-orders/{record_id}').then((r) => r.json())")
        assert server["title"] == "Phone-made ticket"
        assert page.evaluate(IDB_GET, ["records", ["work_order", record_id]]) is not None

        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(live_server.url + "/#/settings")
        page.get_by_role("button", name="Log out", exact=True).click()
        page.wait_for_selector("#username", timeout=30_000)
        assert page.evaluate(IDB_COUNT, "records") == 0
        assert page.evaluate(IDB_GET, ["meta", "clientId"]) is None
    finally:
        context.close()
