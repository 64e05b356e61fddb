"""The device list pages on the server: total, limit and offset, search kept across pages."""

import pytest

from tests.assets.test_asset_api import create
from tests.builders import login


async def test_pages_of_a_search_add_up_to_its_total_without_overlap(client, world):
    await login(client, "dispatcher_a")
    for n in range(5):
        await create(client, world.a.site_id, serial=f"P{n}", name=f"走廊摄像机{n}")
    await create(client, world.a.site_id, serial="X1", name="报警主机")
    seen = []
    for offset in (0, 2, 4):
        page = (await client.get("/api/assets", params={"q": "走廊", "limit": 2, "offset": offset})).json()
        assert (page["total"], page["limit"], page["offset"]) == (5, 2, offset)
        seen += [a["serial"] for a in page["items"]]
    assert sorted(seen) == [f"P{n}" for n in range(5)]


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "limit=abc", "offset=-1", "offset=x"])
async def test_bad_paging_values_are_a_400_that_names_the_problem(client, world, query):
    await login(client, "dispatcher_a")
    response = await client.get(f"/api/assets?{query}")
    assert response.status_code == 400
    assert response.json()["error"] and response.json()["message"]
