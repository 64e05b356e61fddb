"""Photos as work-order events and signing as a sync command (issue 6 items 1, 7).

The phone's hash is computed here the way the phone computes it: from the record state it
pulled (backend/signatures/signable.py is the reference; PROTOCOL.md §9)."""

from backend.signatures.canonical import digest
from backend.signatures.signable import signable_form
from tests.builders import login
from tests.conftest import sql
from tests.evidence import samples
from tests.sync_api.sync_api_builders import mutation, pull_all, push

CAPTURE = {
    "type": "signature",
    "signer_name": "李四",
    "role": "甲方代表 示例市看守所",
    "signed_at": "2026-11-20T09:00:00.000Z",
    "image_sha256": "e" * 64,
    "strokes": [[[1.0, 2.0, 0.0], [3.5, 4.0, 16.0]]],
}


def photo(sha: str, phase: str = "before") -> dict:
    return {"sha256": sha, "phase": phase, "captured_at": "2026-11-20T08:30:00.120Z"}


def rest_photo(photo_id: str, world, kind: str, record_id: str, phase: str) -> dict:
    """A POST /api/photos body on side a's site (the bytes need not have arrived)."""
    return {
        "id": photo_id,
        "sha256": "d" * 64,
        "site_id": world.a.site_id,
        "record_kind": kind,
        "record_id": record_id,
        "phase": phase,
        "captured_at": "2026-11-20T08:30:00Z",
    }


async def verified_work_order(client, world, database, wo: str, phone: str = "phone-s1") -> None:
    """A work order the phone created and photographed, then (by fiat) verified."""
    site = world.a.site_id
    results = await push(
        client,
        mutation("work_order.create", wo, phone, title="球机无图像", site_id=site),
        mutation("work_order.add_photo", wo, phone, photo_id=f"{wo}-p1", photo=photo("a" * 64)),
        mutation("work_order.add_photo", wo, phone, photo_id=f"{wo}-p2", photo=photo("b" * 64, "after")),
    )
    assert [r["status"] for r in results.json()["results"]] == ["applied"] * 3
    await sql(database, "UPDATE work_orders SET status = 'verified' WHERE id = ?", wo)


async def phone_state(client, wo: str) -> dict:
    changes = (await pull_all(client))["changes"]
    return [c for c in changes if c["entity"] == "work_order" and c["id"] == wo][-1]["data"]


def sign(wo: str, record_hash: str, phone: str = "phone-s1") -> dict:
    return mutation(
        "work_order.sign", wo, phone, base={"status": "verified"}, record_hash=record_hash, capture=CAPTURE
    )


async def test_a_record_signed_with_the_hash_the_signer_saw_is_signed_and_locked(client, world, app):
    await login(client, "technician_a")
    await verified_work_order(client, world, app.state.db, "wo-s1")
    shown = digest(signable_form("work_order", await phone_state(client, "wo-s1")))
    result = (await push(client, sign("wo-s1", shown))).json()["results"][0]
    assert result["status"] == "applied", result
    db = app.state.db
    [(status, signed)] = await sql(db, "SELECT status, signed FROM work_orders WHERE id = 'wo-s1'")
    assert (status, bool(signed)) == ("signed", True)
    rows = await sql(db, "SELECT record_hash, outcome FROM signed_records WHERE record_id = 'wo-s1'")
    assert rows == [(shown, "signed")]
    assert (await phone_state(client, "wo-s1"))["fields"]["status"] == "signed"
    late = mutation("work_order.add_photo", "wo-s1", "phone-s1", photo_id="late", photo=photo("c" * 64))
    assert (await push(client, late)).json()["results"][0]["status"] == "conflict"  # an amendment request


async def test_a_record_signed_offline_and_edited_on_another_device_ends_as_stale_signature(
    client, world, app
):
    await login(client, "technician_a")
    await verified_work_order(client, world, app.state.db, "wo-s2")
    shown_offline = digest(signable_form("work_order", await phone_state(client, "wo-s2")))
    edit = mutation("work_order.set_fields", "wo-s2", "phone-s2", fields={"notes": "换了电源适配器"})
    assert (await push(client, edit)).json()["results"][0]["status"] == "applied"
    result = (await push(client, sign("wo-s2", shown_offline))).json()["results"][0]
    assert result["status"] == "conflict"
    db = app.state.db
    assert await sql(db, "SELECT status FROM work_orders WHERE id = 'wo-s2'") == [("verified",)]
    assert await sql(db, "SELECT count(*) FROM signed_records WHERE record_id = 'wo-s2'") == [(0,)]
    card = await sql(db, "SELECT kind, status FROM sync_conflicts WHERE id = ?", result["conflict_id"])
    assert card == [("stale_signature", "open")]
    cards = [c for c in (await pull_all(client))["changes"] if c["entity"] == "conflict"]
    assert any(c["id"] == result["conflict_id"] and c["data"]["kind"] == "stale_signature" for c in cards)


async def test_a_sign_sent_twice_is_a_duplicate_not_a_second_signature(client, world, app):
    await login(client, "technician_a")
    await verified_work_order(client, world, app.state.db, "wo-s3")
    body = sign("wo-s3", digest(signable_form("work_order", await phone_state(client, "wo-s3"))))
    assert (await push(client, body)).json()["results"][0]["status"] == "applied"
    again = (await push(client, body)).json()["results"][0]
    assert (again["status"], again["original_status"]) == ("duplicate", "applied")
    assert await sql(app.state.db, "SELECT count(*) FROM signed_records WHERE record_id = 'wo-s3'") == [(1,)]


