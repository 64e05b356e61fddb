"""Alembic environment: async engine, batch mode for SQLite ALTERs, models imported here."""

import asyncio
import importlib
from pathlib import Path

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

from backend.db import Base
from backend.settings import Settings

# Every domain's tables live in backend/<domain>/models.py; import them all so autogenerate
# and `alembic check` see the whole schema without a hand-kept list.
for models_file in sorted((Path(__file__).resolve().parent.parent / "backend").glob("*/models.py")):
    importlib.import_module(f"backend.{models_file.parent.name}.models")

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    return config.attributes.get("database_url") or Settings.from_env().database_url


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    engine = create_async_engine(database_url())
    async with engine.connect() as connection:
        await connection.run_sync(run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=database_url(), target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(run_online())
