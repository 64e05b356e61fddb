"""Assets sync notes, location (last writer wins) and status (a stale base is a conflict)."""

from tests.builders import login
from tests.conftest import sql
from tests.sync_api.sync_api_builders import mutation, pull_all, push

PHONE = "phone-assets"


async def test_asset_fields_sync_with_last_writer_wins_and_stale_status_conflicts(client, world, app):
    asset = world.extra["a"]["asset_id"]
    await login(client, "technician_a")
    results = (
        await push(
            client,
            mutation(
                "asset.set_fields", asset, PHONE, fields={"notes": "lens cleaned", "location": "Gate 2"}
            ),
            mutation(
                "asset.set_fields",
                asset,
                PHONE,
                base={"values": {"status": "in_service"}},
                fields={"status": "faulty"},
            ),
            mutation(
                "asset.set_fields",
                asset,
                PHONE,
                base={"values": {"status": "in_service"}},
                fields={"status": "offline"},
            ),
        )
    ).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "conflict"]
    [row] = await sql(app.state.db, "SELECT notes, location_text, status FROM assets WHERE id=?", asset)
    history = await sql(
        app.state.db, "SELECT detail FROM asset_events WHERE asset_id=? AND kind='status_changed'", asset
    )
    assert row == ("lens cleaned", "Gate 2", "faulty")
    assert len(history) == 1
    [change] = [c for c in (await pull_all(client))["changes"] if c["id"] == asset]
    assert change["entity"] == "asset" and change["data"]["fields"]["status"] == "faulty"


async def test_an_asset_of_another_site_is_rejected_like_a_missing_one(client, world):
    foreign = world.extra["b"]["asset_id"]
    await login(client, "technician_a")
    [result] = (
        await push(client, mutation("asset.set_fields", foreign, PHONE, fields={"notes": "x"}))
    ).json()["results"]
    assert (result["status"], result["message"]) == ("rejected", f"no asset {foreign}")
