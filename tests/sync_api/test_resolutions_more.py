"""Conflict resolutions beyond plain fields: an inspection's status (never its signature), and a
work-order cancel that carries the reason the phone gave (backend/sync_api/conflicts.py)."""

import dataclasses

from backend.db import new_id
from backend.inspections.fault_orders import work_order_id
from tests.builders import login
from tests.inspections.test_inspection_sync import T0, answer, complete, start, statuses, submit
from tests.sync_api.sync_api_builders import mutation, push

PHONE = "phone-resolve"


async def stale_submit_cards(client, world, record: str, count: int, *, failed: bool = False) -> list[str]:
    """A complete draft in the round, then `count` submits from a phone that saw it submitted
    already (it was reopened on the console meanwhile): each a stale_base card."""
    await login(client, "technician_a")
    bodies = [
        start(record, world, PHONE, round_id=world.extra["a"]["round_id"]),
        *complete(record, PHONE, T0),
    ]
    if failed:
        bodies.append(answer(record, PHONE, T0 + 60, "supply_voltage", 15.0, note="adapter drifting"))
    assert set(await statuses(client, *bodies)) == {"applied"}
    stale = [submit(record, PHONE, T0 + 100 + i, seen="submitted") for i in range(count)]
    return await cards_of(client, *stale)


async def cards_of(client, *bodies: dict) -> list[str]:
    """Push the bodies; each must come back as a conflict card (its id = the mutation's)."""
    results = await statuses(client, *bodies)
    assert results == ["conflict: status is 'draft', not 'submitted' as you saw it"] * len(bodies)
    return [body["id"] for body in bodies]


async def resolve(client, card: str, choice: str, values: dict | None = None):
    body = {"choice": choice} if values is None else {"choice": choice, "values": values}
    return await client.post(f"/api/conflicts/{card}/resolve", json=body)


async def inspection(client, record: str) -> dict:
    return (await client.get(f"/api/inspections/{record}")).json()


async def test_taking_a_stale_submit_submits_with_the_phones_finish_time_and_does_what_a_submit_does(
    client, world, app
):
    app.state.settings = dataclasses.replace(
        app.state.settings, autocreate_work_orders_from_failed_items=True
    )
    record = new_id()
    [card] = await stale_submit_cards(client, world, record, 1, failed=True)
    await login(client, "dispatcher_a")
    [listed] = [c for c in (await client.get("/api/conflicts")).json() if c["id"] == card]
    assert listed["conflict"]["proposed"]["status"] == "submitted"
    assert listed["conflict"]["proposed"]["finished_at"] == "2027-01-15T09:00:00+08:00"
    response = await resolve(client, card, "proposed")
    assert response.status_code == 200, response.text
    out = await inspection(client, record)
    assert out["state"] == "submitted" and out["finished_at_device"].startswith("2027-01-15T01:00:00")
    round_ = (await client.get(f"/api/inspection-rounds/{world.extra['a']['round_id']}")).json()
    assert round_["status"] == "done"
    orders = {o["id"] for o in (await client.get("/api/work-orders")).json()}
    assert work_order_id(record, "supply_voltage") in orders


async def test_entered_statuses_move_an_inspection_where_its_table_allows_but_never_sign_it(client, world):
    record = new_id()
    first, second, third = await stale_submit_cards(client, world, record, 3)
    await login(client, "dispatcher_a")
    assert (await resolve(client, first, "value", {"status": "submitted"})).status_code == 200
    assert (await inspection(client, record))["state"] == "submitted"
    assert (await resolve(client, second, "value", {"status": "draft"})).status_code == 200
    assert (await inspection(client, record))["state"] == "draft"
    for target in ("signed", "refused"):
        refused = await resolve(client, third, "value", {"status": target})
        assert (refused.status_code, refused.json()["error"]) == (422, "not_by_resolution")
        assert "signature" in refused.json()["message"] or "refusal" in refused.json()["message"]
    assert (await inspection(client, record))["state"] == "draft"
    assert third in {c["id"] for c in (await client.get("/api/conflicts")).json()}  # still open


async def test_a_submit_by_resolution_still_needs_a_complete_checklist(client, world):
    await login(client, "technician_a")
    record = new_id()
    assert await statuses(client, start(record, world, PHONE)) == ["applied"]
    [card] = await cards_of(client, submit(record, PHONE, T0 + 5, seen="submitted"))
    await login(client, "dispatcher_a")
    response = await resolve(client, card, "proposed")
    assert response.status_code == 422 and "still need an answer" in response.json()["message"]
    assert (await inspection(client, record))["state"] == "draft"


async def stale_cancel(client, world, reason: str) -> tuple[str, str]:
    """The phone cancels a ticket it saw dispatched; it is still `reported` here: a card."""
    await login(client, "technician_a")
    wo = world.extra["a"]["work_order_id"]
    body = mutation(
        "work_order.transition", wo, PHONE, base={"status": "dispatched"}, to="cancelled", reason=reason
    )
    assert (await push(client, body)).json()["results"][0]["status"] == "conflict"
    return wo, body["id"]


async def test_taking_a_proposed_cancel_sends_the_reason_the_phone_gave(client, world):
    wo, card = await stale_cancel(client, world, "duplicate of the hotline ticket")
    await login(client, "dispatcher_a")
    [listed] = [c for c in (await client.get("/api/conflicts")).json() if c["id"] == card]
    assert listed["conflict"]["proposed"] == {
        "status": "cancelled",
        "reason": "duplicate of the hotline ticket",
    }
    response = await resolve(client, card, "proposed")
    assert response.status_code == 200, response.text
    order = (await client.get(f"/api/work-orders/{wo}")).json()
    assert order["status"] == "cancelled"
    assert [(h["to_status"], h["reason"]) for h in order["history"]][-1] == (
        "cancelled",
        "duplicate of the hotline ticket",
    )


async def test_an_entered_cancel_needs_a_reason_beside_the_status(client, world):
    wo, card = await stale_cancel(client, world, "")
    await login(client, "dispatcher_a")
    missing = await resolve(client, card, "proposed")
    assert (missing.status_code, missing.json()["error"]) == (422, "requirements_missing")
    loose = await resolve(client, card, "value", {"reason": "no status"})
    assert loose.status_code == 422
    entered = await resolve(client, card, "value", {"status": "cancelled", "reason": "client withdrew it"})
    assert entered.status_code == 200, entered.text
    order = (await client.get(f"/api/work-orders/{wo}")).json()
    assert order["status"] == "cancelled" and order["history"][-1]["reason"] == "client withdrew it"
