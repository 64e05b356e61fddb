"""POST /api/sync/push and GET /api/sync/pull over the real app and database."""

from tests.builders import login
from tests.conftest import sql
from tests.sync_api.sync_api_builders import mutation, pull_all, push

PHONE = "phone-t1"


def of(page: dict, record_id: str) -> list[dict]:
    return [c for c in page["changes"] if c["id"] == record_id]


async def test_a_created_work_order_is_applied_and_pulled_with_its_site(client, world):
    await login(client, "technician_a")
    create = mutation("work_order.create", "wo-1", PHONE, title="Camera dark", site_id=world.a.site_id)
    response = await push(client, create)
    assert response.status_code == 200, response.text
    assert response.json()["results"] == [
        {
            "id": create["id"],
            "status": "applied",
            "message": None,
            "conflict_id": None,
            "original_status": None,
        }
    ]
    page = await pull_all(client, client_id=PHONE)
    [change] = of(page, "wo-1")
    assert change["op"] == "upsert" and change["entity"] == "work_order"
    assert change["data"]["fields"]["title"] == "Camera dark"
    assert change["data"]["site_id"] == world.a.site_id
    assert page["last_applied_mutation_id"] == create["id"]


async def test_a_pushed_batch_delivered_again_is_a_duplicate_and_applies_nothing_twice(client, world, app):
    await login(client, "technician_a")
    batch = [
        mutation("work_order.create", "wo-2", PHONE, title="Gate", site_id=world.a.site_id),
        mutation("work_order.add_comment", "wo-2", PHONE, comment_id="k1", body="on my way"),
    ]
    first = (await push(client, *batch)).json()["results"]
    again = (await push(client, *batch)).json()["results"]
    assert [r["status"] for r in first] == ["applied", "applied"]
    assert [(r["status"], r["original_status"]) for r in again] == [("duplicate", "applied")] * 2
    assert await sql(app.state.db, "SELECT count(*) FROM work_order_comments WHERE work_order_id='wo-2'") == [
        (1,)
    ]
    assert await sql(app.state.db, "SELECT version FROM work_orders WHERE id='wo-2'") == [(2,)]


async def test_a_reused_mutation_id_with_another_body_refuses_the_whole_push(client, world, app):
    await login(client, "technician_a")
    create = mutation("work_order.create", "wo-3", PHONE, title="Door", site_id=world.a.site_id)
    await push(client, create)
    later = mutation("work_order.set_fields", "wo-3", PHONE, fields={"notes": "fine"})
    reused = {**create, "title": "Another title"}
    response = await push(client, later, {**reused, "seq": later["seq"] + 1})
    assert response.status_code == 422
    assert response.json()["error"] == "id_reused"
    # Nothing of the batch applied, not even the valid mutation before the reused id.
    assert await sql(app.state.db, "SELECT notes FROM work_orders WHERE id='wo-3'") == [("",)]


async def test_conflicts_and_rejections_are_stored_and_never_block_the_mutations_behind(client, world, app):
    await login(client, "technician_a")
    wo = "wo-4"
    batch = [
        mutation("work_order.create", wo, PHONE, title="Alarm", site_id=world.a.site_id),
        mutation("work_order.transition", wo, PHONE, base={"status": "reported"}, to="closed"),
        mutation("work_order.set_fields", "wo-missing", PHONE, fields={"notes": "x"}),
        mutation("work_order.set_fields", wo, PHONE, fields={"notes": "battery replaced"}),
    ]
    results = (await push(client, *batch)).json()["results"]
    assert [r["status"] for r in results] == ["applied", "conflict", "rejected", "applied"]
    assert results[1]["conflict_id"] == batch[1]["id"]
    assert results[2]["message"] == "no work_order wo-missing"
    assert await sql(app.state.db, "SELECT status, notes FROM work_orders WHERE id=?", wo) == [
        ("reported", "battery replaced")
    ]
    assert await sql(app.state.db, "SELECT kind, status FROM sync_conflicts WHERE id=?", batch[1]["id"]) == [
        ("illegal_transition", "open")
    ]
    stored = await sql(
        app.state.db, "SELECT id FROM sync_applied WHERE id IN (?, ?, ?, ?)", *[m["id"] for m in batch]
    )
    assert len(stored) == 4


async def test_a_record_on_a_site_the_caller_may_not_see_is_rejected_like_a_missing_one(client, world, app):
    await login(client, "technician_a")
    foreign = world.extra["b"]["work_order_id"]
    edit = mutation("work_order.set_fields", foreign, PHONE, fields={"notes": "mine now"})
    create = mutation("work_order.create", "wo-5", PHONE, title="x", site_id=world.b.site_id)
    results = (await push(client, edit, create)).json()["results"]
    assert [(r["status"], r["message"]) for r in results] == [
        ("rejected", f"no work_order {foreign}"),
        ("rejected", f"no site {world.b.site_id}"),
    ]
    assert await sql(app.state.db, "SELECT notes FROM work_orders WHERE id=?", foreign) == [("",)]
    assert await sql(app.state.db, "SELECT count(*) FROM work_orders WHERE id='wo-5'") == [(0,)]


