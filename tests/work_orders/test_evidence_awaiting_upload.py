"""Evidence photos whose bytes never reached the server: an offline phone's signature is not
refused for them (it pushes before it uploads), but the ticket cannot be closed while any is
awaited, and the refusal lists them (backend/work_orders/evidence.py)."""

from backend.signatures.canonical import digest
from backend.signatures.signable import signable_form
from backend.work_orders.evidence import EvidencePhoto, awaiting_upload, awaiting_upload_refusal
from tests.builders import login
from tests.conftest import sql
from tests.evidence import samples
from tests.evidence.test_sign_sync import phone_state, photo, sign
from tests.sync_api.sync_api_builders import mutation, push

WAITING = EvidencePhoto("p3", "after", "c" * 64, "pending_blob")


def test_only_live_photos_without_bytes_are_awaited_in_repair_order():
    photos = [
        WAITING,
        EvidencePhoto("p1", "before", "a" * 64, "present"),
        EvidencePhoto("p2", "before", "b" * 64, "pending_blob"),
        EvidencePhoto("p4", "during", "d" * 64, "removed"),
    ]
    assert [p.id for p in awaiting_upload(photos)] == ["p2", "p3"]


def test_the_refusal_names_each_awaited_photo_and_what_to_do():
    refusal = awaiting_upload_refusal([WAITING], "close this ticket")
    assert refusal.code == "evidence_awaiting_upload"
    assert "close this ticket" in refusal.message and "after cccccccccccc" in refusal.message
    assert "retaken" in refusal.message
    assert refusal.detail == {
        "photos": [{"id": "p3", "phase": "after", "sha256": "c" * 64, "state": "pending_blob"}]
    }
    assert awaiting_upload_refusal([EvidencePhoto("p1", "before", "a" * 64, "present")], "close") is None


async def signed_with_one_photo_missing(client, world, database, wo: str) -> tuple[bytes, str]:
    """A phone's ticket with two photos, one uploaded and one not, verified, then signed by a
    push (the signature does not wait for bytes); returns the missing photo's bytes and hash."""
    await login(client, "technician_a")
    here, missing = samples.jpeg_with_metadata(seed=41), samples.jpeg_with_metadata(seed=42)
    site = world.a.site_id
    results = await push(
        client,
        mutation("work_order.create", wo, "phone-e1", title="录像机离线", site_id=site),
        mutation(
            "work_order.add_photo", wo, "phone-e1", photo_id=f"{wo}-p1", photo=photo(samples.sha256(here))
        ),
        mutation(
            "work_order.add_photo",
            wo,
            "phone-e1",
            photo_id=f"{wo}-p2",
            photo=photo(samples.sha256(missing), "after"),
        ),
    )
    assert [r["status"] for r in results.json()["results"]] == ["applied"] * 3
    assert (await samples.upload(client, here, site)).status_code == 204
    await sql(database, "UPDATE work_orders SET status = 'verified' WHERE id = ?", wo)
    shown = digest(signable_form("work_order", await phone_state(client, wo)))
    [signed] = (await push(client, sign(wo, shown, "phone-e1"))).json()["results"]
    assert signed["status"] == "applied", signed
    return missing, samples.sha256(missing)


async def test_a_signed_ticket_cannot_be_closed_until_its_evidence_bytes_arrive(client, world, app):
    missing, sha = await signed_with_one_photo_missing(client, world, app.state.db, "wo-e1")
    await login(client, "dispatcher_a")
    photos = (
        await client.get("/api/photos", params={"record_kind": "work_order", "record_id": "wo-e1"})
    ).json()
    assert {p["sha256"]: p["state"] for p in photos}[sha] == "pending_blob"
    refused = await client.post("/api/work-orders/wo-e1/transition", json={"to": "closed"})
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["error"] == "evidence_awaiting_upload" and sha[:12] in body["message"]
    assert [(p["id"], p["phase"]) for p in body["detail"]["photos"]] == [("wo-e1-p2", "after")]
    assert (await client.get("/api/work-orders/wo-e1")).json()["status"] == "signed"
    await login(client, "technician_a")
    assert (await samples.upload(client, missing, world.a.site_id)).status_code == 204
    await login(client, "dispatcher_a")
    closed = await client.post("/api/work-orders/wo-e1/transition", json={"to": "closed"})
    assert (closed.status_code, closed.json()["status"]) == (200, "closed"), closed.text


async def test_an_illegal_close_stays_a_409_whatever_the_evidence(client, world):
    await login(client, "technician_a")
    site = world.a.site_id
    await push(
        client,
        mutation("work_order.create", "wo-e2", "phone-e2", title="门禁故障", site_id=site),
        mutation("work_order.add_photo", "wo-e2", "phone-e2", photo_id="wo-e2-p1", photo=photo("f" * 64)),
    )
    await login(client, "dispatcher_a")
    illegal = await client.post("/api/work-orders/wo-e2/transition", json={"to": "closed"})
    assert illegal.status_code == 409, illegal.text
