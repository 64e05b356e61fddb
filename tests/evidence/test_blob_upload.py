"""Resumable, content-addressed uploads over HTTP (tus 1.0 semantics)."""

import base64
from pathlib import Path

from tests.builders import login
from tests.conftest import sql, table_snapshot
from tests.evidence.samples import (
    jpeg_with_metadata,
    send_chunk,
    sha256,
    start_upload,
    upload,
)

CHUNK = 4096


def stored_files(settings) -> list[Path]:
    return sorted(p for p in (Path(settings.data_dir) / "media" / "blobs").rglob("*") if p.is_file())


async def test_an_upload_interrupted_after_every_chunk_resumes_from_head_and_ends_whole(app, client, world):
    await login(client, "technician_a")
    data = jpeg_with_metadata(seed=1)
    sha = sha256(data)
    assert (await start_upload(client, data, world.a.site_id)).status_code == 201
    chunks_sent = 0
    while True:
        # After each chunk the "connection drops": the client asks where to continue.
        head = await client.head(f"/api/blobs/{sha}")
        assert head.headers["tus-resumable"] == "1.0.0"
        offset = int(head.headers["upload-offset"])
        assert offset == min(chunks_sent * CHUNK, len(data))
        if head.headers["weibao-blob-state"] == "present":
            break
        response = await send_chunk(client, sha, offset, data[offset : offset + CHUNK])
        assert response.status_code == 204, response.text
        chunks_sent += 1
    assert chunks_sent == -(-len(data) // CHUNK)
    assert int(head.headers["upload-offset"]) == int(head.headers["upload-length"]) == len(data)
    assert await sql(app.state.db, "SELECT state FROM blobs WHERE sha256=?", sha) == [("present",)]


async def test_a_resent_chunk_after_a_lost_reply_is_refused_by_offset_and_the_client_recovers(client, world):
    await login(client, "technician_a")
    data = jpeg_with_metadata(seed=2)
    sha = sha256(data)
    await start_upload(client, data, world.a.site_id)
    assert (await send_chunk(client, sha, 0, data[:CHUNK])).status_code == 204
    again = await send_chunk(client, sha, 0, data[:CHUNK])  # the reply was lost; client retries
    assert again.status_code == 409
    assert again.json()["error"] == "offset_mismatch"
    assert again.json()["detail"]["offset"] == CHUNK


async def test_the_same_photo_uploaded_twice_is_stored_once(client, world, settings):
    await login(client, "technician_a")
    data = jpeg_with_metadata(seed=3)
    before = stored_files(settings)
    assert (await upload(client, data, world.a.site_id)).status_code == 204
    files = stored_files(settings)
    assert len(files) - len(before) == 3  # full, display, thumb
    again = await start_upload(client, data, world.a.site_id)
    assert again.json() == {
        "sha256": sha256(data),
        "state": "present",
        "offset": len(data),
        "length": len(data),
    }
    assert stored_files(settings) == files


async def test_a_chunk_with_a_wrong_checksum_is_discarded_with_460(client, world, settings):
    await login(client, "technician_a")
    data = jpeg_with_metadata(seed=4)
    sha = sha256(data)
    await start_upload(client, data, world.a.site_id)
    wrong = "sha256 " + base64.b64encode(b"\x00" * 32).decode()
    response = await send_chunk(client, sha, 0, data[:CHUNK], checksum=wrong)
    assert response.status_code == 460
    assert response.json()["error"] == "checksum_mismatch"
    assert (await client.head(f"/api/blobs/{sha}")).headers["upload-offset"] == "0"
    assert (Path(settings.data_dir) / "media" / "uploads" / f"{sha}.part").stat().st_size == 0


async def test_bytes_that_do_not_hash_to_the_announced_sha256_are_discarded_with_422(client, world, settings):
    await login(client, "technician_a")
    data = jpeg_with_metadata(seed=5)
    claimed = sha256(b"something else")
    await start_upload(client, data, world.a.site_id, sha=claimed)
    response = await send_chunk(client, claimed, 0, data)
    assert response.status_code == 422
    assert response.json()["error"] == "hash_mismatch"
    assert (await client.head(f"/api/blobs/{claimed}")).status_code == 404
    assert not (Path(settings.data_dir) / "media" / "uploads" / f"{claimed}.part").exists()


async def test_oversized_uploads_and_chunks_get_413(client, world, settings):
    await login(client, "technician_a")
    too_big = await client.post(
        "/api/blobs",
        json={
            "sha256": "a" * 64,
            "length": settings.blob_max_bytes + 1,
            "content_type": "image/jpeg",
            "site_id": world.a.site_id,
        },
    )
    assert too_big.status_code == 413
    assert too_big.json()["error"] == "too_large"
    data = b"\xff" * (settings.blob_chunk_max_bytes + 1)
    await start_upload(client, data, world.a.site_id)
    assert (await send_chunk(client, sha256(data), 0, data)).status_code == 413


async def test_an_upload_for_a_site_the_caller_does_not_work_on_is_refused(client, world, app):
    await login(client, "technician_a")
    before = await table_snapshot(app.state.db)
    response = await start_upload(client, jpeg_with_metadata(), world.b.site_id)
    assert response.status_code == 404
    assert await table_snapshot(app.state.db) == before


async def test_only_the_uploader_may_continue_an_upload(client, world):
    await login(client, "technician_a")
    data = jpeg_with_metadata(seed=6)
    await start_upload(client, data, world.a.site_id)
    await login(client, "dispatcher_a")
    response = await send_chunk(client, sha256(data), 0, data[:CHUNK])
    assert response.status_code == 404


async def test_a_blob_is_readable_only_through_a_photo_the_caller_may_see(client, world):
    await login(client, "technician_a")
    data = jpeg_with_metadata(seed=7)
    sha = sha256(data)
    assert (await upload(client, data, world.a.site_id)).status_code == 204
    assert (await client.get(f"/api/blobs/{sha}")).status_code == 404  # no record refers to it yet
    photo = {
        "sha256": sha,
        "site_id": world.a.site_id,
        "record_kind": "work_order",
        "record_id": world.extra["a"]["work_order_id"],
        "phase": "before",
        "captured_at": "2026-11-20T08:00:00Z",
    }
    assert (await client.post("/api/photos", json=photo)).status_code == 201
    thumb = await client.get(f"/api/blobs/{sha}", params={"rendition": "thumb"})
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/jpeg"
    assert thumb.headers["x-content-type-options"] == "nosniff"
    await login(client, "technician_b")
    assert (await client.get(f"/api/blobs/{sha}")).status_code == 404
    # Knowing the hash is not enough to borrow the bytes into a record of one's own.
    claim = {**photo, "site_id": world.b.site_id, "record_id": world.extra["b"]["work_order_id"]}
    assert (await client.post("/api/photos", json=claim)).json()["error"] == "blob_held_elsewhere"
