"""A small world for property tests of the real push/pull engine on a real SQLite database.

The schema is the one Alembic builds; each example gets a fresh in-memory copy, one site and
one technician per phone, and talks to `engine.push` / `pull.pull` exactly as the HTTP
handlers do (minus HTTP), in BEGIN IMMEDIATE … COMMIT transactions.
"""

import sqlite3
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import msgspec

from backend import migrate
from backend.dialect import SqliteStatements
from backend.sync_api import engine, pull
from backend.work_orders import store

SITE = "site-1"
RETENTION_MS = 180 * 86_400_000


@cache
def schema() -> tuple[str, ...]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "schema.sqlite3"
        migrate.upgrade(f"sqlite+aiosqlite:///{path}")
        with sqlite3.connect(path) as conn:
            rows = conn.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                "ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END"
            ).fetchall()
    return tuple(r[0] for r in rows)


class Server:
    def __init__(self, users: list[str]):
        self.conn = sqlite3.connect(":memory:", isolation_level=None)
        for sql in schema():
            self.conn.execute(sql)
        self.conn.execute("INSERT INTO clients (id, name, created_at) VALUES ('c', 'c', '2026-01-01')")
        self.conn.execute(
            "INSERT INTO contracts (id, client_id, code, name, starts_on, ends_on, created_at) "
            "VALUES ('k', 'c', 'K', 'K', '2026-01-01', '2027-01-01', '2026-01-01')"
        )
        self.conn.execute(
            "INSERT INTO sites (id, contract_id, name, short_name, kind, area, address, created_at) "
            f"VALUES ('{SITE}', 'k', 's', 's', 'other', 'urban', '', '2026-01-01')"
        )
        for user in users:
            self.conn.execute(
                "INSERT INTO users (id, username, display_name, role, password_hash, locale, disabled, "
                f"created_at) VALUES ('{user}', '{user}', '{user}', 'technician', 'x', 'en', 0, '2026-01-01')"
            )
            self.conn.execute(f"INSERT INTO site_assignments VALUES ('{SITE}', '{user}', '2026-01-01')")
        self.statements = SqliteStatements(self.conn)

    def caller(self, user: str) -> engine.Caller:
        return engine.Caller(user, frozenset({SITE}))

    def push(self, mutations: list, user: str, now_ms: int) -> list:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            results = engine.push(self.statements, mutations, self.caller(user), now_ms)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        return results

    def pull(self, user: str, client_id: str, cursor: str, now_ms: int) -> Any:
        self.conn.execute("BEGIN")
        try:
            changes, page = [], None
            while page is None or page.has_more:
                page = pull.pull(
                    self.statements, self.caller(user), int(cursor), 50, client_id, now_ms, RETENTION_MS
                )
                changes += page.changes
                cursor = page.cursor
        finally:
            self.conn.execute("COMMIT")
        return changes, page

    def states(self) -> dict[str, dict[str, Any]]:
        ids = [r[0] for r in self.conn.execute("SELECT id FROM work_orders ORDER BY id")]
        return store.load(self.statements, ids)

    def rows(self, sql: str, *params) -> list[tuple]:
        return self.conn.execute(sql, params).fetchall()


def merge_part(state: dict[str, Any]) -> dict[str, Any]:
    """The merge data of a stored state (without where it lives), comparable with the replica."""
    return {k: v for k, v in state.items() if k not in ("site_id", "asset_id")}


def decoded(change) -> dict[str, Any]:
    return msgspec.json.decode(bytes(change.data)) if change.data is not None else None