async def test_a_removed_photo_is_a_tombstone_and_no_longer_signed_or_listed(client, world, app):
    await login(client, "technician_a")
    await verified_work_order(client, world, app.state.db, "wo-s4")
    remove = mutation("work_order.remove_photo", "wo-s4", "phone-s1", photo_id="wo-s4-p2")
    assert (await push(client, remove)).json()["results"][0]["status"] == "applied"
    state = await phone_state(client, "wo-s4")
    assert state["events"]["photos"]["wo-s4-p2"]["removed"] is True
    assert [p["sha256"] for p in signable_form("work_order", state)["photos"]] == ["a" * 64]
    listed = await client.get("/api/photos", params={"record_kind": "work_order", "record_id": "wo-s4"})
    assert [p["id"] for p in listed.json()] == ["wo-s4-p1"]
    assert await sql(app.state.db, "SELECT state FROM photos WHERE id = 'wo-s4-p2'") == [("removed",)]


async def test_the_phone_learns_from_a_pull_when_the_bytes_of_its_photo_arrived(client, world, app):
    await login(client, "technician_a")
    data = samples.jpeg_with_metadata(seed=31)
    sha = samples.sha256(data)
    site, wo = world.a.site_id, "wo-s5"
    await push(
        client,
        mutation("work_order.create", wo, "phone-s1", title="门禁故障", site_id=site),
        mutation("work_order.add_photo", wo, "phone-s1", photo_id="wo-s5-p1", photo=photo(sha)),
    )
    cursor = (await pull_all(client))["cursor"]
    assert await sql(app.state.db, "SELECT state FROM photos WHERE id = 'wo-s5-p1'") == [("pending_blob",)]
    assert (await samples.upload(client, data, site)).status_code == 204
    blobs = [c for c in (await pull_all(client, cursor))["changes"] if c["entity"] == "blob"]
    assert [(c["id"], c["data"]["state"]) for c in blobs] == [(sha, "present")]
    assert await sql(app.state.db, "SELECT state FROM photos WHERE id = 'wo-s5-p1'") == [("present",)]


async def test_a_photo_attached_by_rest_is_the_same_event_a_phone_would_push(client, world):
    await login(client, "technician_a")
    wo = world.extra["a"]["work_order_id"]
    body = rest_photo("0190a6f4-0000-7000-8000-0000000000aa", world, "work_order", wo, "during")
    assert (await client.post("/api/photos", json=body)).status_code == 201
    event = (await phone_state(client, wo))["events"]["photos"][body["id"]]
    assert event["removed"] is False
    assert event["data"] == {
        "sha256": "d" * 64,
        "phase": "during",
        "captured_at": "2026-11-20T08:30:00Z",
        "item": None,
        "latitude": None,
        "longitude": None,
    }


async def test_rest_signing_shows_the_hash_and_refuses_a_stale_one(client, world, app):
    await login(client, "technician_a")
    await verified_work_order(client, world, app.state.db, "wo-s6")
    shown = (await client.get("/api/work-orders/wo-s6/hash")).json()
    assert shown["record_hash"] == digest(signable_form("work_order", await phone_state(client, "wo-s6")))
    body = {"record_hash": "0" * 64, "capture": CAPTURE}
    stale = await client.post("/api/work-orders/wo-s6/sign", json=body)
    assert (stale.status_code, stale.json()["error"]) == (409, "stale_signature")
    signed = await client.post(
        "/api/work-orders/wo-s6/sign", json={**body, "record_hash": shown["record_hash"]}
    )
    assert signed.status_code == 201, signed.text
    assert signed.json()["record_hash"] == shown["record_hash"]
    assert await sql(app.state.db, "SELECT status FROM work_orders WHERE id = 'wo-s6'") == [("signed",)]
    assert (await client.get("/api/work-orders/wo-s6/hash")).json()["locked"] is True


async def test_a_photo_attached_by_rest_to_an_inspection_is_an_inspection_photo_event(client, world):
    await login(client, "technician_a")
    inspection = world.extra["a"]["inspection_id"]
    body = rest_photo("0190a6f4-0000-7000-8000-0000000000ab", world, "inspection", inspection, "other")
    assert (await client.post("/api/photos", json=body)).status_code == 201
    changes = (await pull_all(client))["changes"]
    state = [c for c in changes if c["entity"] == "inspection" and c["id"] == inspection][-1]["data"]
    assert state["events"]["photos"][body["id"]]["data"]["sha256"] == "d" * 64


async def test_a_pushed_photo_cannot_borrow_bytes_another_site_uploaded(client, world, app):
    await login(client, "technician_a")
    data = samples.jpeg_with_metadata(seed=41)
    sha = samples.sha256(data)
    assert (await samples.upload(client, data, world.a.site_id)).status_code == 204
    await login(client, "technician_b")
    wo = "wo-s9"
    results = await push(
        client,
        mutation("work_order.create", wo, "phone-b9", title="借图", site_id=world.b.site_id),
        mutation("work_order.add_photo", wo, "phone-b9", photo_id="wo-s9-p1", photo=photo(sha)),
    )
    assert [r["status"] for r in results.json()["results"]] == ["applied", "rejected"]
    assert "someone else" in results.json()["results"][1]["message"]
    assert await sql(app.state.db, "SELECT count(*) FROM photos WHERE id = 'wo-s9-p1'") == [(0,)]
    assert (await client.get(f"/api/blobs/{sha}")).status_code == 404
