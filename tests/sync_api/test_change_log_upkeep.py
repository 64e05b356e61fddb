"""The change log holds every record a phone may see, however it was written, and stays short:
ORM writes and records never logged reach the pull as the engine's own state; superseded rows
older than the retention are pruned without any client losing a record."""

import msgspec
from sqlalchemy import select

from backend.db import session_scope
from backend.sync_api import asset_records, engine
from backend.sync_api.maintenance import DAY_MS, maintain
from backend.work_orders import store
from backend.work_orders.models import WorkOrder
from tests.builders import login
from tests.conftest import sql, with_statements
from tests.sync_api.sync_api_builders import mutation, pull_all, push

PHONE = "phone-upkeep"


def latest(page: dict, record_id: str) -> dict:
    [change] = [c for c in page["changes"] if c["id"] == record_id]
    return change


async def engine_data(database, table, record_id: str) -> dict:
    """What the engine itself would log for the record now (record_change of its state)."""
    state = await with_statements(database, lambda s: table.load(s, [record_id])[record_id])
    return msgspec.json.decode(engine.record_change(table.ENTITY, state, 0)["data"])


async def maintained(database, now: int) -> dict:
    return await with_statements(database, lambda s: maintain(s, now, 180), write=True)


async def test_assets_registered_on_the_console_reach_a_first_pull_as_the_engines_state(client, world, app):
    await login(client, "technician_a")
    page = await pull_all(client)
    asset_id = world.extra["a"]["asset_id"]
    change = latest(page, asset_id)
    assert (change["entity"], change["op"]) == ("asset", "upsert")
    assert change["data"] == await engine_data(app.state.db, asset_records, asset_id)
    assert world.extra["b"]["asset_id"] not in {c["id"] for c in page["changes"]}


async def test_an_orm_edit_of_a_merge_column_is_logged_and_of_a_domain_column_is_not(app, client, world):
    await login(client, "technician_a")
    body = mutation("work_order.create", "wo-orm", PHONE, title="Dome stuck", site_id=world.a.site_id)
    assert (await push(client, body)).json()["results"][0]["status"] == "applied"
    cursor = (await pull_all(client))["cursor"]
    async with session_scope(app.state.db, write=True) as db:
        order = await db.scalar(select(WorkOrder).where(WorkOrder.id == "wo-orm"))
        order.escalation_tier = 2  # domain state beside the merge data: phones never see it
    assert (await pull_all(client, cursor))["changes"] == []
    async with session_scope(app.state.db, write=True) as db:
        order = await db.scalar(select(WorkOrder).where(WorkOrder.id == "wo-orm"))
        order.notes = "edited on the console outside the engine"
    change = latest(await pull_all(client, cursor), "wo-orm")
    assert change["data"]["fields"]["notes"] == "edited on the console outside the engine"
    # The same shape the engine logs for a phone's own create (what sync-apply.js stores).
    assert change["data"] == await engine_data(app.state.db, store, "wo-orm")


async def test_records_written_by_a_bulk_statement_are_logged_once_by_maintenance(client, world, app):
    await sql(
        app.state.db,
        "INSERT INTO work_orders (id, site_id, title, notes, status, version, signed, merge_meta, created_at,"
        " updated_at) VALUES ('wo-bulk', ?, 'Imported', '', 'reported', 1, false, '{}', CURRENT_TIMESTAMP,"
        " CURRENT_TIMESTAMP)",
        world.a.site_id,
    )
    now = 1_800_000_000_000
    assert (await maintained(app.state.db, now))["logged"] == 1
    assert (await maintained(app.state.db, now))["logged"] == 0
    await login(client, "technician_a")
    assert latest(await pull_all(client), "wo-bulk")["data"]["fields"]["title"] == "Imported"


async def test_pruning_keeps_every_records_newest_row_and_tombstones_and_resets_old_cursors(
    client, world, app
):
    await login(client, "technician_a")
    site = world.a.site_id
    bodies = [
        mutation("work_order.create", "wo-kept", PHONE, title="v1", site_id=site),
        mutation("work_order.set_fields", "wo-kept", PHONE, fields={"title": "v2"}),
        mutation("work_order.set_fields", "wo-kept", PHONE, fields={"title": "v3"}),
        mutation("work_order.create", "wo-gone", PHONE, title="doomed", site_id=site),
        mutation("work_order.create", "wo-quiet", PHONE, title="untouched since", site_id=site),
    ]
    for body in bodies:  # one push each: one change row each
        assert (await push(client, body)).json()["results"][0]["status"] == "applied"
    assert (await push(client, mutation("work_order.delete", "wo-gone", PHONE))).status_code == 200
    old_cursor = (await pull_all(client))["cursor"]
    await sql(app.state.db, "UPDATE sync_changes SET at_ms = at_ms - :age", age=200 * DAY_MS)
    recent = mutation("work_order.set_fields", "wo-kept", PHONE, fields={"notes": "today"})
    assert (await push(client, recent)).json()["results"][0]["status"] == "applied"
    mine = "record_id IN ('wo-kept', 'wo-gone', 'wo-quiet')"
    [(before,)] = await sql(app.state.db, f"SELECT COUNT(*) FROM sync_changes WHERE {mine}")
    report = await maintained(app.state.db, engine_now())
    kept = await sql(app.state.db, f"SELECT record_id, op FROM sync_changes WHERE {mine} ORDER BY seq")
    assert report["pruned"] >= before - 3
    # The only row of an old record stays: it is that record's newest state.
    assert kept == [("wo-quiet", "upsert"), ("wo-gone", "tombstone"), ("wo-kept", "upsert")]
    fresh = await pull_all(client)
    fields = latest(fresh, "wo-kept")["data"]["fields"]
    assert (fields["title"], fields["notes"]) == ("v3", "today")
    assert latest(fresh, "wo-gone")["op"] == "tombstone"
    assert latest(fresh, "wo-quiet")["data"]["fields"]["title"] == "untouched since"
    page = (await client.get("/api/sync/pull", params={"cursor": old_cursor})).json()
    assert page["reset_required"]


async def test_pruning_leaves_rows_younger_than_the_retention_alone(client, world, app):
    await login(client, "technician_a")
    for title in ("a", "b", "c"):
        body = mutation(
            "work_order.set_fields", world.extra["a"]["work_order_id"], PHONE, fields={"title": title}
        )
        assert (await push(client, body)).status_code == 200
    count = await sql(app.state.db, "SELECT COUNT(*) FROM sync_changes")
    assert (await maintained(app.state.db, engine_now()))["pruned"] == 0
    assert await sql(app.state.db, "SELECT COUNT(*) FROM sync_changes") == count


def engine_now() -> int:
    import time

    return time.time_ns() // 1_000_000
