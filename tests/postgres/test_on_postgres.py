"""The PostgreSQL path (README: WEIBAO_DATABASE_URL=postgresql+asyncpg://…) on a real server.

The server is a throwaway cluster (cluster.py, started by the root conftest); every test here
runs the real migrations, the real app over HTTP (Litestar's AsyncTestClient) and real SQL
against it.
"""

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
import pytest
from alembic.script import ScriptDirectory
from litestar.testing import TestClient
from sqlalchemy import exc, text

from backend import migrate
from backend.app import create_app
from backend.audit.recorder import SYSTEM
from backend.db import session_scope
from backend.work_orders.models import WorkOrder
from tests.builders import PASSWORD, login
from tests.sync_api.sync_api_builders import mutation, pull_all, push

ROOT = migrate.ROOT


async def scalar(database, sql: str, **params):
    async with session_scope(database, write=False) as session:
        return (await session.execute(text(sql), params)).scalar()


def test_weibao_migrate_brings_an_empty_database_to_every_head_with_the_models_schema(postgres, tmp_path):
    postgres.create_database("fresh")
    url = postgres.url("fresh")
    env = {**os.environ, "WEIBAO_DATABASE_URL": url, "WEIBAO_DATA_DIR": str(tmp_path)}
    cmd = [sys.executable, "-m", "backend.cli", "migrate"]
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True, text=True)

    heads = set(ScriptDirectory.from_config(migrate.alembic_config(url)).get_heads())

    async def inspect() -> tuple[set[str], set[tuple[str, str]]]:
        connection = await asyncpg.connect(postgres.dsn("fresh"))
        try:
            versions = {r[0] for r in await connection.fetch("SELECT version_num FROM alembic_version")}
            sql = "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
            triggers = {(r[0], r[1]) for r in await connection.fetch(sql)}
            return versions, triggers
        finally:
            await connection.close()

    versions, triggers = asyncio.run(inspect())
    assert versions == heads and len(heads) > 1  # parallel branches, all applied
    assert ("audit_entries_append_only", "audit_entries") in triggers
    migrate.check(url)  # raises if a model has a table or column no migration created


async def test_rest_and_a_sync_batch_round_trip_with_conflicts_and_duplicates(client, world):
    await login(client, "dispatcher_a")
    created = await client.post("/api/work-orders", json={"site_id": world.a.site_id, "title": "门禁失灵"})
    assert created.status_code == 201, created.text
    rest_id = created.json()["id"]

    await login(client, "technician_a")
    wo, phone = "wo-pg-1", "phone-pg"
    create = mutation("work_order.create", wo, phone, title="摄像头黑屏", site_id=world.a.site_id)
    notes = mutation("work_order.set_fields", wo, phone, fields={"notes": "电源已更换"})
    shot = {"sha256": "a" * 64, "phase": "before", "captured_at": "2026-11-20T08:30:00.120Z"}
    photo = mutation("work_order.add_photo", wo, phone, photo_id="pg-photo-1", photo=shot)
    illegal = mutation("work_order.transition", wo, phone, base={"status": "reported"}, to="closed")
    response = await push(client, create, notes, photo, illegal)
    assert response.status_code == 200, response.text
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == ["applied", "applied", "applied", "conflict"]

    again = await push(client, create, notes)
    assert [r["status"] for r in again.json()["results"]] == ["duplicate", "duplicate"]

    page = await pull_all(client, client_id=phone)
    by_id = {c["id"]: c for c in page["changes"]}
    assert by_id[wo]["data"]["fields"]["notes"] == "电源已更换"
    assert by_id[wo]["data"]["fields"]["title"] == "摄像头黑屏"
    assert by_id[wo]["data"]["events"]["photos"]["pg-photo-1"]["data"]["sha256"] == "a" * 64
    assert rest_id in by_id and page["last_applied_mutation_id"] == illegal["id"]

    await login(client, "dispatcher_a")
    cards = (await client.get("/api/conflicts")).json()
    assert [(c["id"], c["record_id"]) for c in cards if c["record_id"] == wo] == [(illegal["id"], wo)]


async def test_the_audit_table_refuses_update_and_delete(client, world, own_db):
    await login(client, "dispatcher_a")
    await client.post("/api/work-orders", json={"site_id": world.a.site_id, "title": "Gate"})
    before = await scalar(own_db, "SELECT count(*) FROM audit_entries")
    assert before > 0
    for sql in ("UPDATE audit_entries SET actor_name = 'forged'", "DELETE FROM audit_entries"):
        with pytest.raises(exc.DBAPIError, match="append-only"):
            async with session_scope(own_db, write=True) as session:
                await session.execute(text(sql))
    assert await scalar(own_db, "SELECT count(*) FROM audit_entries") == before
    assert await scalar(own_db, "SELECT count(*) FROM audit_entries WHERE actor_name = 'forged'") == 0


