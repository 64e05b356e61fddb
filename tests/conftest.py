"""Every test gets its own copy of a database that Alembic migrated once per session."""

import shutil
import sqlite3
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from backend import migrate
from backend.app import create_app
from backend.settings import Settings
from tests.builders import World, build_world


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "weibao.sqlite3"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def settings(tmp_path, template_db) -> Settings:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(template_db, data_dir / "weibao.sqlite3")
    return Settings(data_dir=data_dir)


@pytest.fixture
async def app(settings):
    return create_app(settings)


@pytest.fixture
async def client(app):
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
async def world(app) -> World:
    return await build_world(app.state.db)


@pytest.fixture
def db_file(settings) -> Path:
    return Path(settings.data_dir) / "weibao.sqlite3"


def table_snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table: equal snapshots mean nothing was written."""
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}"))) for t in tables}


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
