"""GET /api/verify/{record_hash}: what a report's QR code tells whoever scans the paper.

A work order is photographed, signed through sync (the phone's path) and then checked by hash,
anonymously and signed in; tampering with the stored row or a photo file shows as a problem.
"""

from backend.signatures.canonical import digest
from backend.signatures.signable import signable_form
from tests.builders import login
from tests.conftest import drop_append_only_guard, sql
from tests.evidence import samples
from tests.sync_api.sync_api_builders import mutation, pull_all, push

SIGNER = "李四"
PHONE = "13800138000"


def capture(image_sha: str) -> dict:
    return {
        "type": "signature",
        "signer_name": SIGNER,
        "role": "甲方代表 示例市看守所",
        "phone": PHONE,
        "signed_at": "2026-11-20T09:00:00.000Z",
        "image_sha256": image_sha,
        "strokes": [[[1.0, 2.0, 0.0], [3.5, 4.0, 16.0]]],
    }


async def signed_work_order(client, world, database, wo: str, upload_signature: bool = True) -> dict:
    """technician_a photographs, (by fiat) verifies and signs `wo`; returns hashes and files."""
    await login(client, "technician_a")
    site, phone = world.a.site_id, f"phone-{wo}"
    before, after = samples.jpeg_with_metadata(seed=51), samples.jpeg_with_metadata(seed=52)
    signature = samples.png_bytes()
    uploads = [(before, "image/jpeg"), (after, "image/jpeg")] + (
        [(signature, "image/png")] if upload_signature else []
    )
    for data, content_type in uploads:
        assert (await samples.upload(client, data, site, content_type)).status_code == 204
    shots = [(f"{wo}-p1", before, "before"), (f"{wo}-p2", after, "after")]
    results = await push(
        client,
        mutation(
            "work_order.create", wo, phone, title="球机无图像", site_id=site, notes="客户电话 13900000000"
        ),
        *(
            mutation(
                "work_order.add_photo",
                wo,
                phone,
                photo_id=photo_id,
                photo={"sha256": samples.sha256(data), "phase": phase, "captured_at": "2026-11-20T08:30:00Z"},
            )
            for photo_id, data, phase in shots
        ),
    )
    assert [r["status"] for r in results.json()["results"]] == ["applied"] * 3
    await sql(database, "UPDATE work_orders SET status = 'verified' WHERE id = ?", wo)
    state = [c for c in (await pull_all(client))["changes"] if c["entity"] == "work_order" and c["id"] == wo]
    shown = digest(signable_form("work_order", state[-1]["data"]))
    sign = mutation(
        "work_order.sign",
        wo,
        phone,
        base={"status": "verified"},
        record_hash=shown,
        capture=capture(samples.sha256(signature)),
    )
    assert (await push(client, sign)).json()["results"][0]["status"] == "applied"
    return {"hash": shown, "before": samples.sha256(before)}


async def test_a_signed_record_verifies_for_an_anonymous_caller_without_personal_data(client, world, app):
    signed = await signed_work_order(client, world, app.state.db, "wo-v1")
    client.cookies.clear()
    response = await client.get(f"/api/verify/{signed['hash']}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["found"] and body["ok"], body
    assert (body["record_kind"], body["outcome"], body["version"]) == ("work_order", "signed", 1)
    assert (body["chain_ok"], body["record_ok"], body["files_ok"]) == (True, True, True)
    assert body["problems"] == [] and body["files_pending"] == 0
    assert body["signed_at"].startswith("20")
    assert body["record_id"] is None
    for private in ("wo-v1", SIGNER, PHONE, "13900000000", "甲方代表", world.user_ids["technician_a"]):
        assert private not in response.text


async def test_a_signed_in_caller_in_scope_gets_the_record_id_and_one_out_of_scope_does_not(
    client, world, app
):
    signed = await signed_work_order(client, world, app.state.db, "wo-v2")
    mine = (await client.get(f"/api/verify/{signed['hash']}")).json()
    assert mine["record_id"] == "wo-v2"
    await login(client, "technician_b")
    theirs = await client.get(f"/api/verify/{signed['hash'].upper()}")
    assert theirs.json()["found"] and theirs.json()["record_id"] is None
    assert "wo-v2" not in theirs.text


async def test_an_unknown_hash_is_answered_as_not_found_with_status_200(client):
    response = await client.get(f"/api/verify/{'ab' * 32}")
    assert response.status_code == 200
    assert response.json()["found"] is False and response.json()["ok"] is None


async def test_a_malformed_hash_is_a_structured_400(client):
    for bad in ("abc", "g" * 64, "a" * 65, "%20" * 3):
        response = await client.get(f"/api/verify/{bad}")
        assert response.status_code == 400, (bad, response.text)
        assert response.json()["error"] == "malformed_hash"


async def test_a_tampered_stored_record_is_reported_as_a_problem(client, world, app):
    signed = await signed_work_order(client, world, app.state.db, "wo-v3")
    await drop_append_only_guard(app.state.db, "signed_records")
    await sql(app.state.db, "UPDATE signed_records SET canonical = replace(canonical, '球机', '枪机')")
    body = (await client.get(f"/api/verify/{signed['hash']}")).json()
    assert body["found"] and body["ok"] is False
    assert body["record_ok"] is False and body["chain_ok"] is True
    assert "record_hash" in body["problems"]


async def test_a_photo_file_changed_on_disk_is_reported_as_a_problem(client, world, app):
    signed = await signed_work_order(client, world, app.state.db, "wo-v4")
    [(display,)] = await sql(
        app.state.db, "SELECT display_sha256 FROM blobs WHERE sha256 = ?", signed["before"]
    )
    path = app.state.media.blob_path(display)
    path.chmod(0o644)
    path.write_bytes(b"not the photo that was signed")
    body = (await client.get(f"/api/verify/{signed['hash']}")).json()
    assert body["ok"] is False and body["files_ok"] is False and body["record_ok"] is True
    assert body["problems"] == ["file_hash"]


async def test_a_signature_image_still_on_its_way_is_pending_not_a_problem(client, world, app):
    signed = await signed_work_order(client, world, app.state.db, "wo-v5", upload_signature=False)
    body = (await client.get(f"/api/verify/{signed['hash']}")).json()
    assert body["ok"] is True and body["files_pending"] == 1


async def test_one_address_looping_over_hashes_is_slowed_down_with_a_429(client):
    answers = [(await client.get(f"/api/verify/{i:064x}")).status_code for i in range(61)]
    assert answers[:60] == [200] * 60
    last = await client.get(f"/api/verify/{61:064x}")
    assert last.status_code == 429 and last.json()["error"] == "rate_limited"
    assert last.json()["detail"]["retry_after"] >= 1
