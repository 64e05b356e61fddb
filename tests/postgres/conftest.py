"""PostgreSQL is the subject here: one real server per test session, one database per test.

Each test gets a fresh database copied (CREATE DATABASE … TEMPLATE) from one that Alembic
migrated once: ~0.1 s instead of a full migration. `settings` is overridden, so the root
conftest's `app` and `client` fixtures run on PostgreSQL in this directory. `world` is
overridden too: AsyncTestClient runs the app on its own event loop in another thread, and an
asyncpg connection belongs to the loop that opened it, so rows a test writes or reads itself go
through a Database of the test's own loop (`own_db`), never through app.state.db.
"""

import asyncio
import uuid

import asyncpg
import pytest

from backend import migrate
from backend.db import connect
from backend.settings import Settings
from tests.builders import World, build_world
from tests.postgres.cluster import Cluster, start_cluster

TEMPLATE = "weibao_template"


@pytest.fixture(scope="session")
def postgres() -> Cluster:
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_template(postgres) -> str:
    create_database(postgres, TEMPLATE)
    migrate.upgrade(postgres.url(TEMPLATE))
    return TEMPLATE


def create_database(cluster: Cluster, name: str, template: str = "template0") -> None:
    async def create() -> None:
        connection = await asyncpg.connect(cluster.dsn())
        try:
            await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            await connection.close()

    migrate.in_own_thread(asyncio.run, create())


@pytest.fixture
def pg_database(postgres, pg_template) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    create_database(postgres, name, template=pg_template)
    return name


@pytest.fixture
def settings(tmp_path, postgres, pg_database) -> Settings:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    return Settings(data_dir=data_dir, database_url=postgres.url(pg_database))


@pytest.fixture
async def own_db(settings):
    database = connect(settings)
    yield database
    await database.dispose()


@pytest.fixture
async def world(own_db) -> World:
    return await build_world(own_db)
