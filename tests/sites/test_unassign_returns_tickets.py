"""Taking a technician off a site returns the open tickets they hold there to the dispatch
queue (unassigned, through the console's own assign), unless the admin chooses to keep them."""

from tests.builders import login
from tests.sync_api.sync_api_builders import pull_all
from tests.work_orders.work_order_world import create_ticket, dispatch, move


async def held_tickets(client, world) -> tuple[str, str]:
    """Two open tickets at site a held by technician_a: one dispatched, one accepted."""
    await login(client, "dispatcher_a")
    dispatched, accepted = (
        await create_ticket(client, world),
        await create_ticket(client, world, title="Gate"),
    )
    for ticket in (dispatched, accepted):
        assert (await dispatch(client, world, ticket)).status_code == 200
    await login(client, "technician_a")
    assert (await move(client, accepted, "accepted")).status_code == 200
    return dispatched, accepted


async def order(client, work_order_id: str) -> dict:
    response = await client.get(f"/api/work-orders/{work_order_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_unassigning_returns_the_technicians_open_tickets_to_the_dispatch_queue(client, world):
    dispatched, accepted = await held_tickets(client, world)
    tech = world.user_ids["technician_a"]
    await login(client, "dispatcher_a")
    cursor = (await pull_all(client, client_id="desk"))["cursor"]
    await login(client, "admin")
    assert (await client.delete(f"/api/sites/{world.a.site_id}/assignments/{tech}")).status_code == 204
    for ticket, status in ((dispatched, "dispatched"), (accepted, "accepted")):
        now = await order(client, ticket)
        assert (now["assignee_id"], now["status"]) == (None, status), now
        last = now["history"][-1]
        assert (last["previous_assignee_id"], last["assignee_id"]) == (tech, None)
        assert last["by_user_id"] == world.user_ids["admin"]
    board = {t["id"]: t for t in (await client.get("/api/board")).json()}
    assert board[dispatched]["assignee_id"] is None and board[accepted]["assignee_id"] is None
    audit = (await client.get("/api/audit", params={"entity": "work_orders"})).json()
    assert {dispatched, accepted} <= {str(r["entity_id"]) for r in audit if r["action"] == "update"}
    await login(client, "dispatcher_a")
    changes = (await pull_all(client, cursor, client_id="desk"))["changes"]
    pulled = {c["id"]: c for c in changes if c["op"] == "upsert"}
    assert pulled[dispatched]["data"]["fields"]["assignee"] is None, pulled.get(dispatched)


async def test_a_returned_ticket_can_be_dispatched_again_even_to_the_same_technician(client, world):
    dispatched, _ = await held_tickets(client, world)
    tech = world.user_ids["technician_a"]
    await login(client, "admin")
    assert (await client.delete(f"/api/sites/{world.a.site_id}/assignments/{tech}")).status_code == 204
    assert (await client.put(f"/api/sites/{world.a.site_id}/assignments/{tech}")).status_code == 200
    await login(client, "dispatcher_a")
    again = await dispatch(client, world, dispatched)
    assert again.status_code == 200, again.text
    assert (again.json()["assignee_id"], again.json()["status"]) == (tech, "dispatched")


async def test_tickets_elsewhere_or_held_by_others_or_kept_on_request_stay_assigned(client, world):
    dispatched, accepted = await held_tickets(client, world)
    tech = world.user_ids["technician_a"]
    await login(client, "admin")
    assert (await client.put(f"/api/sites/{world.b.site_id}/assignments/{tech}")).status_code == 200
    elsewhere = await client.post("/api/work-orders", json={"site_id": world.b.site_id, "title": "Dome B"})
    elsewhere_id = elsewhere.json()["id"]
    assert (await dispatch(client, world, elsewhere_id)).status_code == 200
    kept = await client.delete(
        f"/api/sites/{world.a.site_id}/assignments/{tech}", params={"open_tickets": "keep"}
    )
    assert kept.status_code == 204
    assert (await order(client, dispatched))["assignee_id"] == tech
    assert (await order(client, accepted))["assignee_id"] == tech
    await client.put(f"/api/sites/{world.a.site_id}/assignments/{tech}")
    assert (await client.delete(f"/api/sites/{world.a.site_id}/assignments/{tech}")).status_code == 204
    assert (await order(client, dispatched))["assignee_id"] is None
    assert (await order(client, elsewhere_id))["assignee_id"] == tech  # site b: still theirs


async def test_an_unknown_choice_for_the_open_tickets_is_a_structured_400_and_changes_nothing(client, world):
    dispatched, _ = await held_tickets(client, world)
    tech = world.user_ids["technician_a"]
    await login(client, "admin")
    bad = await client.delete(
        f"/api/sites/{world.a.site_id}/assignments/{tech}", params={"open_tickets": "drop"}
    )
    assert bad.status_code == 400, bad.text
    assert bad.json()["error"] == "invalid_request" and "open_tickets" in bad.json()["message"]
    rows = (await client.get("/api/site-assignments", params={"site_id": world.a.site_id})).json()
    assert tech in {r["user_id"] for r in rows}
    assert (await order(client, dispatched))["assignee_id"] == tech
