"""Sync push throughput with a durable ack, against raw sqlite3 doing the same rows; then one
pull of 10k changes.

Push: batches of 100 `work_order.create` mutations (~1 KB each) through the real app
(Litestar in-process, session cookie, CSRF), each batch one BEGIN IMMEDIATE transaction
committed with synchronous=FULL before the response. Raw (the ratio's baseline): plain sqlite3
on a copy of the same database writing, per batch, exactly the rows the service wrote for the
same batch (read back untimed: the ticket with every column, its change-log row, its ledger
row) after the same dedupe lookup. Also printed: the earlier baseline of simpler hand-made rows
(fewer columns, a one-byte fingerprint; `raw_simple_per_s`, `ratio_simple`).

    .venv/bin/python bench/sync_push.py [--batches 100] [--rounds 20]
"""

import argparse
import asyncio
import gzip
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import msgspec
from litestar.testing import AsyncTestClient

from backend import migrate
from backend.app import create_app
from backend.auth.schemas import CurrentUser
from backend.db import new_id, session_scope
from backend.inspections import after_sync
from backend.settings import Settings
from backend.sync_api import service
from sync.protocol import decode_push
from tests.builders import PASSWORD, build_world, login

BATCH = 100
NOTES = "Lens fogged, cleaned and re-aimed; cable strain relief replaced. " * 12  # ~800 bytes


def batch_of(site_id: str, first_seq: int, client_id: str = "bench") -> list[dict]:
    now = time.time_ns() // 1_000_000
    return [
        {
            "name": "work_order.create",
            "id": new_id(),
            "client_id": client_id,
            "seq": first_seq + i,
            "hlc": f"{now:015d}:{i:05d}:{client_id}",
            "record_id": new_id(),
            "title": f"Fault {first_seq + i}",
            "notes": NOTES,
            "site_id": site_id,
        }
        for i in range(BATCH)
    ]


async def push_and_pull(data_dir: Path, raw_db: Path, batches: int, rounds: int) -> dict:
    app = create_app(Settings(data_dir=data_dir))
    world = await build_world(app.state.db)
    raw = open_raw(raw_db, data_dir / "weibao.sqlite3")
    site_id = world.a.site_id
    user = CurrentUser(world.user_ids["technician_a"], "technician_a", "T", "technician", "en", "bench")
    http_bodies = [
        msgspec.json.encode({"client_id": "bench", "mutations": batch_of(site_id, 1 + b * BATCH)})
        for b in range(batches)
    ]
    service_bodies = [
        msgspec.json.encode(
            {"client_id": "bench-2", "mutations": batch_of(site_id, 1 + b * BATCH, "bench-2")}
        )
        for b in range(batches)
    ]
    raw_batches = [batch_of(site_id, 1_000_000 + b * BATCH) for b in range(batches)]
    seconds = {"http": 0.0, "service": 0.0, "raw": 0.0, "same_rows": 0.0}
    async with AsyncTestClient(app=app) as client:
        await login(client, "technician_a", PASSWORD)
        for r in range(rounds):
            turn = slice(r * batches // rounds, (r + 1) * batches // rounds)
            seconds["http"] += await push_over_http(client, http_bodies[turn])
            seconds["service"] += await push_in_process(app, user, service_bodies[turn])
            seconds["raw"] += raw_push(raw, site_id, raw_batches[turn])
            written = rows_written(data_dir / "weibao.sqlite3", service_bodies[turn])
            seconds["same_rows"] += raw_push_rows(raw, written)
        started = time.perf_counter()
        page = await client.get("/api/sync/pull", params={"limit": 10_000})
        pull_seconds = time.perf_counter() - started
    raw.close()
    await app.state.db.dispose()
    changes = len(page.json()["changes"])
    return {
        "push_per_s": batches * BATCH / seconds["http"],
        "service_per_s": batches * BATCH / seconds["service"],
        "raw_per_s": batches * BATCH / seconds["raw"],
        "same_rows_per_s": batches * BATCH / seconds["same_rows"],
        "pull_seconds": pull_seconds,
        "pull_changes": changes,
        "pull_bytes": len(page.content),
        "pull_gzip_bytes": len(gzip.compress(page.content, 6)),
    }


async def push_over_http(client, bodies: list[bytes]) -> float:
    headers = {"content-type": "application/json"}
    started = time.perf_counter()
    for body in bodies:
        response = await client.post("/api/sync/push", content=body, headers=headers)
        assert response.status_code == 200 and b'"status":"applied"' in response.content
    return time.perf_counter() - started


async def push_in_process(app, user: CurrentUser, bodies: list[bytes]) -> float:
    """The handler's own work without the HTTP client: decode, the engine, a durable commit."""
    started = time.perf_counter()
    for body in bodies:
        async with session_scope(app.state.db, write=True) as session:
            response = await service.push(session, decode_push(body), user, ends=after_sync.nothing_follows)
        assert response.results[-1].status == "applied"
    return time.perf_counter() - started


def open_raw(raw_db: Path, app_db: Path) -> sqlite3.Connection:
    """A copy of the freshly migrated database holding the same site rows (so foreign keys
    hold), with the app's durability settings."""
    conn = sqlite3.connect(raw_db, isolation_level=None)
    for pragma in ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"):
        conn.execute(pragma)
    src = sqlite3.connect(app_db)
    for table in ("clients", "contracts", "sites"):
        rows = src.execute(f"SELECT * FROM {table}").fetchall()
        conn.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)
    src.close()
    return conn


