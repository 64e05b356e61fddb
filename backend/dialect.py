"""Everything that is specific to SQLite lives here, so PostgreSQL stays a drop-in.

SQLite facts this relies on (see shared/STACK-NOTES.md):
- WAL + synchronous=FULL: a committed transaction survives power loss.
- A deferred transaction that reads and later writes fails with SQLITE_BUSY_SNAPSHOT when
  another connection committed in between, ignoring busy_timeout; so write transactions start
  with BEGIN IMMEDIATE. Sessions from `Database.writer` carry the option that selects it.
"""

import functools
import operator
import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import aiosqlite
from sqlalchemy import event, exc, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.util.concurrency import await_

T = TypeVar("T")

WRITE_OPTION = "weibao_write"
PENDING_BEGIN = "weibao_pending_begin"  # connection info key: the BEGIN not sent yet
COMMITTED = "weibao_committed"  # connection info key: `run_statements` already committed

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


# Any constant key: the one advisory lock all PostgreSQL write transactions queue on.
PG_WRITER_LOCK = 0x57454942  # "WEIB"


def configure(engine: AsyncEngine) -> None:
    if engine.dialect.name == "postgresql":
        _serialize_postgres_writers(engine)
    if not is_sqlite(engine):
        return
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control away from the driver so we can emit our own BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Sent with the transaction's first statement: a request whose first database work is
        # `run_statements` (a push) then sends BEGIN in the same trip to the driver's thread.
        writing = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.connection.info[PENDING_BEGIN] = "BEGIN IMMEDIATE" if writing else "BEGIN"

    @event.listens_for(sync_engine, "before_cursor_execute")
    def _on_execute(conn: Connection, *_statement) -> None:
        if conn.connection.info.get(COMMITTED):
            # It would run outside the transaction, committed on its own: never silently.
            raise exc.InvalidRequestError("a statement after the transaction's work committed it")
        sql = conn.connection.info.pop(PENDING_BEGIN, None)
        if sql is not None:
            _begin(conn, sql)

    @event.listens_for(sync_engine, "commit")
    @event.listens_for(sync_engine, "rollback")
    def _on_end(conn: Connection) -> None:
        conn.connection.info.pop(PENDING_BEGIN, None)  # a transaction that ran no statement
        conn.connection.info.pop(COMMITTED, None)

    driver_commit = engine.dialect.do_commit

    def do_commit(dbapi_connection) -> None:
        # Nothing open (no statement ran, or `run_statements(..., commit=True)` committed on the
        # driver's thread): skip the trip there, a tenth of a push batch.
        driver = getattr(dbapi_connection, "_connection", None)
        idle = isinstance(driver, aiosqlite.Connection) and (
            driver._connection is None or not driver.in_transaction
        )
        if idle:
            return
        driver_commit(dbapi_connection)

    engine.dialect.do_commit = do_commit  # type: ignore[method-assign]

    @event.listens_for(sync_engine, "reset")
    def _on_reset(dbapi_connection, _record, state) -> None:
        # Replaces the pool's rollback-on-return (engine_options): after a commit or rollback
        # there is nothing to undo, and the rollback cost a trip to the driver's thread.
        if state.terminate_only or not state.asyncio_safe:
            return
        driver = getattr(dbapi_connection, "_connection", dbapi_connection)  # aiosqlite's
        if getattr(driver, "in_transaction", True):
            dbapi_connection.rollback()


def _serialize_postgres_writers(engine: AsyncEngine) -> None:
    """PostgreSQL's counterpart of BEGIN IMMEDIATE: write transactions take turns.

    The code relies on SQLite's one-writer-at-a-time, most visibly the pull cursor (the highest
    `sync_changes.seq` a phone has seen, PROTOCOL.md §5): a PostgreSQL sequence numbers a row at
    INSERT, so without turns a later writer could commit first and a pull in between would skip
    the older change for good (tests/postgres). The lock is held until COMMIT or ROLLBACK;
    readers never wait for it.
    """

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(WRITE_OPTION, False):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITER_LOCK})")


def engine_options(database_url: str) -> dict[str, Any]:
    """Extra create_engine arguments: on SQLite the pool leaves resets to `configure`."""
    return {"pool_reset_on_return": None} if database_url.startswith("sqlite") else {}


def _begin(conn: Connection, sql: str) -> None:
    """BEGIN in one trip to aiosqlite's thread (through a cursor it took three per request)."""
    driver = conn.connection.driver_connection
    if not isinstance(driver, aiosqlite.Connection):
        conn.exec_driver_sql(sql)
        return
    try:
        await_(driver._execute(driver._conn.execute, sql))
    except sqlite3.Error as error:
        raise exc.OperationalError(sql, None, error) from error


