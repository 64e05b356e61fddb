"""Run Alembic from code: the app never creates tables any other way."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    return config


def in_own_thread(work, *args) -> None:
    # env.py runs its async engine with asyncio.run(), which refuses to start inside a thread
    # that already runs an event loop (an async caller, a test harness); a thread has none.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(work, *args).result()


def upgrade(database_url: str, revision: str = "heads") -> None:
    in_own_thread(command.upgrade, alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    in_own_thread(command.downgrade, alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Raises if the models describe tables or columns no migration creates."""
    in_own_thread(command.check, alembic_config(database_url))
