"""The SLA worker's round also keeps the change log short: at most once per interval, across
processes (backend/sync_api/maintenance.run_if_due, driven here by the worker's own tick)."""

from datetime import timedelta

from backend.db import session_scope, utcnow
from backend.sync_api.maintenance import DAY_MS, claim_run
from backend.work_orders.sla_clock import SlaWorker
from tests.builders import login
from tests.conftest import sql
from tests.sync_api.sync_api_builders import mutation, push

PHONE = "phone-worker"


async def superseded_old_rows(client, database, work_order_id: str, titles: tuple[str, ...]) -> int:
    """Push one title per batch (one change row each), then age every row past the retention;
    returns how many rows the record has."""
    for title in titles:
        body = mutation("work_order.set_fields", work_order_id, PHONE, fields={"title": title})
        assert (await push(client, body)).json()["results"][0]["status"] == "applied"
    # The age as one parameter: PostgreSQL multiplies two small integer literals in 32 bits.
    aged = "UPDATE sync_changes SET at_ms = at_ms - :age WHERE record_id = :r"
    await sql(database, aged, age=200 * DAY_MS, r=work_order_id)
    return await rows_of(database, work_order_id)


async def rows_of(database, record_id: str) -> int:
    [(count,)] = await sql(database, "SELECT COUNT(*) FROM sync_changes WHERE record_id = :r", r=record_id)
    return count


async def test_the_sla_workers_tick_prunes_once_a_day(app, client, world):
    await login(client, "technician_a")
    wo = world.extra["a"]["work_order_id"]
    assert await superseded_old_rows(client, app.state.db, wo, ("v1", "v2", "v3")) > 1
    now = utcnow()
    clock = iter([now, now + timedelta(hours=1), now + timedelta(hours=25)])
    worker = SlaWorker(app.state.db, clock=lambda: next(clock), maintain_every=timedelta(days=1))
    await worker.round()
    assert await rows_of(app.state.db, wo) == 1  # only the record's newest row is left
    # More superseded rows: an hour later the upkeep is not due again, a day later it is.
    assert await superseded_old_rows(client, app.state.db, wo, ("v4", "v5")) == 3
    await worker.round()
    assert await rows_of(app.state.db, wo) == 3
    await worker.round()
    assert await rows_of(app.state.db, wo) == 1


async def test_a_worker_without_an_interval_leaves_the_log_alone(app, client, world):
    await login(client, "technician_a")
    wo = world.extra["a"]["work_order_id"]
    count = await superseded_old_rows(client, app.state.db, wo, ("v1", "v2"))
    await SlaWorker(app.state.db, clock=utcnow, maintain_every=None).round()
    assert await rows_of(app.state.db, wo) == count


async def test_only_one_process_claims_a_due_run(app):
    now, day = utcnow(), timedelta(days=1)
    async with session_scope(app.state.db, write=True) as db:
        assert await claim_run(db, now, "process-1", day)
    async with session_scope(app.state.db, write=True) as db:
        assert not await claim_run(db, now + timedelta(hours=23), "process-2", day)
    async with session_scope(app.state.db, write=True) as db:
        assert await claim_run(db, now + day, "process-2", day)
    async with session_scope(app.state.db, write=True) as db:
        assert not await claim_run(db, now + day, "process-1", day)
