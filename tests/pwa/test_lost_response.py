"""A push whose response never reaches the phone (issue 4, "pushes with lost responses", for
real): the server commits the batch, the page sees a network error, the app retries by itself.
Nothing is applied twice, the outbox drains, and the one conflict stays one card
(PROTOCOL.md §3: a re-sent mutation comes back `duplicate` with its first result)."""

import sqlite3

import pytest

from tests.live import IDB_COUNT, PHONE, log_in_on_phone, wait_until

pytestmark = pytest.mark.browser

MUTATE = """
async ([entity, id, name, args, seen]) => {
  const local = await import('/store/local.js');
  return (await local.mutate(entity, id, name, args, seen)).id;
}
"""
OUTBOX = """
() => new Promise((resolve, reject) => {
  const open = indexedDB.open('weibao');
  open.onsuccess = () => {
    const request = open.result.transaction('outbox').objectStore('outbox').getAll();
    request.onsuccess = () => {
      open.result.close();
      resolve(request.result.map((row) => [row.id, row.state, row.result?.status ?? null]));
    };
    request.onerror = () => reject(request.error);
  };
})
"""
RECORD = "async ([entity, id]) => (await import('/store/local.js')).record(entity, id)"


def server_rows(server, ids: list[str], order: str) -> dict:
    marks = ",".join("?" * len(ids))
    with sqlite3.connect(f"file:{server.data_dir / 'weibao.sqlite3'}?mode=ro", uri=True) as conn:
        return {
            "applied": conn.execute(
                f"SELECT id, result FROM sync_applied WHERE id IN ({marks})", ids
            ).fetchall(),
            "orders": conn.execute("SELECT COUNT(*) FROM work_orders WHERE id = ?", (order,)).fetchone()[0],
            "comments": conn.execute(
                "SELECT COUNT(*) FROM work_order_comments WHERE work_order_id = ?", (order,)
            ).fetchone()[0],
            "cards": conn.execute("SELECT id FROM sync_conflicts WHERE record_id = ?", (order,)).fetchall(),
            "card_changes": conn.execute(
                "SELECT COUNT(*) FROM sync_changes WHERE entity = 'conflict' AND record_id IN "
                "(SELECT id FROM sync_conflicts WHERE record_id = ?)",
                (order,),
            ).fetchone()[0],
        }


def test_a_lost_push_response_is_retried_without_doubling_anything(browser, live_server, artifacts):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    pushes: list[dict] = []

    def lose_the_first_response(route) -> None:
        response = route.fetch()  # the request reaches the server, which commits the batch
        pushes.append(response.json())
        if len(pushes) == 1:
            route.abort()  # …and the page never hears back: a dropped connection
        else:
            route.fulfill(response=response)

    try:
        log_in_on_phone(page, live_server.url)
        site = page.evaluate("fetch('/api/sites').then((r) => r.json())")[0]
        page.route("**/api/sync/push", lose_the_first_response)
        context.set_offline(True)  # three changes queued first, so they go up as one batch
        order = "0193f4a0-0000-7000-8000-00000000c105"
        args = {"title": "Dome 12 lost signal", "notes": "", "site_id": site["id"]}
        ids = [
            page.evaluate(MUTATE, ["work_order", order, "work_order.create", args, []]),
            page.evaluate(
                MUTATE,
                [
                    "work_order",
                    order,
                    "work_order.add_comment",
                    {"comment_id": order + "-c", "body": "seen"},
                    [],
                ],
            ),
            # reported → on_site is not a legal move: a conflict card for the dispatcher.
            page.evaluate(
                MUTATE, ["work_order", order, "work_order.transition", {"to": "on_site"}, ["status"]]
            ),
        ]
        context.set_offline(False)

        wait_until(page, f"() => ({OUTBOX})().then((rows) => rows.every(([, s]) => s !== 'pending'))")
        first, retried = pushes[0]["results"], pushes[-1]["results"]
        assert [r["status"] for r in first] == ["applied", "applied", "conflict"]
        assert [(r["status"], r["original_status"]) for r in retried] == [
            ("duplicate", "applied"),
            ("duplicate", "applied"),
            ("duplicate", "conflict"),
        ]
        # The outbox drained: the two applied rows were confirmed by a pull and deleted; the
        # conflict stays for the technician to see, once.
        assert page.evaluate(OUTBOX) == [[ids[2], "conflict", "duplicate"]]
        assert page.evaluate(IDB_COUNT, "outbox") == 1

        stored = server_rows(live_server, ids, order)
        assert sorted(i for i, _ in stored["applied"]) == sorted(ids)
        assert (stored["orders"], stored["comments"]) == (1, 1)
        assert [c for (c,) in stored["cards"]] == [ids[2]]
        assert stored["card_changes"] == 1  # the card was logged for the pull once, not per delivery

        # Polled: right after the outbox drained, the first read has been seen to return null
        # for a moment on a loaded machine (the record was stored; cause not found yet).
        wait_until(page, f"() => ({RECORD})(['work_order', '{order}']).then((state) => state !== null)")
        local = page.evaluate(RECORD, ["work_order", order])
        assert local["fields"]["status"] == "reported" and local["fields"]["title"] == args["title"]
        assert list(local["events"]["comments"]) == [order + "-c"]

        page.goto(live_server.url + "/#/conflicts")
        page.wait_for_selector(f'[data-problem="{ids[2]}"]', timeout=30_000)
        assert page.locator("[data-problem]").count() == 1
        # The move was illegal from the status the phone saw: not "someone else changed this".
        card = page.locator(f'[data-problem="{ids[2]}"]').inner_text()
        assert "记录当前的状态下无法进行此步骤" in card and "其他人修改了此项" not in card
        assert page.locator(f'[data-problem="{ids[0]}"], [data-problem="{ids[1]}"]').count() == 0
        page.screenshot(path=str(artifacts / "lost-response-conflicts-zh-CN.png"))
    finally:
        context.close()
