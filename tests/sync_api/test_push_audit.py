"""The push hot path writes its audit row and binds its batches with plain SQL; both must
read back exactly as the ORM and sqlite3's named binding would have."""

import sqlite3
from datetime import UTC

from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.db import session_scope
from backend.dialect import SqliteStatements
from tests.builders import login
from tests.sync_api.sync_api_builders import mutation, push


async def test_a_push_leaves_one_audit_row_with_the_actor_device_and_counts_by_status(app, client, world):
    await login(client, "technician_a")
    client.headers["x-weibao-device"] = "phone-7"
    good = mutation(
        "work_order.create", "wo-audit", "phone-au", title="Dome cracked", site_id=world.a.site_id
    )
    orphan = mutation("work_order.set_fields", "wo-none", "phone-au", fields={"notes": "x"})
    response = await push(client, good, orphan)
    assert response.status_code == 200, response.text
    async with session_scope(app.state.db, write=False) as session:
        entries = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "sync.push"))).all()
    [entry] = entries
    assert (entry.entity, entry.entity_id) == ("sync_clients", "phone-au")
    assert entry.actor_id == world.user_ids["technician_a"] and entry.device == "phone-7"
    assert entry.changes == {"applied": 1, "rejected": 1}
    assert entry.at.tzinfo == UTC


def test_batched_rows_bind_by_name_even_with_repeated_names_and_quoted_colons():
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t (a TEXT, b TEXT, c TEXT, d TEXT)")
    sql = "INSERT INTO t (a, b, c, d) VALUES (:b, ':a', :a, :b)"
    SqliteStatements(conn).many(sql, [{"a": "1", "b": "2"}, {"b": "4", "a": "3", "unused": "x"}])
    SqliteStatements(conn).many("INSERT INTO t (a) VALUES (:only)", [{"only": "5"}])
    assert conn.execute("SELECT a, b, c, d FROM t ORDER BY rowid").fetchall() == [
        ("2", ":a", "1", "2"),
        ("4", ":a", "3", "4"),
        ("5", None, None, None),
    ]
