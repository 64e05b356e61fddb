"""The work-order requirements are decided in the engine's one pass over a push, from the
batch's own state: what an earlier mutation of the same push did counts for the next one,
exactly as if each had arrived on its own (as REST sees them)."""

from tests.builders import login
from tests.sync_api.sync_api_builders import mutation, push
from tests.work_orders.test_work_order_flow import transitions
from tests.work_orders.work_order_world import create_ticket


async def test_sending_back_to_dispatch_the_technician_the_same_push_dispatched_is_refused(
    client, app, world
):
    await login(client, "dispatcher_a")
    wo = await create_ticket(client, world)
    tech = world.user_ids["technician_a"]
    steps = [
        mutation("work_order.assign", wo, "console-x", base={"values": {"assignee": None}}, assignee=tech),
        mutation("work_order.transition", wo, "console-x", base={"status": "reported"}, to="dispatched"),
        mutation("work_order.transition", wo, "console-x", base={"status": "dispatched"}, to="accepted"),
        # Reassignment needs a different technician than the one the log last dispatched,
        # which is the dispatch two mutations earlier in this very push.
        mutation("work_order.transition", wo, "console-x", base={"status": "accepted"}, to="dispatched"),
    ]
    results = (await push(client, *steps)).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "applied", "conflict"]
    assert "different_assignee" in results[3]["message"]
    log = [(t.from_status, t.to_status, t.assignee_id) for t in await transitions(app, wo)]
    assert log == [
        ("reported", "reported", tech),
        ("reported", "dispatched", tech),
        ("dispatched", "accepted", tech),
    ]
