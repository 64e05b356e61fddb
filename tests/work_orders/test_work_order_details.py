"""A work order as the screen reads it: its status history with the phone's time beside the
server's, and the stored deadlines with each SLA window's state."""

import time
from datetime import UTC, datetime

from tests.builders import login
from tests.sync_api.sync_api_builders import mutation, push
from tests.work_orders.work_order_world import create_ticket, dispatch


async def test_a_work_order_shows_its_history_with_device_and_receipt_times_and_its_deadlines(client, world):
    await login(client, "dispatcher_a")
    wo = await create_ticket(client, world)
    created = (await client.get(f"/api/work-orders/{wo}")).json()
    sla = created["sla"]
    assert sla["reported_at"] and sla["respond_by"] and sla["repaired_by"]
    assert sla["respond_by"] > sla["reported_at"] and sla["breached"] is False
    assert {w["window"] for w in sla["windows"]} >= {"respond"}
    assert created["history"] == []
    assert (await dispatch(client, world, wo)).status_code == 200
    await login(client, "technician_a")
    phone_ms = time.time_ns() // 1_000_000 - 20 * 60_000  # accepted offline 20 minutes ago
    body = mutation(
        "work_order.transition", wo, "phone-d", at=phone_ms, base={"status": "dispatched"}, to="accepted"
    )
    assert (await push(client, body)).json()["results"][0]["status"] == "applied"
    out = (await client.get(f"/api/work-orders/{wo}")).json()
    moves = [(h["from_status"], h["to_status"]) for h in out["history"]]
    assert moves[-2:] == [("reported", "dispatched"), ("dispatched", "accepted")]
    dispatched, accepted = out["history"][-2:]
    assert dispatched["device_at"] is None and dispatched["by_user_id"] == world.user_ids["dispatcher_a"]
    device_at = datetime.fromisoformat(accepted["device_at"])
    assert device_at == datetime.fromtimestamp(phone_ms / 1000, UTC).replace(
        microsecond=(phone_ms % 1000) * 1000
    )
    assert (
        accepted["received_at"] > accepted["device_at"]
        and accepted["by_user_id"] == world.user_ids["technician_a"]
    )
    assert accepted["trusted_at"] and out["sla"]["responded_at"] == accepted["trusted_at"]
    listed = next(o for o in (await client.get("/api/work-orders")).json() if o["id"] == wo)
    assert listed["history"] == out["history"] and listed["sla"]["respond_by"] == sla["respond_by"]
