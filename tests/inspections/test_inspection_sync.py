"""Inspections as sync mutations: phones start, answer, photograph and submit offline; the
server merges them with the generic engine and the inspection checks (sync_records.py)."""

import itertools
import time

from backend.db import new_id, session_scope
from backend.dialect import run_statements
from backend.inspections import writes
from backend.inspections.templates import load_templates
from backend.sync_api import engine
from sync.protocol import mutation_from_builtins
from tests.builders import login
from tests.sync_api.sync_api_builders import mutation, pull_all, push

FIXED_CAMERA = load_templates()[("fixed_camera", 1)]
# Phone clocks (ms): an hour behind the server, so no clock is clamped and the HLC order holds.
T0 = time.time_ns() // 1_000_000 - 3_600_000
SEQ = itertools.count(10_000)
PHOTO = {"sha256": "a" * 64, "phase": "other", "captured_at": "2027-01-15T08:00:00Z", "item": "image_clear"}


def value_for(item) -> object:
    tag = type(item).__struct_config__.tag
    if tag == "reading":
        return (item.min + item.max) / 2
    return "fine" if tag == "text" else True


def start(record_id: str, world, phone: str, at: int = T0, **args) -> dict:
    return mutation(
        "inspection.start", record_id, phone, at=at, site_id=world.a.site_id,
        asset_id=world.extra["a"]["asset_id"], started_at="2027-01-15T08:00:00+08:00", **args,
    )  # fmt: skip


def answer(record_id: str, phone: str, at: int, item: str, value, note: str = "") -> dict:
    body = {"item": item, "value": value, "note": note}
    return mutation("inspection.answer", record_id, phone, at=at, answer_id=new_id(), answer=body)


def complete(record_id: str, phone: str, at: int) -> list[dict]:
    answers = [answer(record_id, phone, at + i, item.key, value_for(item)) for i, item in
               enumerate(FIXED_CAMERA.items)]  # fmt: skip
    photo = mutation("inspection.add_photo", record_id, phone, at=at + 50, photo_id=new_id(), photo=PHOTO)
    return [*answers, photo]


def submit(record_id: str, phone: str, at: int, seen: str = "draft") -> dict:
    return mutation("inspection.submit", record_id, phone, at=at, base={"status": seen},
                    finished_at="2027-01-15T09:00:00+08:00")  # fmt: skip


async def statuses(client, *bodies: dict) -> list[str]:
    for body in bodies:  # built in any order; sent as one phone's outbox, seq ascending
        body["seq"] = next(SEQ)
    response = await push(client, *bodies)
    assert response.status_code == 200, response.text
    return [
        r["status"] + (f": {r['message']}" if r.get("message") else "") for r in response.json()["results"]
    ]


async def test_two_phones_answering_different_items_offline_both_count(client, world):
    await login(client, "technician_a")
    record = new_id()
    assert await statuses(client, start(record, world, "phone-1")) == ["applied"]
    one = answer(record, "phone-1", T0 + 10, "mounting_firm", True)
    two = answer(record, "phone-2", T0 + 5, "supply_voltage", 12.0)
    assert await statuses(client, one) == ["applied"]
    assert await statuses(client, two) == ["applied"]
    items = {i["key"]: i for i in (await client.get(f"/api/inspections/{record}")).json()["items"]}
    assert items["mounting_firm"]["outcome"] == "pass" and items["supply_voltage"]["outcome"] == "pass"
    assert items["mounting_firm"]["answer"]["value"] is True


async def test_the_same_item_answered_twice_keeps_the_newest_clock_and_the_older_answer(client, world):
    await login(client, "technician_a")
    record = new_id()
    newer = answer(record, "phone-2", T0 + 200, "supply_voltage", 12.1, note="re-measured")
    older = answer(record, "phone-1", T0 + 100, "supply_voltage", 9.0)
    # Delivered newest first: the clock decides, not the order of arrival.
    assert await statuses(client, start(record, world, "phone-1")) == ["applied"]
    assert await statuses(client, newer) == ["applied"]
    assert await statuses(client, older) == ["applied"]
    out = (await client.get(f"/api/inspections/{record}")).json()
    voltage = next(i for i in out["items"] if i["key"] == "supply_voltage")
    assert voltage["answer"]["value"] == 12.1 and voltage["outcome"] == "pass"
    pulled = [
        c for c in (await pull_all(client))["changes"] if c["entity"] == "inspection" and c["id"] == record
    ]
    history = pulled[-1]["data"]["events"]["answers"]
    assert sorted(e["data"]["value"] for e in history.values()) == [9.0, 12.1]


async def test_an_out_of_range_reading_pushed_from_a_phone_is_a_failed_item(client, world):
    await login(client, "technician_a")
    record = new_id()
    high = answer(record, "phone-1", T0 + 10, "supply_voltage", 14.5, note="adapter drifting")
    assert await statuses(client, start(record, world, "phone-1"), high) == ["applied", "applied"]
    out = (await client.get(f"/api/inspections/{record}")).json()
    assert out["failed_items"] == 1
    assert next(i for i in out["items"] if i["key"] == "supply_voltage")["outcome"] == "fail"
    drafts = (await client.get(f"/api/inspections/{record}/fault-drafts")).json()
    assert [d["item_key"] for d in drafts] == ["supply_voltage"]
    pulled = [
        c for c in (await pull_all(client))["changes"] if c["entity"] == "inspection" and c["id"] == record
    ]
    assert pulled[-1]["data"]["results"]["supply_voltage"]["outcome"] == "fail"
    assert pulled[-1]["data"]["template_id"] == "fixed_camera.v1"


