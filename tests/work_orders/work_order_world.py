"""Builders for fault work-order tests: a ticket on side a driven through REST."""

from datetime import UTC, datetime

from sqlalchemy import select

from backend.db import new_id, session_scope
from backend.photos.models import Photo
from backend.work_orders.models import WorkOrder

DIAGNOSIS = {"cause": "external_power", "findings": "PSU dead", "actions": "replaced PSU", "parts_used": []}


async def create_ticket(client, world, *, severity: int | None = None, title: str = "Camera dark") -> str:
    body = {"site_id": world.a.site_id, "title": title, **({"severity": severity} if severity else {})}
    response = await client.post("/api/work-orders", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def dispatch(client, world, work_order_id: str, technician: str = "technician_a"):
    body = {"technician_id": world.user_ids[technician]}
    return await client.post(f"/api/work-orders/{work_order_id}/dispatch", json=body)


async def move(client, work_order_id: str, to: str, **extra):
    return await client.post(f"/api/work-orders/{work_order_id}/transition", json={"to": to, **extra})


async def add_photos(app, world, work_order_id: str, phases=("before", "during", "after")) -> None:
    async with session_scope(app.state.db, write=True) as db:
        for phase in phases:
            db.add(
                Photo(
                    blob_sha256=new_id().replace("-", "").ljust(64, "0"),
                    site_id=world.a.site_id,
                    record_kind="work_order",
                    record_id=work_order_id,
                    phase=phase,
                    captured_at=datetime.now(UTC),
                    taken_by=world.user_ids["technician_a"],
                    state="present",
                )
            )


async def stored(app, work_order_id: str) -> WorkOrder:
    async with session_scope(app.state.db, write=False) as db:
        return await db.scalar(select(WorkOrder).where(WorkOrder.id == work_order_id))
