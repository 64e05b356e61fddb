"""Malformed requests get a structured 4xx and change nothing."""

import pytest

from tests.builders import login
from tests.conftest import table_snapshot

BAD_BODIES = {
    "malformed json": b'{"name": ',
    "not an object": b"[1, 2, 3]",
    "wrong type": b'{"name": 42}',
    "unknown field": b'{"name": "Ok", "colour": "red"}',
    "empty": b"",
    "binary junk": bytes(range(256)),
}


@pytest.mark.parametrize("case", BAD_BODIES)
async def test_bad_bodies_get_a_structured_4xx_and_change_nothing(client, world, app, case):
    await login(client, "admin")
    before = await table_snapshot(app.state.db)
    response = await client.post(
        "/api/clients", content=BAD_BODIES[case], headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    body = response.json()
    assert set(body) == {"error", "message", "detail"}
    assert body["message"]
    assert await table_snapshot(app.state.db) == before


async def test_an_unknown_field_is_named_in_the_message(client, world):
    await login(client, "admin")
    response = await client.post("/api/clients", json={"name": "Ok", "colour": "red"})
    assert response.status_code == 400
    assert "colour" in response.json()["message"]


async def test_constraint_violations_say_which_field(client, world):
    await login(client, "admin")
    body = {
        "contract_id": world.a.contract_id,
        "name": "x",
        "short_name": "x",
        "kind": "castle",
        "area": "urban",
    }
    response = await client.post("/api/sites", json=body)
    assert response.status_code == 400
    assert "kind" in response.json()["message"]


async def test_an_oversized_body_is_refused_with_413(client, world, app):
    await login(client, "admin")
    before = await table_snapshot(app.state.db)
    big = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    response = await client.post("/api/clients", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert await table_snapshot(app.state.db) == before


async def test_domain_rules_answer_422_with_a_code(client, world):
    await login(client, "admin")
    body = {
        "client_id": world.a.client_id,
        "code": "BAD",
        "name": "Backwards",
        "starts_on": "2027-01-01",
        "ends_on": "2026-01-01",
    }
    response = await client.post("/api/contracts", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "bad_period"


async def test_a_duplicate_is_a_409_not_a_500(client, world):
    await login(client, "admin")
    body = {
        "username": "technician_a",
        "display_name": "Twin",
        "role": "technician",
        "password": "long enough",
    }
    response = await client.post("/api/users", json=body)
    assert response.status_code == 409
    assert response.json()["error"] == "username_taken"


async def test_bad_query_parameters_are_a_400(client, world):
    await login(client, "admin")
    response = await client.get("/api/audit", params={"limit": "lots"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_a_role_may_not_do_what_it_is_not_allowed_to_403(client, world):
    await login(client, "technician_a")
    response = await client.patch(f"/api/sites/{world.a.site_id}", json={"name": "Mine now"})
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
