"""The app runs the sync loop for the logged-in user (store/local.js): a change written on the
phone reaches the server without any screen calling the sync API, and logging out takes the
user's synced records off the phone."""

import pytest

from tests.live import IDB_COUNT, log_in, new_page, wait_until

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

CREATE = """
async ([siteId, title]) => {
  const local = await import('/store/local.js');
  const id = crypto.randomUUID();
  await local.mutate('work_order', id, 'work_order.create', { title, notes: '', site_id: siteId });
  return id;
}
"""


def test_a_change_made_on_the_phone_reaches_the_server_and_logout_clears_the_synced_records(
    browser, live_server
):
    context, page = new_page(browser, locale="en")
    try:
        log_in(page, live_server.url, ready=".tabbar, nav")
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
