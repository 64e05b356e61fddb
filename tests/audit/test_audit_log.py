import pytest
from sqlalchemy import exc

from tests.builders import login
from tests.conftest import sql


async def audit_rows(client, **params):
    response = await client.get("/api/audit", params=params)
    assert response.status_code == 200
    return response.json()


async def test_a_create_is_audited_with_who_what_and_from_which_device(client, world):
    await login(client, "admin")
    client.headers["x-weibao-device"] = "phone-123"
    created = (await client.post("/api/clients", json={"name": "Audited Ltd"})).json()
    [row] = await audit_rows(client, entity="clients", entity_id=created["id"])
    assert row["action"] == "create"
    assert row["actor_id"] == world.user_ids["admin"]
    assert row["device"] == "phone-123"
    assert row["changes"]["name"] == [None, "Audited Ltd"]
    assert row["changes"]["created_at"][1] is not None  # defaults are recorded as stored


async def test_an_update_records_only_the_changed_fields_before_and_after(client, world):
    await login(client, "admin")
    response = await client.patch(f"/api/sites/{world.a.site_id}", json={"name": "New name", "area": "urban"})
    assert response.status_code == 200
    rows = await audit_rows(client, entity="sites", entity_id=world.a.site_id)
    update = next(r for r in rows if r["action"] == "update")
    assert update["changes"] == {"name": ["Site a", "New name"]}  # area did not change


async def test_password_hashes_never_reach_the_audit_log(client, world):
    await login(client, "admin")
    body = {"username": "newtech", "display_name": "New", "role": "technician", "password": "secret pass 1"}
    user = (await client.post("/api/users", json=body)).json()
    [row] = await audit_rows(client, entity="users", entity_id=user["id"])
    assert row["changes"]["password_hash"] == [None, "***"]
    assert "argon2" not in str(await audit_rows(client))


async def test_logins_and_logouts_are_audited(client, world):
    await login(client, "technician_a")
    await client.post("/api/auth/logout")
    await login(client, "admin")
    actions = [r["action"] for r in await audit_rows(client, entity_id=world.user_ids["technician_a"])]
    assert actions[:2] == ["logout", "login"]


async def test_only_admins_read_the_audit_log(client, world):
    await login(client, "dispatcher_a")
    response = await client.get("/api/audit")
    assert response.status_code == 403


async def test_a_failed_write_leaves_no_audit_row(client, world):
    await login(client, "admin")
    before = len(await audit_rows(client, limit=500))
    bad = {
        "client_id": world.a.client_id,
        "code": "C-a",
        "name": "Dup",
        "starts_on": "2026-01-01",
        "ends_on": "2026-02-01",
    }
    assert (await client.post("/api/contracts", json=bad)).status_code == 409
    assert len(await audit_rows(client, limit=500)) == before


@pytest.mark.parametrize("statement", ["UPDATE audit_entries SET action = 'x'", "DELETE FROM audit_entries"])
async def test_the_database_refuses_to_change_or_delete_audit_rows(app, world, statement):
    [(count,)] = await sql(app.state.db, "SELECT count(*) FROM audit_entries")
    assert count > 0
    with pytest.raises(exc.DBAPIError, match="append-only"):
        await sql(app.state.db, statement)
    assert await sql(app.state.db, "SELECT count(*) FROM audit_entries") == [(count,)]
