"""Editing an inspection plan: its fields change, and its open rounds follow (issue 7 console)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from backend.db import session_scope, utcnow
from backend.inspections.plan_service import generate_rounds, round_after_edit
from backend.inspections.schedule import CONTRACT_TZ
from tests.builders import login

NOW = datetime(2026, 11, 20, 8, tzinfo=UTC)
FUTURE, PAST = NOW + timedelta(days=3), NOW - timedelta(days=3)


@pytest.mark.parametrize(
    ("due_end", "done_at", "started", "rescheduled", "fate"),
    [
        (PAST, None, False, True, "keep"),  # overdue: history, even when nobody started it
        (FUTURE, PAST, True, True, "keep"),  # finished
        (FUTURE, None, False, False, "update"),  # open, same schedule: new assignee/scope
        (FUTURE, None, True, True, "update"),  # open and started: work in hand stays
        (FUTURE, None, False, True, "drop"),  # untouched: the new schedule's round replaces it
    ],
)
def test_what_a_plan_edit_does_to_each_round(due_end, done_at, started, rescheduled, fate):
    assert round_after_edit(due_end, done_at, started, NOW, rescheduled) == fate


def local_today() -> date:
    return utcnow().astimezone(CONTRACT_TZ).date()


async def plan_with_rounds(client, app, world, **fields) -> dict:
    """A monthly plan on site a that began 70 days ago, its rounds generated up to next week."""
    await login(client, "dispatcher_a")
    body = {
        "site_id": world.a.site_id,
        "name": "月度摄像机巡检",
        "frequency": "monthly",
        "starts_on": (local_today() - timedelta(days=70)).isoformat(),
        "device_type": "fixed_camera",
    }
    created = await client.post("/api/inspection-plans", json=body | fields)
    assert created.status_code == 201, created.text
    async with session_scope(app.state.db, write=True) as session:
        await generate_rounds(session, local_today() + timedelta(days=7))
    return created.json()


async def rounds_of(client, plan_id: str) -> list[dict]:
    rounds = (await client.get("/api/inspection-rounds")).json()
    return [r for r in rounds if r["plan_id"] == plan_id]


def is_open(round_: dict) -> bool:
    return datetime.fromisoformat(round_["due_end"]) > utcnow()


async def test_editing_name_scope_timing_and_assignee_is_stored_and_open_rounds_take_the_assignee(
    client, app, world
):
    plan = await plan_with_rounds(client, app, world, assignee_id=world.user_ids["technician_a"])
    before = await rounds_of(client, plan["id"])
    await login(client, "admin")
    second = world.user_ids["technician_b"]
    assert (await client.put(f"/api/sites/{world.a.site_id}/assignments/{second}")).status_code == 200
    await login(client, "dispatcher_a")
    patch = {"name": "球机月检", "device_type": "dome_camera", "lead_days": 5, "assignee_id": second}
    response = await client.patch(f"/api/inspection-plans/{plan['id']}", json=patch)
    assert response.status_code == 200, response.text
    stored = (await client.get(f"/api/inspection-plans/{plan['id']}")).json()
    assert {k: stored[k] for k in patch} == patch
    after = {r["id"]: r for r in await rounds_of(client, plan["id"])}
    assert set(after) == {r["id"] for r in before}  # same schedule: no round replaced
    for old in before:
        expected = second if is_open(old) else world.user_ids["technician_a"]
        assert after[old["id"]]["assignee_id"] == expected
    assert any(is_open(r) for r in before) and any(not is_open(r) for r in before)


async def test_a_new_frequency_replaces_untouched_open_rounds_without_back_filling_the_past(
    client, app, world
):
    plan = await plan_with_rounds(client, app, world)
    before = await rounds_of(client, plan["id"])
    response = await client.patch(f"/api/inspection-plans/{plan['id']}", json={"frequency": "weekly"})
    assert response.status_code == 200 and response.json()["frequency"] == "weekly"
    after = await rounds_of(client, plan["id"])
    kept = {r["id"] for r in after}
    assert all(r["id"] in kept for r in before if not is_open(r))  # past rounds are history
    assert not any(r["id"] in kept for r in before if is_open(r))  # nobody had started them
    weekly = [r for r in after if "-W" in r["period"]]
    assert weekly and all(is_open(r) for r in weekly)


async def test_a_started_round_survives_a_schedule_change(client, world):
    # The world's plan has a November round with a draft inspection in it.
    await login(client, "dispatcher_a")
    plan_id, round_id = world.extra["a"]["plan_id"], world.extra["a"]["round_id"]
    response = await client.patch(f"/api/inspection-plans/{plan_id}", json={"frequency": "weekly"})
    assert response.status_code == 200, response.text
    assert round_id in {r["id"] for r in await rounds_of(client, plan_id)}


async def test_bad_plan_edits_are_refused_with_reasons_and_change_nothing(client, world):
    await login(client, "dispatcher_a")
    plan_id = world.extra["a"]["plan_id"]
    path = f"/api/inspection-plans/{plan_id}"
    event = await client.patch(path, json={"frequency": "event"})
    assert (event.status_code, event.json()["error"]) == (422, "bad_plan")
    moved = await client.patch(path, json={"site_id": world.b.site_id})
    assert moved.status_code == 400
    stranger = await client.patch(path, json={"assignee_id": world.user_ids["technician_b"]})
    assert (stranger.status_code, stranger.json()["error"]) == (422, "assignee_not_on_site")
    assert (await client.get(path)).json()["frequency"] == "monthly"
    assert (await client.delete(path)).status_code == 204
    archived = await client.patch(path, json={"name": "x"})
    assert (archived.status_code, archived.json()["error"]) == (409, "plan_archived")
