"""Conflict cards: dispatchers see those of their sites and resolve them; resolutions sync."""

from tests.builders import login
from tests.conftest import sql
from tests.sync_api.sync_api_builders import mutation, pull_all, push


async def test_dispatchers_list_only_their_sites_open_conflicts(client, world):
    await login(client, "dispatcher_a")
    cards = (await client.get("/api/conflicts")).json()
    assert [c["id"] for c in cards] == [world.extra["a"]["conflict_id"]]
    assert cards[0]["conflict"]["proposed"] == {"status": "on_site"}
    await login(client, "technician_a")
    assert (await client.get("/api/conflicts")).status_code == 403


async def test_resolving_with_an_entered_value_applies_it_and_syncs_the_card(client, world):
    wo, card = world.extra["a"]["work_order_id"], world.extra["a"]["conflict_id"]
    await login(client, "dispatcher_a")
    # Dispatching needs an assignee (issue 5, backend/work_orders/transitions.py).
    tech = world.user_ids["technician_a"]
    assert (await client.post(f"/api/work-orders/{wo}/assign", json={"assignee_id": tech})).status_code == 200
    response = await client.post(
        f"/api/conflicts/{card}/resolve", json={"choice": "value", "values": {"status": "dispatched"}}
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "resolved"
    assert (await client.get("/api/conflicts")).json() == []
    again = await client.post(f"/api/conflicts/{card}/resolve", json={"choice": "current"})
    assert again.status_code == 409
    await login(client, "technician_a")
    changes = (await pull_all(client))["changes"]
    assert [c["data"]["fields"]["status"] for c in changes if c["id"] == wo] == ["dispatched"]
    [synced] = [c for c in changes if c["entity"] == "conflict"]
    assert synced["data"]["status"] == "resolved"


async def test_taking_an_illegal_proposal_is_refused_and_the_card_stays_open(client, world):
    card = world.extra["a"]["conflict_id"]
    await login(client, "dispatcher_a")
    response = await client.post(f"/api/conflicts/{card}/resolve", json={"choice": "proposed"})
    assert (response.status_code, response.json()["error"]) == (409, "illegal_transition")
    assert [c["id"] for c in (await client.get("/api/conflicts")).json()] == [card]


async def test_a_stale_notes_edit_is_not_a_conflict_but_its_losing_value_is_kept(client, world, app):
    wo = world.extra["a"]["work_order_id"]
    await login(client, "technician_a")
    newer = mutation("work_order.set_fields", wo, "phone-x", at=1_800_000_000_000, fields={"notes": "new"})
    older = mutation("work_order.set_fields", wo, "phone-x", at=1_700_000_000_000, fields={"notes": "old"})
    results = (await push(client, newer, older)).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    kept = await sql(app.state.db, "SELECT value, mutation_id FROM sync_losers WHERE record_id=?", wo)
    assert ('"old"', older["id"]) in kept
