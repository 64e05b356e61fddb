import sqlite3

from alembic.script import ScriptDirectory

from backend import migrate
from backend.db import Base


def tables(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        return {r[0] for r in rows} - {"alembic_version"}


def test_migrations_from_empty_create_every_table_the_models_declare(tmp_path):
    path = tmp_path / "fresh.sqlite3"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    assert tables(path) == set(Base.metadata.tables)


def test_the_models_and_the_migrations_agree(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'check.sqlite3'}"
    migrate.upgrade(url)
    migrate.check(url)


def test_every_migration_downgrades_to_empty_and_upgrades_again(tmp_path):
    path = tmp_path / "roundtrip.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    assert tables(path) == set()
    migrate.upgrade(url)
    assert tables(path) == set(Base.metadata.tables)


def test_there_is_one_history_without_gaps():
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    revisions = list(script.walk_revisions())
    assert revisions, "no migrations"
    assert all(script.get_revision(r.revision) for r in revisions)
