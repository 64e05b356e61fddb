"""SQLite is set up for durability and for concurrent writers that read before they write."""

import asyncio
import contextlib
import os
import stat

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import InvalidRequestError

from backend.db import connect, new_id, session_scope
from backend.dialect import run_statements
from backend.keys import load_or_create
from backend.sites.models import Client


@pytest.mark.sqlite_only("PRAGMAs are SQLite's own (dialect.SQLITE_PRAGMAS)")
async def test_connections_use_wal_full_sync_and_foreign_keys(app):
    async with app.state.db.reader() as session:
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await session.execute(text("PRAGMA synchronous"))).scalar() == 2  # FULL
        assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1


async def read_then_write(db, name: str, both_read: asyncio.Barrier) -> None:
    async with session_scope(db, write=True) as session:
        await session.scalar(select(func.count()).select_from(Client))
        # Without BEGIN IMMEDIATE both would now hold a read snapshot and the second writer
        # would fail with SQLITE_BUSY_SNAPSHOT; with it, the second waits for the first.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(both_read.wait(), timeout=0.5)
        session.add(Client(name=name))


async def test_two_writers_that_read_first_both_commit(settings):
    db = connect(settings)
    try:
        both_read = asyncio.Barrier(2)
        await asyncio.gather(read_then_write(db, "one", both_read), read_then_write(db, "two", both_read))
        async with db.reader() as session:
            names = set(await session.scalars(select(Client.name)))
        assert {"one", "two"} <= names
    finally:
        await db.dispose()


async def test_reads_do_not_take_the_write_lock(settings):
    db = connect(settings)
    try:
        async with db.writer() as writer, db.reader() as reader:
            await writer.execute(text("SELECT 1"))  # holds the write lock now
            assert (await reader.execute(text("SELECT count(*) FROM users"))).scalar() >= 0
            await writer.rollback()
    finally:
        await db.dispose()


def test_uuid7_ids_are_unique_and_time_ordered():
    ids = [new_id() for _ in range(2000)]
    assert len(set(ids)) == 2000
    assert all(i[14] == "7" for i in ids)  # version nibble
    assert [i[:13] for i in ids] == sorted(i[:13] for i in ids)  # millisecond prefix ascends


def test_secrets_are_generated_once_with_private_permissions(tmp_path):
    first = load_or_create(tmp_path / "secrets")
    second = load_or_create(tmp_path / "secrets")
    assert first == second
    assert len(first.session_secret) == 64
    for path in (tmp_path / "secrets").iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    assert stat.S_IMODE(os.stat(tmp_path / "secrets").st_mode) == 0o700


@pytest.mark.sqlite_only("the early COMMIT on aiosqlite's thread (run_statements `commit`) is SQLite's alone")
async def test_work_that_commits_on_the_driver_thread_is_durable_and_leaves_nothing_open(settings):
    db = connect(settings)
    try:
        async with session_scope(db, write=True) as session:
            insert = "INSERT INTO clients (id, name, created_at) VALUES (:i, 'folded', '2026-01-01 00:00:00')"
            await run_statements(session, lambda s: s.run(insert, {"i": new_id()}), commit=lambda _: True)
            # A later write in the same transaction would commit on its own: refused, loudly.
            with pytest.raises(InvalidRequestError, match="committed"):
                await session.execute(text("DELETE FROM clients WHERE name = 'folded'"))
        async with db.reader() as session:
            assert await session.scalar(select(func.count()).where(Client.name == "folded")) == 1
        async with db.writer() as session:  # the pooled connection is reusable afterwards
            session.add(Client(name="after"))
            await session.commit()
        async with db.reader() as session:
            assert await session.scalar(select(func.count()).where(Client.name == "after")) == 1
    finally:
        await db.dispose()


async def test_work_that_does_not_ask_to_commit_stays_in_the_sessions_transaction(settings):
    db = connect(settings)
    try:
        with contextlib.suppress(RuntimeError):
            async with session_scope(db, write=True) as session:
                insert = (
                    "INSERT INTO clients (id, name, created_at) VALUES (:i, 'kept', '2026-01-01 00:00:00')"
                )
                await run_statements(
                    session, lambda s: s.run(insert, {"i": new_id()}), commit=lambda _: False
                )
                raise RuntimeError("the request fails after the work")
        async with db.reader() as session:
            assert await session.scalar(select(func.count()).where(Client.name == "kept")) == 0
    finally:
        await db.dispose()
