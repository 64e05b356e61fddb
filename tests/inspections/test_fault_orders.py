"""A failed checklist item offers a fault work order; with the setting, a submit creates it."""

import dataclasses

import pytest

from backend.inspections.fault_orders import work_order_id
from backend.settings import Settings
from tests.builders import login
from tests.inspections.test_inspection_api import complete_answers


def test_the_setting_is_read_from_the_environment():
    assert Settings.from_env({}).autocreate_work_orders_from_failed_items is False
    assert Settings.from_env({"WEIBAO_AUTOCREATE_WORK_ORDERS": "1"}).autocreate_work_orders_from_failed_items


async def submitted_with_a_failed_reading(client, world) -> str:
    await login(client, "technician_a")
    created = await client.post("/api/inspections", json={"asset_id": world.extra["a"]["asset_id"]})
    record = created.json()["id"]
    answers = complete_answers()
    answers["supply_voltage"] = {"value": 15.0, "note": "adapter drifting"}
    assert (await client.patch(f"/api/inspections/{record}", json={"answers": answers})).status_code == 200
    submitted = await client.post(f"/api/inspections/{record}/submit", json={})
    assert submitted.status_code == 200 and submitted.json()["failed_items"] == 1
    return record


@pytest.mark.parametrize("autocreate", [False, True])
async def test_a_submit_creates_a_fault_work_order_per_failed_item_only_with_the_setting(
    client, world, app, autocreate
):
    app.state.settings = dataclasses.replace(
        app.state.settings, autocreate_work_orders_from_failed_items=autocreate
    )
    record = await submitted_with_a_failed_reading(client, world)
    drafts = (await client.get(f"/api/inspections/{record}/fault-drafts")).json()
    assert [d["item_key"] for d in drafts] == ["supply_voltage"]  # offered either way
    await login(client, "dispatcher_a")
    orders = [
        o
        for o in (await client.get("/api/work-orders")).json()
        if o["asset_id"] == world.extra["a"]["asset_id"]
    ]
    made = [o for o in orders if o["id"] == work_order_id(record, "supply_voltage")]
    if not autocreate:
        assert made == []
        return
    (order,) = made
    assert order["title"] == drafts[0]["title"] and order["source"] == "inspection"
    assert "15 V is outside the allowed" in order["notes"] and "adapter drifting" in order["notes"]
    assert order["status"] == "reported" and order["sla"]["respond_by"] is not None
    assert order["severity"] is None and order["sla"]["severity"] == drafts[0]["severity"]