async def test_a_submit_with_unanswered_required_items_is_rejected_and_a_complete_one_applies(client, world):
    await login(client, "technician_a")
    record = new_id()
    early = submit(record, "phone-1", T0 + 5)
    results = await statuses(client, start(record, world, "phone-1"), early)
    assert results[1].startswith("rejected: 11 item(s) still need an answer or a photo: mounting_firm")
    assert (
        await statuses(client, *complete(record, "phone-1", T0 + 10), submit(record, "phone-1", T0 + 90))
        == ["applied"] * 14
    )
    out = (await client.get(f"/api/inspections/{record}")).json()
    assert out["state"] == "submitted" and out["submitted_at"] is not None
    assert out["finished_at_device"].startswith("2027-01-15T01:00:00")


async def test_an_edit_after_signing_becomes_an_amendment_request(client, world, app):
    await login(client, "technician_a")
    record = new_id()
    await statuses(client, start(record, world, "phone-1"), *complete(record, "phone-1", T0 + 10))
    assert await statuses(client, submit(record, "phone-1", T0 + 90)) == ["applied"]
    await sign_on_the_server(app, world, record)
    late = answer(record, "phone-1", T0 + 120, "mounting_firm", False, note="loose after all")
    results = (await push(client, late)).json()["results"]
    assert results[0]["status"] == "conflict"
    await login(client, "dispatcher_a")
    cards = (await client.get("/api/conflicts")).json()
    card = next(c for c in cards if c["record_id"] == record)
    assert card["kind"] == "amendment_request"
    out = (await client.get(f"/api/inspections/{record}")).json()
    assert next(i for i in out["items"] if i["key"] == "mounting_firm")["answer"]["value"] is True


async def sign_on_the_server(app, world, record_id: str) -> None:
    """The status move a refusal makes (the sign command itself is the evidence domain's)."""
    capture = {"type": "refusal", "contact_person": "王五", "reason": "not_present", "reason_text": "",
               "refused_at": "2027-01-15T09:30:00Z"}  # fmt: skip
    body = {"name": "inspection.sign", "id": new_id(), "client_id": "server", "seq": 1,
            "hlc": "000000000000000:00000:server", "record_id": record_id, "base": {"status": "submitted"},
            "record_hash": "0" * 64, "capture": capture}  # fmt: skip
    caller = engine.Caller(world.user_ids["admin"], None)
    async with session_scope(app.state.db, write=True) as session:
        work = lambda s: writes.decide_all(s, [mutation_from_builtins(body)], caller, 1_900_000_000_000)  # noqa: E731
        await run_statements(session, work)


async def test_a_bad_start_is_rejected_with_the_reason(client, world):
    await login(client, "technician_a")
    other_asset = start(new_id(), world, "phone-1", at=T0)
    other_asset["asset_id"] = world.extra["b"]["asset_id"]
    no_template = start(new_id(), world, "phone-1", at=T0 + 1, template_id="no_such.v1")
    unknown_item = answer(other_asset["record_id"], "phone-1", T0 + 2, "mounting_firm", True)
    results = await statuses(client, other_asset, no_template, unknown_item)
    assert results[0] == f"rejected: no asset {world.extra['b']['asset_id']} on site {world.a.site_id}"
    assert results[1] == "rejected: no checklist template no_such.v1"
    assert results[2].startswith("rejected: no inspection")
    record = new_id()
    wrong = answer(record, "phone-1", T0 + 3, "no_such_item", True)
    assert (await statuses(client, start(record, world, "phone-1", at=T0 + 3), wrong))[1] == (
        "rejected: item no_such_item is not on checklist fixed_camera v1"
    )


async def test_rest_and_sync_store_the_same_record(client, world):
    await login(client, "technician_a")
    synced, rest = new_id(), new_id()
    await statuses(client, start(synced, world, "phone-1"), *complete(synced, "phone-1", T0 + 10))
    await statuses(client, submit(synced, "phone-1", T0 + 90))
    asset = world.extra["a"]["asset_id"]
    assert (await client.post("/api/inspections", json={"id": rest, "asset_id": asset})).status_code == 201
    answers = {item.key: {"value": value_for(item)} for item in FIXED_CAMERA.items}
    answers["image_clear"]["photos"] = ["a" * 64]
    patched = await client.patch(f"/api/inspections/{rest}", json={"answers": answers})
    assert patched.status_code == 200, patched.text
    assert (await client.post(f"/api/inspections/{rest}/submit", json={})).status_code == 200
    one, two = [(await client.get(f"/api/inspections/{i}")).json() for i in (synced, rest)]
    assert shape(one) == shape(two)
    assert (one["state"], one["failed_items"], one["template_id"]) == (two["state"], 0, two["template_id"])
    changes = {c["id"] for c in (await pull_all(client))["changes"] if c["entity"] == "inspection"}
    assert {synced, rest} <= changes


def shape(out: dict) -> list[tuple]:
    return [(i["key"], i["outcome"], i["answer"]["value"], len(i["answer"]["photos"])) for i in out["items"]]
