"""The ledger keeps each decided result compactly, and still reads rows kept the older way."""

import json

from tests.builders import login
from tests.conftest import sql
from tests.sync_api.sync_api_builders import mutation, push

PHONE = "phone-ledger"


async def test_a_duplicate_gets_the_first_outcome_back_from_compact_and_older_ledger_rows(client, world, app):
    await login(client, "technician_a")
    wo = "wo-ledger-1"
    batch = [
        mutation("work_order.create", wo, PHONE, seq=1, title="Door held", site_id=world.a.site_id),
        mutation("work_order.transition", wo, PHONE, seq=2, base={"status": "reported"}, to="on_site"),
        mutation("work_order.set_fields", "wo-ledger-missing", PHONE, seq=3, fields={"notes": "x"}),
    ]
    first = (await push(client, *batch)).json()["results"]
    assert [r["status"] for r in first] == ["applied", "conflict", "rejected"]
    kept = dict(await sql(app.state.db, "SELECT id, result FROM sync_applied WHERE client_id = ?", PHONE))
    assert json.loads(kept[batch[0]["id"]]) == {"status": "applied"}  # no id, no empty fields
    assert json.loads(kept[batch[1]["id"]]) == {
        "status": "conflict",
        "message": first[1]["message"],
        "conflict_id": batch[1]["id"],
    }
    # A row written before the compact form: the whole PushResult, nulls included.
    older = {"id": batch[2]["id"], "status": "rejected", "message": first[2]["message"], "conflict_id": None,
             "original_status": None}  # fmt: skip
    await sql(
        app.state.db, "UPDATE sync_applied SET result = ? WHERE id = ?", json.dumps(older), batch[2]["id"]
    )

    again = (await push(client, *batch)).json()["results"]
    assert [(r["id"], r["status"], r["original_status"]) for r in again] == [
        (m["id"], "duplicate", status)
        for m, status in zip(batch, ["applied", "conflict", "rejected"], strict=True)
    ]
    assert again[1]["conflict_id"] == batch[1]["id"] and again[2]["message"] == first[2]["message"]
