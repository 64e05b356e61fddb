"""The push API: key, devices, test button, quiet hours, and who may touch which device."""

import dataclasses

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from backend.db import session_scope
from backend.push.models import OutboxState, PushOutbox
from tests.builders import build_world, login
from tests.conftest import app_of
from tests.push.push_world import browser_keys, subscription_json


@pytest.fixture
async def api(app):
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def loopback_settings(settings):
    return dataclasses.replace(settings, push_allow_loopback_endpoints=True)


@pytest.fixture
async def loopback_api(loopback_settings):
    async with app_of(loopback_settings) as app, AsyncTestClient(app=app) as test_client:
        yield test_client


def https_subscription(name: str = "x") -> dict:
    p256dh, auth = browser_keys()
    return {
        "endpoint": f"https://fcm.googleapis.com/fcm/send/{name}",
        "keys": {"p256dh": p256dh, "auth": auth},
    }


async def test_the_public_key_is_served_without_a_session_and_matches_the_signing_key(api, app):
    response = await api.get("/api/push/key")
    assert response.status_code == 200
    assert response.json() == {"application_server_key": app.state["keys"].vapid.application_server_key}


async def test_a_user_subscribes_a_device_sees_it_and_revokes_it(api, world):
    await login(api, "dispatcher_a")
    body = {**https_subscription("d1"), "deviceLabel": "值班手机"}
    created = await api.post("/api/push/subscriptions", json=body, headers={"user-agent": "Phone/1"})
    assert created.status_code == 201
    device = created.json()
    assert (device["push_service"], device["device_label"], device["user_agent"]) == (
        "fcm.googleapis.com",
        "值班手机",
        "Phone/1",
    )
    assert "endpoint" not in device and "send/d1" not in created.text

    listed = (await api.get("/api/push/subscriptions")).json()
    assert [d["id"] for d in listed] == [device["id"]]

    assert (await api.delete(f"/api/push/subscriptions/{device['id']}")).status_code == 204
    assert (await api.get("/api/push/subscriptions")).json() == []


async def test_posting_the_same_endpoint_again_updates_the_one_device(api, world):
    await login(api, "dispatcher_a")
    body = https_subscription("same")
    first = (await api.post("/api/push/subscriptions", json=body)).json()
    second = (await api.post("/api/push/subscriptions", json={**body, "deviceLabel": "new"})).json()
    assert first["id"] == second["id"] and second["device_label"] == "new"


async def test_pushsubscriptionchange_replaces_the_old_endpoint_and_moves_pending_messages(api, world, app):
    await login(api, "dispatcher_a")
    old = https_subscription("old")
    old_id = (await api.post("/api/push/subscriptions", json=old)).json()["id"]
    assert (await api.post(f"/api/push/subscriptions/{old_id}/test")).status_code == 202

    rotated = {**https_subscription("rotated"), "oldEndpoint": old["endpoint"]}
    new_id = (await api.post("/api/push/subscriptions", json=rotated)).json()["id"]

    assert [d["id"] for d in (await api.get("/api/push/subscriptions")).json()] == [new_id]
    async with session_scope(app.state.db, write=False) as db:
        [row] = await db.scalars(select(PushOutbox))
    assert (row.subscription_id, row.state) == (new_id, OutboxState.pending)


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/x",
        "http://127.0.0.1:9/push/x",
        "https://10.1.2.3/push",
        "https://localhost/x",
    ],
)
async def test_endpoints_that_could_reach_our_network_are_refused_with_422(api, world, endpoint):
    await login(api, "dispatcher_a")
    body = {**https_subscription(), "endpoint": endpoint}
    response = await api.post("/api/push/subscriptions", json=body)
    assert response.status_code == 422 and response.json()["error"] == "invalid"
    assert (await api.get("/api/push/subscriptions")).json() == []


async def test_loopback_http_endpoints_are_accepted_when_the_setting_allows_them(loopback_api, fake_push):
    await build_world(loopback_api.app.state.db)
    await login(loopback_api, "dispatcher_a")
    body = subscription_json(fake_push.mint_subscription())
    assert (await loopback_api.post("/api/push/subscriptions", json=body)).status_code == 201


async def test_malformed_keys_and_unknown_fields_are_refused_not_crashed_on(api, world):
    await login(api, "technician_a")
    bad_keys = {**https_subscription(), "keys": {"p256dh": "BN" + "A" * 85, "auth": "short"}}
    assert (await api.post("/api/push/subscriptions", json=bad_keys)).status_code == 422
    unknown = {**https_subscription(), "sneaky": 1}
    assert (await api.post("/api/push/subscriptions", json=unknown)).status_code == 400


async def test_someone_elses_device_is_not_found_for_delete_and_test(api, world):
    await login(api, "dispatcher_a")  # same site as technician_a, still not their phone
    other = world.extra["a"]["subscription_id"]
    assert (await api.delete(f"/api/push/subscriptions/{other}")).status_code == 404
    assert (await api.post(f"/api/push/subscriptions/{other}/test")).status_code == 404


async def test_a_shared_phone_passes_to_the_next_user_only_with_its_own_keys(api, world, app):
    await login(api, "technician_a")
    body = https_subscription("shared")
    await api.post("/api/push/subscriptions", json=body)
    await login(api, "dispatcher_a")
    stranger = {**https_subscription(), "endpoint": body["endpoint"]}
    assert (await api.post("/api/push/subscriptions", json=stranger)).status_code == 403
    assert (await api.post("/api/push/subscriptions", json=body)).status_code == 201
    assert len((await api.get("/api/push/subscriptions")).json()) == 1


async def test_quiet_hours_are_stored_per_user_in_the_contract_time_zone(api, world):
    await login(api, "technician_a")
    assert (await api.get("/api/push/preferences")).json() == {
        "quiet_start": None,
        "quiet_end": None,
        "time_zone": "Asia/Shanghai",
    }
    saved = await api.put("/api/push/preferences", json={"quiet_start": "22:00", "quiet_end": "07:00"})
    assert saved.status_code == 200 and saved.json()["quiet_start"] == "22:00"
    await login(api, "dispatcher_a")
    assert (await api.get("/api/push/preferences")).json()["quiet_start"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"quiet_start": "22:00"},
        {"quiet_start": "24:00", "quiet_end": "07:00"},
        {"quiet_start": "07:00", "quiet_end": "07:00"},
        {"quiet_start": "7:00", "quiet_end": "8:00"},
    ],
)
async def test_incomplete_or_impossible_quiet_hours_are_refused(api, world, body):
    await login(api, "technician_a")
    response = await api.put("/api/push/preferences", json=body)
    assert response.status_code in (400, 422) and response.json()["error"] in ("invalid", "invalid_request")