def append_only_trigger_sql(dialect_name: str, table: str) -> list[str]:
    """DDL that makes a table refuse UPDATE and DELETE at the database level."""
    if dialect_name == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
        ]
    if dialect_name == "postgresql":
        return [
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{table} is append-only'; END $$",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
        ]
    return []


class SqliteStatements:
    """Plain statements on the sqlite3 connection itself: no await, no ORM, one thread hop.

    SQL uses `:name` parameters, which sqlite3 and SQLAlchemy's `text()` both understand, so
    the same statements run through `PortableStatements` on PostgreSQL.
    """

    def __init__(self, connection) -> None:
        self.connection = connection

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        return self.connection.execute(sql, params or {}).fetchall()

    def run(self, sql: str, params: dict | None = None) -> None:
        self.connection.execute(sql, params or {})

    def many(self, sql: str, rows: list[dict]) -> None:
        if rows:
            numbered, values_of = _numbered(sql)
            self.connection.executemany(numbered, map(values_of, rows))

    @staticmethod
    def timestamp(value: datetime | None) -> str | None:
        """An aware datetime as SQLAlchemy's SQLite DATETIME stores it (naive UTC text with
        microseconds), so rows written here sort and compare like the ORM's."""
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


_NAMED = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|:([A-Za-z_][A-Za-z0-9_]*)")


@functools.lru_cache(maxsize=256)
def _numbered(sql: str) -> tuple[str, Callable[[dict], tuple]]:
    """`:name` → `?N` and a function giving a row's values in that order.

    sqlite3 binds a dict row by building a string and looking it up for every parameter of
    every row; a tuple binds by position, which halves the binding cost of a push batch. Names
    inside quotes are left alone; a repeated name reuses its number.
    """
    names: list[str] = []

    def number(match: re.Match) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)
        if name not in names:
            names.append(name)
        return f"?{names.index(name) + 1}"

    numbered = _NAMED.sub(number, sql)
    if len(names) == 1:
        return numbered, lambda row, key=names[0]: (row[key],)
    return numbered, operator.itemgetter(*names) if names else (lambda _row: ())


class PortableStatements:
    """The same interface over a SQLAlchemy sync Connection (inside `run_sync`)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        return [tuple(r) for r in self.connection.execute(text(sql), params or {})]

    def run(self, sql: str, params: dict | None = None) -> None:
        self.connection.execute(text(sql), params or {})

    def many(self, sql: str, rows: list[dict]) -> None:
        if rows:
            self.connection.execute(text(sql), rows)

    @staticmethod
    def timestamp(value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(UTC).replace(tzinfo=None)


async def run_statements(
    session: AsyncSession, work: Callable[[Any], T], commit: Callable[[T], bool] | None = None
) -> T:
    """Run `work(statements)` inside the session's transaction with ONE await.

    SQLAlchemy async costs an await (a thread hop) per statement: 0.3–0.75k mutations/s against
    5–7k/s for plain sqlite3 (STACK-NOTES.md). On SQLite the whole function therefore runs on
    aiosqlite's worker thread with the sqlite3 connection, in the transaction the session has
    already begun (BEGIN IMMEDIATE for writers). aiosqlite 0.22 (pinned) queues callables for
    that thread through `Connection._execute`. Elsewhere `run_sync` runs the same function.

    `commit(result)` true: on SQLite the transaction is committed on that thread in the same trip
    (the caller's session commit then has nothing left to do, see `configure`); the caller must
    run no other statement in it. A durable COMMIT is a third of a push; its own trip was more.
    """
    await session.flush()
    connection = await session.connection()
    if connection.dialect.name != "sqlite":
        return await connection.run_sync(lambda sync: work(PortableStatements(sync)))
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection  # aiosqlite.Connection
    begin = raw.info.pop(PENDING_BEGIN, None)

    def run() -> T:
        if begin is not None:
            _driver_execute(driver._conn, begin)
        result = work(SqliteStatements(driver._conn))
        if commit is not None and commit(result):
            _driver_execute(driver._conn, "COMMIT")
            raw.info[COMMITTED] = True
        return result

    return await driver._execute(run)


def _driver_execute(connection: sqlite3.Connection, sql: str) -> None:
    try:
        connection.execute(sql)
    except sqlite3.Error as error:
        raise exc.OperationalError(sql, None, error) from error


def in_list(prefix: str, values) -> tuple[str, dict[str, Any]]:
    """`(:p0, :p1, …)` and its parameters: portable IN lists for plain SQL."""
    params = {f"{prefix}{i}": v for i, v in enumerate(values)}
    names = ", ".join(f":{name}" for name in params) or "NULL"
    return f"({names})", params