def raw_push(conn: sqlite3.Connection, site_id: str, batches: list[list[dict]]) -> float:
    started = time.perf_counter()
    for mutations in batches:
        conn.execute("BEGIN IMMEDIATE")
        ids = [m["id"] for m in mutations]
        marks = ",".join("?" * len(ids))
        seen = {r[0] for r in conn.execute(f"SELECT id FROM sync_applied WHERE id IN ({marks})", ids)}
        fresh = [m for m in mutations if m["id"] not in seen]
        conn.executemany(
            "INSERT INTO work_orders (id, site_id, title, notes, status, version, signed, merge_meta, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, 'reported', 1, 0, ?, datetime(), datetime())",
            [
                (m["record_id"], site_id, m["title"], m["notes"], json.dumps({"clocks": {"title": m["hlc"]}}))
                for m in fresh
            ],
        )
        conn.executemany(
            "INSERT INTO sync_changes (entity, record_id, site_id, op, data, at_ms) "
            "VALUES ('work_order', ?, ?, 'upsert', ?, 0)",
            [(m["record_id"], site_id, json.dumps(m)) for m in fresh],
        )
        conn.executemany(
            "INSERT INTO sync_applied (id, client_id, user_id, seq, fingerprint, result, at_ms) "
            "VALUES (?, 'raw', 'u', ?, 'f', '{\"status\":\"applied\"}', 0)",
            [(m["id"], m["seq"]) for m in fresh],
        )
        conn.execute("COMMIT")
    return time.perf_counter() - started


def rows_written(app_db: Path, bodies: list[bytes]) -> list[tuple[list, list, list, list]]:
    """Per batch: its mutation ids and the rows the service stored for it (work_orders, change
    log, ledger), read back outside any timing, for `raw_push_rows`."""
    conn = sqlite3.connect(app_db)
    batches = []
    for body in bodies:
        mutations = msgspec.json.decode(body)["mutations"]
        ids, records = [m["id"] for m in mutations], [m["record_id"] for m in mutations]
        marks = ",".join("?" * len(ids))
        batches.append(
            (
                ids,
                conn.execute(f"SELECT * FROM work_orders WHERE id IN ({marks})", records).fetchall(),
                conn.execute(
                    "SELECT entity, record_id, site_id, op, data, for_user_id, at_ms FROM sync_changes "
                    f"WHERE entity = 'work_order' AND record_id IN ({marks})",
                    records,
                ).fetchall(),
                conn.execute(f"SELECT * FROM sync_applied WHERE id IN ({marks})", ids).fetchall(),
            )
        )
    conn.close()
    return batches


