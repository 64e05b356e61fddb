"""An asset lists the codes of the labels it replaced, so a phone resolves an old label offline."""

from tests.builders import login


async def test_an_asset_lists_the_codes_its_replaced_labels_carried_oldest_first(client, world):
    await login(client, "technician_a")
    asset_id, first = world.extra["a"]["asset_id"], world.extra["a"]["tag_code"]
    earlier = (await client.get(f"/api/assets/{asset_id}")).json()["retired_codes"]  # the world's own
    assert first not in earlier
    one = (await client.post(f"/api/assets/{asset_id}/retag", json={"reason": "label damaged"})).json()
    assert one["retired_codes"] == [*earlier, first]
    two = (await client.post(f"/api/assets/{asset_id}/retag", json={"reason": "faded"})).json()
    expected = [*earlier, first, one["tag_code"]]
    assert two["retired_codes"] == expected
    listed = (await client.get("/api/assets", params={"site_id": world.a.site_id})).json()["items"]
    assert next(a for a in listed if a["id"] == asset_id)["retired_codes"] == expected
    scanned = (await client.get(f"/api/tags/{two['tag_code']}")).json()
    assert scanned["asset"]["retired_codes"] == expected
    assert (await client.get(f"/api/tags/{first}")).json()["error"] == "tag_replaced"
