"""Fault work orders end to end: one state machine for REST and sync, evidence requirements,
device times an offline phone recorded, and dispatch notifications."""

import time
from datetime import timedelta

from sqlalchemy import select

from backend.db import session_scope
from backend.push.models import PushOutbox
from backend.work_orders.escalation import sla_flags
from backend.work_orders.models import WorkOrderTransition
from backend.work_orders.sla_clock import snapshot
from tests.builders import login
from tests.sync_api.sync_api_builders import mutation, push
from tests.work_orders.work_order_world import DIAGNOSIS, add_photos, create_ticket, dispatch, move, stored


async def on_site_ticket(client, world) -> str:
    await login(client, "dispatcher_a")
    wo = await create_ticket(client, world)
    assert (await dispatch(client, world, wo)).status_code == 200
    await login(client, "technician_a")
    for to in ("accepted", "en_route", "on_site"):
        assert (await move(client, wo, to)).status_code == 200
    assert (await client.post(f"/api/work-orders/{wo}/diagnosis", json=DIAGNOSIS)).status_code == 200
    return wo


async def transitions(app, wo: str) -> list[WorkOrderTransition]:
    async with session_scope(app.state.db, write=False) as db:
        stmt = select(WorkOrderTransition).where(WorkOrderTransition.work_order_id == wo)
        return list(await db.scalars(stmt.order_by(WorkOrderTransition.received_at, WorkOrderTransition.id)))


async def test_the_same_transition_via_rest_and_via_a_sync_mutation_gives_the_same_result(client, app, world):
    await login(client, "dispatcher_a")
    by_rest, by_sync = await create_ticket(client, world), await create_ticket(client, world)
    for wo in (by_rest, by_sync):
        assert (await dispatch(client, world, wo)).status_code == 200
    await login(client, "technician_a")
    assert (await move(client, by_rest, "accepted")).json()["status"] == "accepted"
    body = mutation("work_order.transition", by_sync, "phone-t", base={"status": "dispatched"}, to="accepted")
    assert (await push(client, body)).json()["results"][0]["status"] == "applied"
    rest_row, sync_row = await stored(app, by_rest), await stored(app, by_sync)
    assert (rest_row.status, sync_row.status) == ("accepted", "accepted")
    assert rest_row.responded_at is not None and sync_row.responded_at is not None
    logs = [
        [(t.from_status, t.to_status, t.assignee_id) for t in await transitions(app, wo)]
        for wo in (by_rest, by_sync)
    ]
    tech = world.user_ids["technician_a"]
    # The assignment is logged too (reassignment keeps history), then the status moves.
    expected = [
        ("reported", "reported", tech),
        ("reported", "dispatched", tech),
        ("dispatched", "accepted", tech),
    ]
    assert logs[0] == logs[1] == expected
    # And the same illegal move is refused by both: a 409 for REST, a conflict card for sync.
    assert (await move(client, by_rest, "closed")).status_code == 409
    body = mutation("work_order.transition", by_sync, "phone-t", base={"status": "accepted"}, to="closed")
    assert (await push(client, body)).json()["results"][0]["status"] == "conflict"


async def test_repaired_without_the_three_photo_phases_is_refused_by_rest_and_by_sync(client, app, world):
    wo = await on_site_ticket(client, world)
    await add_photos(app, world, wo, phases=("before",))
    response = await move(client, wo, "repaired")
    assert response.status_code == 422
    assert response.json()["error"] == "requirements_missing"
    assert response.json()["detail"]["missing"] == ["photo.during", "photo.after"]
    body = mutation("work_order.transition", wo, "phone-t", base={"status": "on_site"}, to="repaired")
    [result] = (await push(client, body)).json()["results"]
    assert result["status"] == "conflict" and "photo.during" in result["message"]
    assert (await stored(app, wo)).status == "on_site"
    await login(client, "dispatcher_a")
    cards = (await client.get("/api/conflicts")).json()
    assert [c["conflict"]["proposed"] for c in cards if c["conflict"]["record_id"] == wo] == [
        {"status": "repaired"}
    ]
    await add_photos(app, world, wo, phases=("during", "after"))
    await login(client, "technician_a")
    assert (await move(client, wo, "repaired")).json()["status"] == "repaired"