async def test_a_client_id_belongs_to_the_user_who_first_pushed_with_it(client, world):
    await login(client, "technician_a")
    taken = world.extra["b"]["sync_client_id"]
    response = await push(client, mutation("work_order.set_fields", "wo-a-1", taken, fields={"notes": "x"}))
    assert response.status_code == 403
    pulled = (await client.get("/api/sync/pull", params={"client_id": taken})).json()
    assert pulled["last_applied_mutation_id"] is None


async def test_a_clock_far_ahead_is_clamped_recorded_and_reported(client, world, app):
    await login(client, "technician_a")
    ahead = mutation(
        "work_order.create", "wo-6", PHONE, at=9_000_000_000_000, title="t", site_id=world.a.site_id
    )
    await push(client, ahead)
    [(sent, clamped)] = await sql(
        app.state.db, "SELECT sent_hlc, clamped_hlc FROM sync_clamps WHERE mutation_id=?", ahead["id"]
    )
    assert sent == ahead["hlc"] and clamped < sent
    await login(client, "admin")
    report = (await client.get("/api/sync/clock-clamps")).json()
    assert [c["mutation_id"] for c in report] == [ahead["id"]]


async def test_pull_pages_follow_has_more_and_return_only_the_callers_sites(client, world):
    await login(client, "technician_a")
    batch = [
        mutation("work_order.create", f"wo-p{i}", PHONE, title=f"t{i}", site_id=world.a.site_id)
        for i in range(5)
    ]
    await push(client, *batch)
    first = (await client.get("/api/sync/pull", params={"limit": 2})).json()
    assert first["has_more"] and len(first["changes"]) == 2
    everything = await pull_all(client)
    ids = {c["id"] for c in everything["changes"]}
    assert {f"wo-p{i}" for i in range(5)} <= ids
    assert world.extra["b"]["work_order_id"] not in ids
    seqs = [c["seq"] for c in everything["changes"]]
    assert seqs == sorted(seqs)
    rest = (await client.get("/api/sync/pull", params={"cursor": everything["cursor"]})).json()
    assert rest["changes"] == [] and not rest["has_more"]


async def test_a_deleted_work_order_is_pulled_as_a_tombstone_and_a_later_edit_is_a_conflict(client, world):
    await login(client, "dispatcher_a")
    wo = world.extra["a"]["work_order_id"]
    assert (await client.delete(f"/api/work-orders/{wo}")).status_code == 204
    await login(client, "technician_a")
    page = await pull_all(client)
    assert of(page, wo)[-1]["op"] == "tombstone"
    [result] = (
        await push(client, mutation("work_order.set_fields", wo, PHONE, fields={"notes": "on my way"}))
    ).json()["results"]
    assert result["status"] == "conflict"
    await login(client, "dispatcher_a")
    kinds = {c["kind"] for c in (await client.get("/api/conflicts")).json()}
    assert "edit_after_delete" in kinds


async def test_unassigning_a_site_evicts_its_records_from_that_users_pull(client, world):
    await login(client, "technician_a")
    cursor = (await pull_all(client))["cursor"]
    await login(client, "admin")
    tech = world.user_ids["technician_a"]
    response = await client.delete(f"/api/sites/{world.a.site_id}/assignments/{tech}")
    assert response.status_code == 204
    await login(client, "technician_a")
    page = await pull_all(client, cursor)
    evicted = {c["id"] for c in page["changes"] if c["op"] == "evict"}
    assert world.extra["a"]["work_order_id"] in evicted
    await login(client, "admin")
    await client.put(f"/api/sites/{world.a.site_id}/assignments/{tech}")
    await login(client, "technician_a")
    back = await pull_all(client, page["cursor"])
    assert {c["id"] for c in back["changes"] if c["op"] == "upsert"} >= {world.extra["a"]["work_order_id"]}


async def test_a_cursor_older_than_tombstone_retention_requires_a_reset(client, world, app):
    await login(client, "technician_a")
    cursor = (await pull_all(client))["cursor"]
    await sql(app.state.db, "UPDATE sync_changes SET at_ms = at_ms - :age", age=181 * 86400000)
    page = (await client.get("/api/sync/pull", params={"cursor": cursor})).json()
    assert page["reset_required"] and page["changes"] == []
    bad = await client.get("/api/sync/pull", params={"cursor": "x1"})
    assert bad.status_code == 422


async def test_a_malformed_push_is_a_structured_422(client, world):
    await login(client, "technician_a")
    response = await client.post("/api/sync/push", content=b'{"client_id": "p", "mutations": [{"name": 1}]}')
    assert response.status_code == 422
    assert response.json()["error"] == "bad_push"
