"""Every test gets its own copy of a database that Alembic migrated once per session.

WEIBAO_TEST_DB=postgres runs the API fixtures (`settings`, `app`, `client`, `world`) on
PostgreSQL instead of SQLite: one throwaway server per session (tests/postgres/cluster.py), a
migrated template database, and a fresh copy of it per test (CREATE DATABASE … TEMPLATE).
Tests that only make sense on SQLite carry `@pytest.mark.sqlite_only("why")` and are skipped
there; so is anything asking for `db_file`, the SQLite file itself.
"""

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import inspect, text

from backend import migrate
from backend.app import create_app
from backend.db import Database, connect, session_scope
from backend.dialect import run_statements
from backend.settings import Settings
from tests.builders import World, build_world

ON_POSTGRES = os.environ.get("WEIBAO_TEST_DB", "sqlite") == "postgres"


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): skipped when WEIBAO_TEST_DB=postgres")


def pytest_collection_modifyitems(config, items) -> None:
    """On PostgreSQL only the tests that use the database (the `settings` fixture) run: the
    others would repeat the SQLite run's work exactly."""
    if not ON_POSTGRES:
        return
    kept, dropped = [], []
    for item in items:
        (kept if "settings" in getattr(item, "fixturenames", ()) else dropped).append(item)
        if marker := item.get_closest_marker("sqlite_only"):
            reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))
        elif "db_file" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skip(reason="SQLite only: reads or writes the SQLite file directly"))
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "weibao.sqlite3"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server for this test session, started on first use only."""
    from tests.postgres.cluster import start_cluster

    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_databases(postgres):
    """Fresh copies of a template database that Alembic migrated once."""
    from tests.postgres.cluster import TEMPLATE, DatabaseSupply

    postgres.create_database(TEMPLATE)
    migrate.upgrade(postgres.url(TEMPLATE))
    supply = DatabaseSupply(postgres, TEMPLATE)
    yield supply
    supply.close()


@pytest.fixture
def pg_settings(tmp_path, postgres, pg_databases):
    """Settings on a fresh copy of the migrated template, dropped after the test."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    name = pg_databases.take()
    yield Settings(data_dir=data_dir, database_url=postgres.url(name))
    pg_databases.give_back(name)


class DatabasePerLoop:
    """app.state.db on PostgreSQL: one pooled Database per event loop.

    AsyncTestClient runs the app on its own loop in another thread while the test (and `world`)
    use app.state.db on the test's loop; an asyncpg connection belongs to the loop that opened
    it, so one shared pool would hand the app a connection of the test's loop. Each loop's
    engine is disposed on that loop: the app's at its shutdown, the test's after the test.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.by_loop: dict[asyncio.AbstractEventLoop, Database] = {}

    def current(self) -> Database:
        loop = asyncio.get_running_loop()
        if loop not in self.by_loop:
            self.by_loop[loop] = connect(self.settings)
        return self.by_loop[loop]

    @property
    def engine(self):
        return self.current().engine

    @property
    def reader(self):
        return self.current().reader

    @property
    def writer(self):
        return self.current().writer

    async def dispose(self) -> None:
        database = self.by_loop.pop(asyncio.get_running_loop(), None)
        if database is not None:
            await database.dispose()


@pytest.fixture
def settings(request, tmp_path) -> Settings:
    if ON_POSTGRES:
        return request.getfixturevalue("pg_settings")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(request.getfixturevalue("template_db"), data_dir / "weibao.sqlite3")
    return Settings(data_dir=data_dir)


@asynccontextmanager
async def app_of(settings: Settings) -> AsyncIterator[Litestar]:
    """create_app for a test: on PostgreSQL with a DatabasePerLoop, disposed on every loop."""
    app = create_app(settings)
    if not settings.database_url.startswith("postgresql"):
        yield app
        return
    app.state.db = per_loop = DatabasePerLoop(settings)
    app.on_shutdown.append(per_loop.dispose)  # the loop of each client that served it
    try:
        yield app
    finally:
        await per_loop.dispose()  # the test's


@pytest.fixture
async def app(settings):
    async with app_of(settings) as app:
        yield app


@pytest.fixture
async def client(app):
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
async def world(app) -> World:
    return await build_world(app.state.db, app.state.settings.media_dir)


@pytest.fixture
def db_file(settings) -> Path:
    return Path(settings.data_dir) / "weibao.sqlite3"


async def sql(database: Database, statement: str, *values, **params) -> list[tuple]:
    """Plain SQL through the app's engine (SQLite or PostgreSQL) in a transaction of its own;
    the rows, if it returns any. For what a test reads or tampers with behind the API.
    Parameters are `:name`s, or `?`s (as sqlite3 takes them) given positionally."""
    for number, value in enumerate(values):
        statement = statement.replace("?", f":_{number}", 1)
        params[f"_{number}"] = value
    async with session_scope(database, write=True) as session:
        result = await session.execute(text(statement), params)
        return [tuple(row) for row in result] if result.returns_rows else []


async def drop_append_only_guard(database: Database, table: str) -> None:
    """What someone with raw access to the database does before tampering with a signed or
    audited row: drop the trigger that refuses UPDATE (dialect.append_only_trigger_sql)."""
    name = database.engine.dialect.name
    drop = (
        f"DROP TRIGGER {table}_no_update"
        if name == "sqlite"
        else f"DROP TRIGGER {table}_append_only ON {table}"
    )
    await sql(database, drop)


async def with_statements(database: Database, work, *, write: bool = False):
    """`work(statements)` as the sync engine runs it (dialect.run_statements), either backend."""
    async with session_scope(database, write=write) as session:
        return await run_statements(session, work)


async def table_snapshot(database: Database) -> dict[str, list[str]]:
    """Every row of every table: equal snapshots mean nothing was written."""

    def read(connection) -> dict[str, list[str]]:
        tables = inspect(connection).get_table_names()
        return {t: sorted(map(repr, connection.execute(text(f'SELECT * FROM "{t}"')))) for t in tables}

    async with database.engine.connect() as connection:
        return await connection.run_sync(read)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """`weibao serve` with demo data, shared by the browser journeys of one test session."""
    from tests.live import demo_server

    server = demo_server(tmp_path_factory.mktemp("live") / "data")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    # Module scope: Playwright's sync API keeps an event loop running in this thread while it
    # is open, which async tests elsewhere cannot share. Keep browser tests in their own
    # modules, with sync test functions only.
    from playwright.sync_api import sync_playwright

    from tests.live import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def artifacts() -> Path:
    """Screenshots land here for people to look at."""
    path = Path(__file__).parent / "artifacts"
    path.mkdir(exist_ok=True)
    return path
