"""A submit pushed by a phone does what a REST submit does: its round is done, and with the
setting each failed item becomes one fault work order, never two (backend/inspections/after_sync.py)."""

import dataclasses

import pytest

from backend.db import new_id
from backend.inspections.fault_orders import work_order_id
from tests.builders import login
from tests.evidence.test_sign_sync import CAPTURE
from tests.inspections.test_inspection_sync import T0, answer, complete, start, statuses, submit
from tests.sync_api.sync_api_builders import mutation, push


def autocreate(app, on: bool) -> None:
    app.state.settings = dataclasses.replace(app.state.settings, autocreate_work_orders_from_failed_items=on)


def outbox_with_a_failed_reading(world, record: str) -> list[dict]:
    """A whole offline inspection of the round's asset: every item answered, the supply
    voltage out of range (a failed item), then submitted."""
    phone = "phone-after"
    high = answer(record, phone, T0 + 60, "supply_voltage", 15.0, note="adapter drifting")
    return [
        start(record, world, phone, round_id=world.extra["a"]["round_id"]),
        *complete(record, phone, T0 + 10),
        high,
        submit(record, phone, T0 + 90),
    ]


async def fault_orders_of(client, world) -> list[dict]:
    await login(client, "dispatcher_a")
    orders = (await client.get("/api/work-orders")).json()
    return [
        o for o in orders if o["asset_id"] == world.extra["a"]["asset_id"] and o["source"] == "inspection"
    ]


async def round_status(client, world) -> str:
    await login(client, "dispatcher_a")
    return (await client.get(f"/api/inspection-rounds/{world.extra['a']['round_id']}")).json()["status"]


async def test_a_pushed_submit_marks_its_round_done_and_creates_one_order_per_failed_item(client, world, app):
    autocreate(app, True)
    assert await round_status(client, world) != "done"
    await login(client, "technician_a")
    record = new_id()
    outbox = outbox_with_a_failed_reading(world, record)
    assert set(await statuses(client, *outbox)) == {"applied"}
    assert await round_status(client, world) == "done"
    [order] = await fault_orders_of(client, world)
    assert order["id"] == work_order_id(record, "supply_voltage")
    assert "adapter drifting" in order["notes"] and order["status"] == "reported"
    # The same outbox again (its response was lost): every mutation is a duplicate.
    await login(client, "technician_a")
    again = (await push(client, *outbox)).json()["results"]
    assert {r["status"] for r in again} == {"duplicate"}
    assert [o["id"] for o in await fault_orders_of(client, world)] == [order["id"]]


async def test_a_resubmit_after_a_console_edit_creates_no_second_order(client, world, app):
    autocreate(app, True)
    await login(client, "technician_a")
    record = new_id()
    assert set(await statuses(client, *outbox_with_a_failed_reading(world, record))) == {"applied"}
    await login(client, "dispatcher_a")
    edit = await client.patch(f"/api/inspections/{record}", json={"problems": "adapter to replace"})
    assert edit.json()["state"] == "draft"  # a console edit reopens the record
    await login(client, "technician_a")
    assert await statuses(client, submit(record, "phone-after", T0 + 200)) == ["applied"]
    assert (await client.get(f"/api/inspections/{record}")).json()["state"] == "submitted"
    assert [o["id"] for o in await fault_orders_of(client, world)] == [
        work_order_id(record, "supply_voltage")
    ]


@pytest.mark.parametrize("failed", [True, False])
async def test_without_the_setting_a_pushed_submit_creates_no_order_but_still_closes_the_round(
    client, world, app, failed
):
    autocreate(app, False)
    await login(client, "technician_a")
    record = new_id()
    outbox = outbox_with_a_failed_reading(world, record)
    if not failed:
        del outbox[-2]  # the out-of-range reading: the checklist passes
    assert set(await statuses(client, *outbox)) == {"applied"}
    assert (await client.get(f"/api/inspections/{record}")).json()["failed_items"] == int(failed)
    assert await fault_orders_of(client, world) == []
    assert await round_status(client, world) == "done"


async def test_a_rejected_submit_leaves_the_round_open(client, world, app):
    autocreate(app, True)
    await login(client, "technician_a")
    record = new_id()
    start_it = start(record, world, "phone-after", round_id=world.extra["a"]["round_id"])
    results = await statuses(client, start_it, submit(record, "phone-after", T0 + 5))
    assert results[0] == "applied" and results[1].startswith("rejected: 11 item(s)")
    assert await round_status(client, world) != "done"
    assert await fault_orders_of(client, world) == []


async def test_a_submit_followed_by_other_runs_in_the_same_push_still_closes_its_round(client, world, app):
    """The push commits early only when nothing in the WHOLE batch needs its follow-up: here the
    submit is in the first run, a command (its own run) and a plain create come after it."""
    autocreate(app, False)
    await login(client, "technician_a")
    record = new_id()
    outbox = outbox_with_a_failed_reading(world, record)
    later = [
        mutation("work_order.sign", "wo-missing", "phone-after", record_hash="0" * 64, capture=CAPTURE),
        mutation("work_order.create", "wo-after", "phone-after", title="Fault", site_id=world.a.site_id),
    ]
    results = await statuses(client, *outbox, *later)
    assert [r.split(":")[0] for r in results][-3:] == ["applied", "rejected", "applied"], results
    assert await round_status(client, world) == "done"
