"""Two phones edit the same work order offline (issue 7, "Two devices"): a field each and
conflicting status moves. After both sync, the fields are merged, the status conflict is a
card for the dispatcher, and the dispatcher's resolution reaches both phones."""

import pytest

from tests.live import MUTATE, SYNC, log_in, new_page, phone_session, synced

pytestmark = pytest.mark.browser

RECORD = "async ([entity, id]) => (await import('/store/local.js')).record(entity, id)"


def test_offline_edits_on_two_phones_merge_and_the_status_conflict_resolves_on_both(
    browser, server, office, tech
):
    site = tech.get("/api/sites").json()[0]
    tech1 = tech.get("/api/auth/me").json()["user"]
    (a_context, a), (b_context, b) = phone_session(browser, server.url), phone_session(browser, server.url)
    try:
        order = "0193f4a0-0000-7000-8000-00000000a001"
        a.evaluate(
            MUTATE,
            [
                "work_order",
                order,
                "work_order.create",
                {"title": "Camera 7 offline", "notes": "", "site_id": site["id"]},
                [],
            ],
        )
        synced(a)
        office.post(
            f"/api/work-orders/{order}/dispatch", json={"technician_id": tech1["id"]}
        ).raise_for_status()
        synced(a)
        synced(b)
        assert b.evaluate(RECORD, ["work_order", order])["fields"]["status"] == "dispatched"

        a_context.set_offline(True)
        b_context.set_offline(True)
        a.evaluate(
            MUTATE,
            ["work_order", order, "work_order.set_fields", {"fields": {"notes": "lens fogged"}}, ["notes"]],
        )
        a.evaluate(MUTATE, ["work_order", order, "work_order.transition", {"to": "accepted"}, ["status"]])
        b.evaluate(
            MUTATE,
            [
                "work_order",
                order,
                "work_order.set_fields",
                {"fields": {"title": "Camera 7 offline (gate 2)"}},
                ["title"],
            ],
        )
        b.evaluate(
            MUTATE,
            [
                "work_order",
                order,
                "work_order.transition",
                {"to": "reported", "reason": "needs a lift truck"},
                ["status"],
            ],
        )
        a_context.set_offline(False)
        synced(a)
        b_context.set_offline(False)
        b.evaluate(SYNC)

        server_state = office.get(f"/api/work-orders/{order}").json()
        assert server_state["notes"] == "lens fogged"
        assert server_state["title"] == "Camera 7 offline (gate 2)"
        assert server_state["status"] == "accepted"
        cards = [c for c in office.get("/api/conflicts").json() if c["record_id"] == order]
        assert [c["kind"] for c in cards] == ["stale_base"]
        # The dispatcher decides on the conflicts screen: keep the accepted ticket (the
        # decline came from stale information).
        desk, screen = new_page(browser)
        try:
            log_in(screen, server.url, "dispatcher", "/conflicts")
            card = f".conflict.server[data-card='{cards[0]['id']}']"
            screen.wait_for_selector(card, timeout=60_000)
            screen.click(f"{card} [data-action=conflict-current]")
            screen.wait_for_selector(card, state="detached", timeout=30_000)
        finally:
            desk.close()
        assert office.get("/api/conflicts").json() == []

        for page in (a, b):
            page.evaluate(SYNC)
            state = page.evaluate(RECORD, ["work_order", order])
            assert state["fields"]["status"] == "accepted"
            assert state["fields"]["notes"] == "lens fogged"
            assert state["fields"]["title"] == "Camera 7 offline (gate 2)"
            card = page.evaluate(RECORD, ["conflict", cards[0]["id"]])
            assert card["status"] == "resolved"
    finally:
        a_context.close()
        b_context.close()
