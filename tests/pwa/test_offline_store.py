"""The phone's offline store in real Chromium: outbox + optimistic change in one IndexedDB
transaction, and the read model = server snapshot with the pending outbox replayed."""

import re

import pytest

from tests.pwa.store_harness import load_store, mutate, outbox_rows, phone_context

pytestmark = pytest.mark.browser

UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

# The disk fills up exactly when the optimistic record is written, after the outbox row.
FAIL_RECORD_WRITES = """
async () => {
  const original = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (...args) {
    if (this.name === 'records') throw new DOMException('disk full', 'QuotaExceededError');
    return original.apply(this, args);
  };
  try {
    await wb.box.mutate('work_order', 'wo-1', 'work_order.create', { title: 'Camera 3 offline' });
    return 'written';
  } catch (error) {
    return error.name;
  } finally {
    IDBObjectStore.prototype.put = original;
  }
}
"""

PULL = """(page) => import('/store/sync-apply.js')
  .then((m) => m.applyPullPage(wb.store, wb.declarations, page, Date.now()))"""


@pytest.fixture
def page(browser, live_server):
    context = phone_context(browser)
    yield load_store(context.new_page(), live_server)
    context.close()


def test_a_failing_transaction_leaves_neither_the_outbox_row_nor_the_local_change(page):
    assert page.evaluate(FAIL_RECORD_WRITES) == "QuotaExceededError"
    assert outbox_rows(page) == []
    assert page.evaluate("wb.store.getAll('records')") == []
    assert page.evaluate("wb.store.get('meta', 'nextSeq')") is None

    mutation = mutate(page, "work_order", "wo-1", "work_order.create", {"title": "Camera 3 offline"})
    [row] = outbox_rows(page)
    assert row["mutation"] == mutation and row["state"] == "pending" and row["seq"] == mutation["seq"] == 1
    assert UUID7.match(mutation["id"]) and mutation["hlc"].endswith(":" + mutation["client_id"])
    [record] = page.evaluate("wb.store.getAll('records')")
    assert record["server"] is None and record["local"]["fields"]["title"] == "Camera 3 offline"


def test_a_change_the_rules_reject_writes_nothing_and_says_why(page):
    mutate(page, "work_order", "wo-1", "work_order.create", {"title": "Door controller"})
    error = page.evaluate(
        """() => wb.box.mutate('work_order', 'wo-1', 'work_order.transition', { to: 'exploded' },
                               { status: 'reported' }).then(() => null, (e) => [e.name, e.message])"""
    )
    assert error == ["MutationRejected", '"exploded" is not a valid work_order.status']
    assert len(outbox_rows(page)) == 1


def test_sequence_numbers_and_clocks_increase_with_every_change(page):
    created = mutate(page, "work_order", "wo-9", "work_order.create", {"title": "NVR disk"})
    later = [
        mutate(page, "work_order", "wo-9", "work_order.set_fields", {"fields": {"notes": f"note {i}"}})
        for i in range(3)
    ]
    seqs = [m["seq"] for m in [created, *later]]
    clocks = [m["hlc"] for m in [created, *later]]
    assert seqs == [1, 2, 3, 4] and clocks == sorted(clocks) and len(set(clocks)) == 4
    assert len({m["client_id"] for m in [created, *later]}) == 1


def test_the_view_replays_pending_changes_on_top_of_the_server_snapshot(page):
    server = {
        "id": "wo-7",
        "version": 3,
        "deleted": False,
        "fields": {"title": "Gate camera", "notes": "", "status": "dispatched", "assignee": "tech1"},
        "clocks": {"title": "001700000000000:00000:server"},
        "events": {"comments": {}},
    }
    page.evaluate(
        PULL,
        {
            "changes": [{"seq": 1, "op": "upsert", "entity": "work_order", "id": "wo-7", "data": server}],
            "cursor": "1",
            "has_more": False,
            "last_applied_mutation_id": None,
        },
    )
    mutate(page, "work_order", "wo-7", "work_order.transition", {"to": "accepted"}, {"status": "dispatched"})
    mutate(page, "work_order", "wo-7", "work_order.set_fields", {"fields": {"notes": "parts in van"}})
    # Seen "reported", but it is "accepted" by now: the screen learns this before any sync.
    mutate(page, "work_order", "wo-7", "work_order.transition", {"to": "cancelled"}, {"status": "reported"})

    view = page.evaluate("wb.view.viewRecord(wb.store, wb.declarations, 'work_order', 'wo-7')")
    assert view["state"]["fields"]["status"] == "accepted"
    assert view["state"]["fields"]["notes"] == "parts in van"
    assert [d["status"] for d in view["decisions"]] == ["applied", "applied", "conflict"]
    [row] = page.evaluate("wb.store.getAll('records')")
    assert row["server"] == server, "the snapshot itself is never modified by local changes"
    assert row["local"] == view["state"], "the optimistic copy written with each change equals the replay"

    listed = page.evaluate("wb.view.viewEntity(wb.store, wb.declarations, 'work_order')")
    assert listed["records"]["wo-7"] == view["state"]


def test_persistence_can_be_requested_and_the_quota_estimated(page):
    result = page.evaluate(
        """async () => {
             const storage = await import('/store/storage.js');
             const persisted = await storage.requestPersistence();
             return { persisted, estimate: await storage.storageEstimate() };
           }"""
    )
    assert isinstance(result["persisted"], bool)
    estimate = result["estimate"]
    assert (
        estimate["quota"] > estimate["usage"] >= 0
        and estimate["free"] == estimate["quota"] - estimate["usage"]
    )
    assert estimate["low"] is False
