"""Who is assigned where: the one-call overview, assigning, unassigning (audited, evicting)."""

from tests.builders import login
from tests.sync_api.sync_api_builders import pull_all


async def test_the_overview_lists_every_assignment_an_admin_sees_in_one_call(client, world):
    await login(client, "admin")
    rows = (await client.get("/api/site-assignments")).json()
    pairs = {(r["site_id"], r["username"]) for r in rows}
    for side, tag in ((world.a, "a"), (world.b, "b")):
        for role in ("dispatcher", "technician", "client_rep"):
            assert (side.site_id, f"{role}_{tag}") in pairs
    only_b = (await client.get("/api/site-assignments", params={"site_id": world.b.site_id})).json()
    assert {r["site_id"] for r in only_b} == {world.b.site_id}
    assert {r["role"] for r in only_b} == {"dispatcher", "technician", "client_rep"}


async def test_a_dispatcher_sees_only_the_assignments_of_their_own_sites(client, world):
    await login(client, "dispatcher_a")
    rows = (await client.get("/api/site-assignments")).json()
    assert rows and {r["site_id"] for r in rows} == {world.a.site_id}
    foreign = (await client.get("/api/site-assignments", params={"site_id": world.b.site_id})).json()
    assert foreign == []


async def test_technicians_cannot_list_assignments_and_an_oversized_filter_is_refused(client, world):
    await login(client, "technician_a")
    assert (await client.get("/api/site-assignments")).status_code == 403
    await login(client, "admin")
    bad = await client.get("/api/site-assignments", params={"site_id": "x" * 65})
    assert bad.status_code == 400


async def test_unassigning_is_audited_leaves_the_overview_and_evicts_the_sites_records(client, world):
    tech = world.user_ids["technician_a"]
    await login(client, "technician_a")
    cursor = (await pull_all(client))["cursor"]
    await login(client, "admin")
    response = await client.delete(f"/api/sites/{world.a.site_id}/assignments/{tech}")
    assert response.status_code == 204
    rows = (await client.get("/api/site-assignments", params={"site_id": world.a.site_id})).json()
    assert tech not in {r["user_id"] for r in rows}
    audit = (await client.get("/api/audit", params={"entity": "site_assignments"})).json()
    assert any(r["action"] == "delete" and tech in str(r["entity_id"]) for r in audit)
    await login(client, "technician_a")
    evicted = {c["id"] for c in (await pull_all(client, cursor))["changes"] if c["op"] == "evict"}
    assert world.extra["a"]["work_order_id"] in evicted
    assert (await client.get(f"/api/work-orders/{world.extra['a']['work_order_id']}")).status_code == 404


async def test_assigning_a_user_to_a_second_site_shows_in_the_overview_and_admins_are_refused(client, world):
    await login(client, "admin")
    tech = world.user_ids["technician_a"]
    response = await client.put(f"/api/sites/{world.b.site_id}/assignments/{tech}")
    assert response.status_code == 200 and response.json()["role"] == "technician"
    rows = (await client.get("/api/site-assignments", params={"site_id": world.b.site_id})).json()
    assert tech in {r["user_id"] for r in rows}
    admin = await client.put(f"/api/sites/{world.b.site_id}/assignments/{world.user_ids['admin']}")
    assert (admin.status_code, admin.json()["error"]) == (422, "admin_not_assignable")
