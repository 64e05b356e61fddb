"""The server records who added each event (PROTOCOL.md §4 "by"): a comment's author, a photo's
taker; phones pull it with the record, the tables keep it, and a later delivery never changes it."""

from tests.builders import login
from tests.conftest import sql
from tests.sync_api.sync_api_builders import mutation, pull_all, push

PHONE = "phone-authors"
PHOTO = {"sha256": "e" * 64, "phase": "before", "captured_at": "2026-11-20T08:30:00Z"}


async def test_comments_and_photos_carry_who_added_them(client, world, app):
    tech, dispatcher = world.user_ids["technician_a"], world.user_ids["dispatcher_a"]
    wo = "wo-authors"
    await login(client, "technician_a")
    results = await push(
        client,
        mutation("work_order.create", wo, PHONE, title="Fault", site_id=world.a.site_id),
        mutation("work_order.add_comment", wo, PHONE, comment_id="c-tech", body="lens fogged"),
        mutation("work_order.add_photo", wo, PHONE, photo_id="p-tech", photo=PHOTO),
    )
    assert [r["status"] for r in results.json()["results"]] == ["applied"] * 3

    await login(client, "dispatcher_a")
    added = await client.post(f"/api/work-orders/{wo}/comments", json={"body": "on my way", "id": "c-disp"})
    assert added.status_code in (200, 201), added.text
    # The technician's comment again, through the console, with the same body: it stays theirs.
    again = await client.post(f"/api/work-orders/{wo}/comments", json={"body": "lens fogged", "id": "c-tech"})
    assert again.status_code in (200, 201), again.text

    [data] = [c["data"] for c in (await pull_all(client))["changes"] if c["id"] == wo][-1:]
    comments = data["events"]["comments"]
    assert (comments["c-tech"]["by"], comments["c-disp"]["by"]) == (tech, dispatcher)
    assert data["events"]["photos"]["p-tech"]["by"] == tech
    rows = await sql(
        app.state.db, "SELECT id, author_id FROM work_order_comments WHERE work_order_id=? ORDER BY id", wo
    )
    assert rows == [("c-disp", dispatcher), ("c-tech", tech)]
    assert await sql(app.state.db, "SELECT taken_by FROM photos WHERE id='p-tech'") == [(tech,)]
    shown = (await client.get(f"/api/work-orders/{wo}")).json()["comments"]
    assert {c["id"]: c["author_id"] for c in shown} == {"c-tech": tech, "c-disp": dispatcher}
    names = dict(
        await sql(app.state.db, "SELECT id, display_name FROM users WHERE id IN (?, ?)", tech, dispatcher)
    )
    assert {c["id"]: c["author_name"] for c in shown} == {"c-tech": names[tech], "c-disp": names[dispatcher]}


async def test_a_removal_is_not_an_addition(client, world):
    wo = "wo-authors-2"
    await login(client, "technician_a")
    await push(
        client,
        mutation("work_order.create", wo, PHONE, title="Fault", site_id=world.a.site_id),
        mutation("work_order.remove_comment", wo, PHONE, comment_id="c-gone"),
    )
    [data] = [c["data"] for c in (await pull_all(client))["changes"] if c["id"] == wo][-1:]
    assert "by" not in data["events"]["comments"]["c-gone"]
