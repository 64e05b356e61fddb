"""Loads the PWA's own store modules into a page of the real app (so the import map in
index.html and the real static server are what is tested) and exposes them as `window.wb`."""

from tests.live import PHONE
from tests.pwa.fake_sync import CLIENT_DECLARATIONS

LOAD = """
async ({ declarations, options }) => {
  const [db, outbox, view, syncClient, blobs, merge] = await Promise.all([
    import('/store/db.js'), import('/store/outbox.js'), import('/store/view.js'),
    import('/store/sync-client.js'), import('/store/blobs.js'), import('/store/merge.js'),
  ]);
  const store = await db.openStore();
  const box = new outbox.Outbox(store, declarations);
  const sync = new syncClient.SyncClient(store, declarations, options ?? {});
  window.wb = { db, outbox, view, syncClient, blobs, merge, store, box, sync, declarations, states: [] };
  sync.subscribe((state) => window.wb.states.push(state));
  return true;
}
"""


def phone_context(browser, **options):
    """A fresh profile (its own IndexedDB) at phone size; no service worker unless asked."""
    return browser.new_context(
        viewport=PHONE, service_workers=options.pop("service_workers", "block"), **options
    )


def load_store(page, server, sync_options: dict | None = None, navigate: bool = True):
    if navigate:
        page.goto(server.url + "/")
    page.wait_for_selector("#app :not(.loading)")
    page.evaluate(LOAD, {"declarations": CLIENT_DECLARATIONS, "options": sync_options or {}})
    return page


def outbox_rows(page) -> list[dict]:
    return page.evaluate("wb.store.getAll('outbox')")


def mutate(page, entity, record_id, name, args=None, base=None) -> dict:
    return page.evaluate(
        "([e, id, n, a, b]) => wb.box.mutate(e, id, n, a, b)",
        [entity, record_id, name, args or {}, base or {}],
    )