@contextmanager
def signed_in(app, username: str) -> Iterator[TestClient]:
    """A blocking client: AsyncTestClient's requests block the test's event loop until the app
    answers, so requests that must overlap each other (or a transaction the test holds open)
    run from worker threads through these."""
    with TestClient(app=app) as client:
        client.get("/api/health")
        client.headers["x-csrftoken"] = client.cookies["csrftoken"]
        response = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        yield client


def pull_everything(client: TestClient, phone: str, cursor: str | None = None) -> tuple[list[dict], str]:
    changes: list[dict] = []
    while True:
        params = {"client_id": phone, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/sync/pull", params=params).json()
        changes += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes, cursor


def push_now(client: TestClient, *mutations: dict) -> list[str]:
    body = {"client_id": mutations[0]["client_id"], "mutations": list(mutations)}
    response = client.post("/api/sync/push", json=body)
    assert response.status_code == 200, response.text
    return [r["status"] for r in response.json()["results"]]


async def until(condition, what: str) -> None:
    for _ in range(600):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


async def test_two_servers_pushing_to_one_record_at_once_both_land(settings, world):
    """Two app instances (two server processes on one database) and two phones of one
    technician write different fields of one work order at the same time: no lost write."""
    wo, rounds = "wo-pg-shared", 8
    with (
        signed_in(create_app(settings), "technician_a") as one,
        signed_in(create_app(settings), "technician_a") as two,
    ):
        create = mutation("work_order.create", wo, "phone-1", title="Shared", site_id=world.a.site_id)
        assert push_now(one, create) == ["applied"]

        def edits(client: TestClient, phone: str, field: str) -> list[str]:
            statuses: list[str] = []
            for n in range(rounds):
                edit = mutation("work_order.set_fields", wo, phone, fields={field: f"{field} {n}"})
                statuses += push_now(client, edit)
            return statuses

        left, right = await asyncio.gather(
            asyncio.to_thread(edits, one, "phone-1", "notes"),
            asyncio.to_thread(edits, two, "phone-2", "title"),
        )
        assert left == right == ["applied"] * rounds
        changes, _ = pull_everything(one, "phone-1")
    [fields] = [c["data"]["fields"] for c in changes if c["id"] == wo]
    assert (fields["notes"], fields["title"]) == (f"notes {rounds - 1}", f"title {rounds - 1}")


async def test_a_pull_during_two_overlapping_writes_misses_neither_change(settings, world, own_db):
    """The pull cursor is the highest change `seq` a phone has seen (PROTOCOL.md §5). On
    PostgreSQL a sequence hands out numbers at INSERT, not at COMMIT: if a later write could
    commit first, a pull in between would move the cursor past the older, still-open change
    and the phone would never receive it. Writers take turns, as on SQLite."""
    wo = world.extra["a"]["work_order_id"]
    with signed_in(create_app(settings), "technician_a") as phone:
        async with session_scope(own_db, write=True) as console:  # a dispatcher's edit, still open
            console.info["actor"] = SYSTEM
            (await console.get(WorkOrder, wo)).notes = "edited on the console"
            await console.flush()  # the change-log hook (sync_api/outside.py) logs it: seq taken
            sql = "SELECT max(seq) FROM sync_changes WHERE record_id = :id"
            older = (await console.execute(text(sql), {"id": wo})).scalar()
            late = mutation(
                "work_order.create", "wo-pg-late", "phone-late", title="Late", site_id=world.a.site_id
            )
            pushing = asyncio.create_task(asyncio.to_thread(push_now, phone, late))

            async def pushed_or_waiting() -> bool:
                waiting = await scalar(own_db, "SELECT count(*) FROM pg_locks WHERE NOT granted")
                return pushing.done() or waiting > 0

            await until(pushed_or_waiting, "the phone's push to finish or wait")
            during, cursor = await asyncio.to_thread(pull_everything, phone, "phone-late")
        assert await pushing == ["applied"]
        after, _ = pull_everything(phone, "phone-late", cursor)
    seen = {c["seq"] for c in during} | {c["seq"] for c in after}
    assert older in seen
    assert "wo-pg-late" in {c["id"] for c in after}


async def test_taking_a_site_away_evicts_its_records_from_the_technicians_phone(client, world):
    tech = world.user_ids["technician_a"]
    await login(client, "technician_a")
    cursor = (await pull_all(client, client_id="phone-evict"))["cursor"]
    await login(client, "admin")
    response = await client.delete(f"/api/sites/{world.a.site_id}/assignments/{tech}")
    assert response.status_code == 204, response.text
    await login(client, "technician_a")
    page = await pull_all(client, cursor=cursor, client_id="phone-evict")
    assert world.extra["a"]["work_order_id"] in {c["id"] for c in page["changes"] if c["op"] == "evict"}