def raw_push_rows(conn: sqlite3.Connection, batches: list[tuple[list, list, list, list]]) -> float:
    """Raw sqlite3 writing exactly the rows the service wrote (all their columns and bytes), with
    the same dedupe lookup: the baseline the issue names ("the same rows")."""
    started = time.perf_counter()
    for ids, orders, changes, applied in batches:
        conn.execute("BEGIN IMMEDIATE")
        marks = ",".join("?" * len(ids))
        seen = {r[0] for r in conn.execute(f"SELECT id FROM sync_applied WHERE id IN ({marks})", ids)}
        assert not seen
        conn.executemany(f"INSERT INTO work_orders VALUES ({','.join('?' * len(orders[0]))})", orders)
        conn.executemany(
            "INSERT INTO sync_changes (entity, record_id, site_id, op, data, for_user_id, at_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            changes,
        )
        conn.executemany(f"INSERT INTO sync_applied VALUES ({','.join('?' * len(applied[0]))})", applied)
        conn.execute("COMMIT")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=100)
    # The timed paths take turns in this many rounds (5 batches each by default), so a busy
    # moment on a shared machine (an fsync stall, another process) hits all of them alike; with 1
    # each runs its batches back to back and one stall skews the ratio (seen: 0.52 and 0.77 in
    # two runs a minute apart with 5 rounds, 0.68-0.71 with 20).
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        migrate.upgrade(f"sqlite+aiosqlite:///{data_dir / 'weibao.sqlite3'}")
        raw_db = Path(tmp) / "raw.sqlite3"
        shutil.copy(data_dir / "weibao.sqlite3", raw_db)
        result = asyncio.run(push_and_pull(data_dir, raw_db, args.batches, args.rounds))
    raw, simple = result["same_rows_per_s"], result["raw_per_s"]
    ratio = result["service_per_s"] / raw
    print(
        f"push transaction (decode, engine, durable commit), batches of {BATCH}: "
        f"{result['service_per_s']:8.0f} mutations/s"
    )
    print(f"push through the app's HTTP stack (in-process client): {result['push_per_s']:8.0f} mutations/s")
    print(f"raw sqlite3, the rows the service wrote, with dedupe, batches of {BATCH}: {raw:8.0f} rows/s")
    print(f"raw sqlite3, simpler hand-made rows (earlier baseline):     {simple:8.0f} rows/s")
    print(
        f"ratio transaction/raw (goal >= 0.5): {ratio:.2f}; HTTP/raw: {result['push_per_s'] / raw:.2f}; "
        f"transaction/simpler rows: {result['service_per_s'] / simple:.2f}"
    )
    print(
        f"pull of {result['pull_changes']} changes: server time {result['pull_seconds']:.3f} s (goal < 0.5), "
        f"{result['pull_bytes'] / 1e6:.2f} MB, gzip {result['pull_gzip_bytes'] / 1e6:.2f} MB (goal < 2)"
    )
    figures = {
        "bench": "sync_push",
        "service_per_s": round(result["service_per_s"]),
        "http_per_s": round(result["push_per_s"]),
        "raw_per_s": round(raw),
        "ratio": round(ratio, 2),
        "raw_simple_per_s": round(simple),
        "ratio_simple": round(result["service_per_s"] / simple, 2),
        "rounds": args.rounds,
        "pull_changes": result["pull_changes"],
        "pull_seconds": round(result["pull_seconds"], 3),
        "pull_bytes": result["pull_bytes"],
        "pull_gzip_bytes": result["pull_gzip_bytes"],
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
