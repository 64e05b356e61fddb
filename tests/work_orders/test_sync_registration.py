"""Tickets a phone creates by sync are registered like console tickets: reported at receipt,
a proposed level, deadlines stored with the row, a level-1 alert to the site's technicians."""

from datetime import datetime, timedelta

from sqlalchemy import select, update

from backend.assets.models import Asset
from backend.db import new_id, session_scope
from backend.push.models import PushOutbox
from tests.builders import login
from tests.sync_api.sync_api_builders import mutation, push
from tests.work_orders.work_order_world import stored


async def _key_asset(app, asset_id: str) -> None:
    async with session_scope(app.state.db, write=True) as db:
        await db.execute(update(Asset).where(Asset.id == asset_id).values(criticality="key"))


async def _level1_alerts(app, work_order_id: str) -> list[tuple[str, str]]:
    async with session_scope(app.state.db, write=False) as db:
        rows = await db.execute(
            select(PushOutbox.user_id, PushOutbox.kind).where(PushOutbox.ticket_id == work_order_id)
        )
        return list(rows)


async def test_tickets_created_by_a_push_are_registered_with_their_deadlines(app, client, world):
    await _key_asset(app, world.extra["a"]["asset_id"])
    await login(client, "technician_a")
    plain, key_point, downgraded = new_id(), new_id(), new_id()
    site = world.a.site_id
    response = await push(
        client,
        mutation("work_order.create", plain, "phone-r", seq=1, title="Dome stuck", site_id=site),
        mutation(
            "work_order.create",
            key_point,
            "phone-r",
            seq=2,
            title="Gate camera dark",
            site_id=site,
            asset_id=world.extra["a"]["asset_id"],
        ),
        mutation("work_order.create", downgraded, "phone-r", seq=3, title="Colour cast", site_id=site),
        mutation("work_order.set_severity", downgraded, "phone-r", seq=4, severity=4),
    )
    assert [r["status"] for r in response.json()["results"]] == ["applied"] * 4

    plain_row, key_row, low_row = [await stored(app, i) for i in (plain, key_point, downgraded)]
    assert plain_row.reported_at is not None and plain_row.proposed_severity == 2
    assert plain_row.respond_by - plain_row.reported_at == timedelta(minutes=30)
    assert plain_row.repaired_by - plain_row.reported_at == timedelta(minutes=240)
    # A key-point device ranks one level graver: level 1, fifteen minutes to respond.
    assert key_row.proposed_severity == 1
    assert key_row.respond_by - key_row.reported_at == timedelta(minutes=15)
    # Set to level 4 in the same push: the stored deadlines follow the dispatcher's level.
    assert low_row.severity == 4 and low_row.respond_by - low_row.reported_at == timedelta(hours=24)
    assert low_row.repaired_by is None
    assert isinstance(plain_row.reported_at, datetime)

    technician = world.user_ids["technician_a"]
    assert (technician, "new_level1") in await _level1_alerts(app, key_point)
    assert await _level1_alerts(app, plain) == []


async def test_a_repeated_create_push_registers_nothing_twice(app, client, world):
    await login(client, "technician_a")
    record = new_id()
    body = mutation("work_order.create", record, "phone-s", seq=1, title="UPS alarm", site_id=world.a.site_id)
    assert (await push(client, body)).json()["results"][0]["status"] == "applied"
    first = await stored(app, record)
    again = (await push(client, body)).json()["results"][0]
    assert again["status"] == "duplicate"
    second = await stored(app, record)
    assert (second.reported_at, second.respond_by) == (first.reported_at, first.respond_by)
