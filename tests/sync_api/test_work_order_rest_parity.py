"""The dispatcher console's REST calls and the phones' sync mutations share one set of rules."""

from sqlalchemy import text

from backend.db import session_scope
from tests.builders import login
from tests.sync_api.sync_api_builders import mutation, pull_all, push

PHONE = "phone-parity"


async def new_order(client, world, record_id: str) -> dict:
    await login(client, "dispatcher_a")
    response = await client.post(
        "/api/work-orders", json={"id": record_id, "site_id": world.a.site_id, "title": "Camera dark"}
    )
    assert response.status_code == 201, response.text
    # Dispatching needs an assignee (issue 5, backend/work_orders/transitions.py).
    tech = world.user_ids["technician_a"]
    assigned = await client.post(f"/api/work-orders/{record_id}/assign", json={"assignee_id": tech})
    assert assigned.status_code == 200, assigned.text
    return assigned.json()


async def test_the_same_transition_via_rest_and_via_sync_gives_the_same_result(client, world):
    await new_order(client, world, "wo-rest")
    await new_order(client, world, "wo-sync")
    legal = await client.post("/api/work-orders/wo-rest/transition", json={"to": "dispatched"})
    illegal = await client.post("/api/work-orders/wo-rest/transition", json={"to": "closed"})
    await login(client, "technician_a")
    results = (
        await push(
            client,
            mutation("work_order.transition", "wo-sync", PHONE, base={"status": "reported"}, to="dispatched"),
            mutation("work_order.transition", "wo-sync", PHONE, base={"status": "dispatched"}, to="closed"),
        )
    ).json()["results"]
    assert legal.status_code == 200 and results[0]["status"] == "applied"
    assert illegal.status_code == 409 and results[1]["status"] == "conflict"
    assert illegal.json()["error"] == "illegal_transition"
    assert illegal.json()["message"] == results[1]["message"]
    rest = (await client.get("/api/work-orders/wo-rest")).json()
    synced = (await client.get("/api/work-orders/wo-sync")).json()
    assert (rest["status"], rest["version"]) == (synced["status"], synced["version"]) == ("dispatched", 3)


async def test_a_stale_rest_transition_is_refused_with_409_and_changes_nothing(client, world):
    await new_order(client, world, "wo-stale")
    await client.post("/api/work-orders/wo-stale/transition", json={"to": "dispatched"})
    stale = await client.post(
        "/api/work-orders/wo-stale/transition", json={"to": "cancelled", "from_status": "reported"}
    )
    assert stale.status_code == 409 and stale.json()["error"] == "stale_base"
    assert (await client.get("/api/work-orders/wo-stale")).json()["status"] == "dispatched"


async def test_rest_edits_comments_and_assignment_reach_phones_through_pull(client, world):
    await new_order(client, world, "wo-console")
    tech = world.user_ids["technician_a"]
    await client.patch("/api/work-orders/wo-console", json={"notes": "bring a ladder"})
    await client.post("/api/work-orders/wo-console/assign", json={"assignee_id": tech})
    added = await client.post("/api/work-orders/wo-console/comments", json={"id": "k1", "body": "urgent"})
    assert added.status_code == 201
    assert [c["body"] for c in added.json()["comments"]] == ["urgent"]
    removed = await client.delete("/api/work-orders/wo-console/comments/k1")
    assert removed.json()["comments"] == []
    await login(client, "technician_a")
    [change] = [c for c in (await pull_all(client))["changes"] if c["id"] == "wo-console"]
    data = change["data"]
    assert data["fields"]["notes"] == "bring a ladder" and data["fields"]["assignee"] == tech
    assert data["events"]["comments"]["k1"]["removed"] is True


async def test_rest_refusals_are_clear_4xx_errors(client, world):
    await new_order(client, world, "wo-refuse")
    unknown_user = await client.post("/api/work-orders/wo-refuse/assign", json={"assignee_id": "nobody"})
    bad_status = await client.post("/api/work-orders/wo-refuse/transition", json={"to": "flying"})
    duplicate = await client.post(
        "/api/work-orders", json={"id": "wo-refuse", "site_id": world.a.site_id, "title": "again"}
    )
    missing = await client.get("/api/work-orders/wo-nothing")
    assert (unknown_user.status_code, unknown_user.json()["error"]) == (404, "not_found")
    assert (bad_status.status_code, bad_status.json()["error"]) == (422, "rejected")
    assert (duplicate.status_code, duplicate.json()["error"]) == (422, "rejected")
    assert missing.status_code == 404


async def test_a_signed_work_order_turns_a_notes_edit_into_an_amendment_request(client, app, world):
    await new_order(client, world, "wo-signed")
    # Reaching "signed" needs photos, diagnosis, verification and a signature (tests/work_orders
    # cover that path); this test is about the lock, so the status is set in storage.
    async with session_scope(app.state.db, write=True) as db:
        await db.execute(text("UPDATE work_orders SET status = 'signed' WHERE id = 'wo-signed'"))
    edit = await client.patch("/api/work-orders/wo-signed", json={"notes": "changed afterwards"})
    assert (edit.status_code, edit.json()["error"]) == (409, "amendment_request")
    assert (await client.get("/api/work-orders/wo-signed")).json()["signed"] is True
