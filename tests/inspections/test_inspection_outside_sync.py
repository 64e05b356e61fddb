"""Inspection records written outside the sync engine reach the pull as the engine's own state
(backend/sync_api/outside.py WATCHED / RECORD_TABLES)."""

from backend.db import new_id
from backend.inspections import sync_records
from tests.builders import login
from tests.conftest import sql
from tests.inspections.test_inspection_sync import start, statuses
from tests.sync_api.sync_api_builders import pull_all
from tests.sync_api.test_change_log_upkeep import engine_data, engine_now, latest, maintained


async def test_a_console_edit_of_finished_at_reaches_the_pull_as_the_engine_state(client, world, app):
    await login(client, "technician_a")
    record = new_id()
    assert await statuses(client, start(record, world, "phone-outside")) == ["applied"]
    cursor = (await pull_all(client))["cursor"]
    # Only the device time: no mutation, an ORM write beside the engine (service.update_inspection).
    patched = await client.patch(
        f"/api/inspections/{record}", json={"finished_at": "2027-01-15T09:45:00+08:00"}
    )
    assert patched.status_code == 200, patched.text
    change = latest(await pull_all(client, cursor), record)
    assert (change["entity"], change["op"]) == ("inspection", "upsert")
    assert change["data"]["finished_at"].startswith("2027-01-15T01:45:00")
    assert change["data"] == await engine_data(app.state.db, sync_records, record)


async def test_records_created_by_the_orm_reach_a_first_pull_and_only_their_sites(client, world, app):
    await login(client, "technician_a")
    page = await pull_all(client)
    record = world.extra["a"]["inspection_id"]  # tests/inspections/inspection_world.py, an ORM insert
    assert latest(page, record)["data"] == await engine_data(app.state.db, sync_records, record)
    assert world.extra["b"]["inspection_id"] not in {c["id"] for c in page["changes"]}


async def test_an_inspection_written_by_a_bulk_statement_is_logged_once_by_maintenance(client, world, app):
    await sql(
        app.state.db,
        "INSERT INTO inspection_records (id, site_id, asset_id, template_id, template_key, template_version,"
        " state, inspector_id, answers, results, failed_items, problems, cause, solution, parts_to_replace,"
        " created_at, updated_at, version, merge_meta) VALUES ('insp-bulk', ?, ?, 'fixed_camera.v1',"
        " 'fixed_camera', 1, 'draft', ?, '{}', '{}', 0, 'imported', '', '', '',"
        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0, '{}')",
        world.a.site_id,
        world.extra["a"]["asset_id"],
        world.user_ids["technician_a"],
    )
    assert (await maintained(app.state.db, engine_now()))["logged"] == 1
    assert (await maintained(app.state.db, engine_now()))["logged"] == 0
    await login(client, "technician_a")
    assert latest(await pull_all(client), "insp-bulk")["data"]["fields"]["problems"] == "imported"
