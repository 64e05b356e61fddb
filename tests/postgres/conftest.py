"""PostgreSQL is the subject here: one real server per test session, one database per test.

The server, the migrated template and the per-test copy are the root conftest's (`postgres`,
`pg_databases`, `pg_settings`); here `settings` is always PostgreSQL, whatever WEIBAO_TEST_DB
says, so the root's `app`, `client` and `world` fixtures run on it. `own_db` is a Database of
the test's own event loop for rows a test writes or reads itself (the app's engine has no pool
in tests, so app.state.db would do as well; these tests predate that).
"""

import pytest

from backend.db import connect
from backend.settings import Settings


@pytest.fixture
def settings(pg_settings) -> Settings:
    return pg_settings


@pytest.fixture
async def own_db(settings):
    database = connect(settings)
    yield database
    await database.dispose()
