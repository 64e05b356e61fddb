"""The sync loop in real Chromium against a fake /api/sync/* that decides with the reference
rules of the sync package (tests/pwa/fake_sync.py)."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.pwa.fake_sync import FakeSyncServer
from tests.pwa.store_harness import load_store, mutate, outbox_rows, phone_context

pytestmark = pytest.mark.browser

FAST = {"intervalMs": 600_000, "baseDelayMs": 40, "maxDelayMs": 1_000}
SETTLED = "() => wb.sync.state.pending === 0 && !wb.sync.state.syncing"


def start(page, server, navigate=True, lead=True):
    load_store(page, server, FAST, navigate=navigate)
    page.evaluate("wb.sync.start()")
    if lead:
        page.wait_for_function("wb.sync.state.leader")
    return page


def wait_until(page, predicate: str, timeout_ms: int = 30_000):
    """Polls an async predicate in the page (wait_for_function does not await promises)."""
    for _ in range(timeout_ms // 50):
        if page.evaluate(predicate):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never true: {predicate}")


OUTBOX_EMPTY = "async () => (await wb.store.count('outbox')) === 0"


def create_order(page, record_id, title="Camera 3 offline"):
    return mutate(page, "work_order", record_id, "work_order.create", {"title": title})


@pytest.fixture
def context(browser):
    context = phone_context(browser)
    yield context
    context.close()


def test_pushes_then_pulls_and_deletes_outbox_rows_only_once_a_pull_confirms_them(context, live_server):
    fake = FakeSyncServer(confirm=False)
    fake.route(context)
    page = start(context.new_page(), live_server)
    create_order(page, "wo-1")
    mutate(page, "work_order", "wo-1", "work_order.set_fields", {"fields": {"notes": "lens cracked"}})
    page.evaluate("wb.sync.syncNow()")

    assert fake.record("work_order", "wo-1")["fields"]["notes"] == "lens cracked"
    rows = outbox_rows(page)
    assert [r["state"] for r in rows] == ["pending", "pending"], "a push response alone never deletes"
    assert [r["result"]["status"] for r in rows] == ["applied", "applied"]
    assert page.evaluate("wb.store.get('records', ['work_order', 'wo-1'])")["server"] == fake.record(
        "work_order", "wo-1"
    )

    fake.confirm = True
    page.evaluate("wb.sync.syncNow()")
    assert outbox_rows(page) == []
    assert fake.batches[-1] == [r["id"] for r in rows], "unconfirmed rows are pushed again (duplicates)"
    view = page.evaluate("wb.view.viewRecord(wb.store, wb.declarations, 'work_order', 'wo-1')")
    assert view["state"] == fake.record("work_order", "wo-1")
    assert page.evaluate("wb.sync.state.lastSyncAt") is not None


def test_conflicts_and_rejections_stay_for_the_user_and_are_not_replayed(context, live_server):
    fake = FakeSyncServer()
    fake.route(context)
    page = start(context.new_page(), live_server)
    create_order(page, "wo-2")
    page.evaluate("wb.sync.syncNow()")
    # The phone thinks it is still "reported"; meanwhile a dispatcher moves it on the server.
    mutate(page, "work_order", "wo-2", "work_order.transition", {"to": "dispatched"}, {"status": "reported"})
    fake.replica.records[("work_order", "wo-2")]["fields"]["status"] = "cancelled"
    mutate(page, "work_order", "wo-2", "work_order.set_fields", {"fields": {"notes": "waiting for key"}})
    page.evaluate("wb.sync.syncNow()")

    [kept] = outbox_rows(page)
    assert kept["state"] == "conflict" and kept["mutation"]["name"] == "work_order.transition"
    assert page.evaluate("wb.sync.state.problems") == 1 and page.evaluate("wb.sync.state.pending") == 0
    local = page.evaluate("wb.view.viewRecord(wb.store, wb.declarations, 'work_order', 'wo-2')")["state"]
    assert local["fields"]["status"] == "cancelled", "the server's state, not the refused move"
    assert local["fields"]["notes"] == "waiting for key"
    page.evaluate("(id) => wb.box.dismiss(id)", kept["id"])
    assert page.evaluate("wb.box.problems()") == []
    page.evaluate("wb.sync.syncNow()")
    assert outbox_rows(page) == [], "gone once a pull confirms a later seq"
    assert page.evaluate("wb.sync.state.problems") == 0


def test_a_long_outbox_goes_in_batches_of_at_most_200_in_order(context, live_server):
    fake = FakeSyncServer()
    fake.route(context)
    page = start(context.new_page(), live_server)
    page.evaluate(
        """async () => { for (let i = 0; i < 450; i += 1) {
             await wb.box.mutate('work_order', `wo-${i}`, 'work_order.create', { title: `Order ${i}` });
           } }"""
    )
    page.evaluate("wb.sync.syncNow()")
    assert [len(b) for b in fake.batches] == [200, 200, 50]
    assert outbox_rows(page) == []
    assert page.evaluate("wb.store.count('records')") == 450


def test_backs_off_exponentially_on_server_errors_then_recovers(context, live_server):
    fake = FakeSyncServer(fail_pushes=3)
    fake.route(context)
    # random() = 1 makes the jitter take the ceiling of each step: 40, 80, 160 ms.
    page = start(context.new_page(), live_server)
    page.evaluate("wb.sync.options.random = () => 1")
    create_order(page, "wo-3")
    page.evaluate("wb.sync.requestSync()")
    try:
        page.wait_for_function(SETTLED, timeout=90_000)  # generous: CI machines are loaded
    except PlaywrightTimeout:
        state = page.evaluate("wb.sync.state")
        raise AssertionError(f"never settled: {state}, pushes {fake.push_attempts}") from None

    retries = page.evaluate("[...new Set(wb.states.map((s) => s.retryInMs).filter((d) => d !== null))]")
    assert retries == [40, 80, 160]
    errors = page.evaluate("wb.states.map((s) => s.lastError?.kind).filter(Boolean)")
    assert set(errors) == {"server"}
    assert fake.push_attempts == 4 and fake.record("work_order", "wo-3") is not None
    assert page.evaluate("wb.sync.state.failures") == 0 and page.evaluate("wb.sync.state.lastError") is None


def test_nothing_is_lost_going_offline_and_reloading_the_page(browser, live_server):
    context = phone_context(browser, service_workers="allow")
    fake = FakeSyncServer()
    fake.route(context)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled: the shell and store modules come from the worker's cache
    start(page, live_server, navigate=False)
    page.wait_for_function(SETTLED)

    context.set_offline(True)
    page.wait_for_function("!wb.sync.state.online")
    create_order(page, "wo-4", "Fence sensor")
    mutate(page, "work_order", "wo-4", "work_order.set_fields", {"fields": {"notes": "written offline"}})
    page.evaluate("wb.sync.requestSync()")
    page.reload()
    start(page, live_server, navigate=False)
    assert len(outbox_rows(page)) == 2 and fake.push_attempts == 0
    view = page.evaluate("wb.view.viewRecord(wb.store, wb.declarations, 'work_order', 'wo-4')")
    assert view["state"]["fields"]["notes"] == "written offline"

    context.set_offline(False)
    page.wait_for_function(SETTLED + " && wb.sync.state.online", timeout=30_000)
    assert fake.record("work_order", "wo-4")["fields"] == {
        "title": "Fence sensor",
        "notes": "written offline",
        "status": "reported",
        "assignee": None,
    }
    assert outbox_rows(page) == []
    context.close()


def test_one_tab_syncs_at_a_time_and_another_takes_over_when_it_closes(context, live_server):
    fake = FakeSyncServer()
    first, second = context.new_page(), context.new_page()
    fake.route(first, "first")
    fake.route(second, "second")
    start(first, live_server)
    first.wait_for_function("wb.sync.state.leader")
    start(second, live_server, lead=False)
    assert second.evaluate("wb.sync.state.leader") is False

    create_order(second, "wo-5")
    second.evaluate("wb.sync.requestSync()")  # asks the leading tab over the BroadcastChannel
    wait_until(second, OUTBOX_EMPTY)
    assert set(fake.pushers) == {"first"}

    first.close()
    second.wait_for_function("wb.sync.state.leader")
    create_order(second, "wo-6")
    second.evaluate("wb.sync.requestSync()")
    wait_until(second, OUTBOX_EMPTY)
    assert fake.pushers[-1] == "second" and fake.record("work_order", "wo-6") is not None