async def test_an_offline_accept_then_repair_from_a_phone_two_hours_behind_uses_trusted_times(
    client, app, world
):
    await login(client, "dispatcher_a")
    wo = await create_ticket(client, world, severity=2)
    assert (await dispatch(client, world, wo)).status_code == 200
    await add_photos(app, world, wo)
    await login(client, "technician_a")
    wrong = time.time_ns() // 1_000_000 - 2 * 3600 * 1000  # the phone's clock: two hours behind
    steps = [
        mutation(
            "work_order.transition", wo, "phone-off", at=wrong, base={"status": "dispatched"}, to="accepted"
        ),
        mutation(
            "work_order.transition", wo, "phone-off", at=wrong + 1, base={"status": "accepted"}, to="on_site"
        ),
        mutation("work_order.diagnose", wo, "phone-off", at=wrong + 2, diagnosis=DIAGNOSIS),
        mutation(
            "work_order.transition", wo, "phone-off", at=wrong + 3, base={"status": "on_site"}, to="repaired"
        ),
    ]
    results = (await push(client, *steps)).json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 4
    log = [t for t in await transitions(app, wo) if t.from_status != t.to_status]
    dispatched = log[0]
    offline = log[1:]
    assert [t.to_status for t in offline] == ["accepted", "on_site", "repaired"]
    for t in offline:
        # The phone's own time is kept, but compliance uses the earliest time the server can
        # vouch for: not before the dispatch it knew about.
        assert t.device_at < dispatched.trusted_at and t.clamped
        assert t.trusted_at == dispatched.trusted_at
    order = await stored(app, wo)
    assert order.responded_at == order.arrived_at == order.resolved_at == dispatched.trusted_at
    flags = sla_flags(snapshot(order), order.resolved_at + timedelta(days=1))
    assert flags.compliant and not flags.breached


async def test_a_phone_two_hours_ahead_cannot_claim_an_accept_later_than_its_receipt(client, app, world):
    await login(client, "dispatcher_a")
    wo = await create_ticket(client, world)
    assert (await dispatch(client, world, wo)).status_code == 200
    await login(client, "technician_a")
    ahead = time.time_ns() // 1_000_000 + 2 * 3600 * 1000
    body = mutation(
        "work_order.transition", wo, "phone-ahead", at=ahead, base={"status": "dispatched"}, to="accepted"
    )
    assert (await push(client, body)).json()["results"][0]["status"] == "applied"
    accepted = (await transitions(app, wo))[-1]
    assert accepted.device_at > accepted.received_at
    assert (accepted.trusted_at, accepted.clamped) == (accepted.received_at, True)


async def test_dispatch_queues_a_push_for_the_technician_and_reassignment_for_both(client, app, world):
    await login(client, "dispatcher_a")
    wo = await create_ticket(client, world)
    assert (await dispatch(client, world, wo)).json()["assignee_id"] == world.user_ids["technician_a"]
    async with session_scope(app.state.db, write=False) as db:
        rows = (await db.execute(select(PushOutbox.user_id, PushOutbox.kind, PushOutbox.ticket_id))).all()
    assert [tuple(r) for r in rows] == [(world.user_ids["technician_a"], "dispatched", wo)]
    # Dispatching the same technician again changes nothing and notifies nobody again;
    # someone not assigned to the site is refused.
    assert (await dispatch(client, world, wo)).status_code == 200
    assert (await dispatch(client, world, wo, "technician_b")).status_code == 422
    async with session_scope(app.state.db, write=False) as db:
        assert len((await db.execute(select(PushOutbox.id))).all()) == 1


async def test_verification_needs_thirty_stable_minutes_and_severity_change_moves_deadlines(
    client, app, world
):
    wo = await on_site_ticket(client, world)
    await add_photos(app, world, wo)
    assert (await move(client, wo, "repaired")).status_code == 200
    short = {
        "self_check_in_range": True,
        "functional_test_passed": True,
        "stable_from": "2026-11-21T10:00:00Z",
        "stable_until": "2026-11-21T10:20:00Z",
    }
    assert (await client.post(f"/api/work-orders/{wo}/verification", json=short)).status_code == 200
    refused = await move(client, wo, "verified")
    assert refused.json()["detail"]["missing"] == ["verification.stable_30_minutes"]
    await client.post(
        f"/api/work-orders/{wo}/verification", json={**short, "stable_until": "2026-11-21T10:30:00Z"}
    )
    assert (await move(client, wo, "verified")).json()["status"] == "verified"
    await login(client, "dispatcher_a")
    before = await stored(app, wo)
    assert (await client.post(f"/api/work-orders/{wo}/severity", json={"severity": 1})).json()[
        "severity"
    ] == 1
    after = await stored(app, wo)
    assert after.repaired_by - after.reported_at == timedelta(hours=2)
    assert after.repaired_by < before.repaired_by
