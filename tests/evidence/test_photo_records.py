"""Photo records: attached before or after their bytes, listed by record, scoped by site."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from backend.errors import ServiceUnavailable
from backend.photos import watermark
from tests.builders import login
from tests.evidence import samples


def photo_body(world, sha: str, **extra) -> dict:
    return {
        "sha256": sha,
        "site_id": world.a.site_id,
        "record_kind": "work_order",
        "record_id": world.extra["a"]["work_order_id"],
        "phase": "after",
        "captured_at": "2026-11-20T08:30:00Z",
        "asset_code": "CAM-0012",
        "asset_name": "监舍走廊球机",
        **extra,
    }


async def test_a_photo_attached_before_its_bytes_is_pending_then_present(client, world):
    await login(client, "technician_a")
    data = samples.jpeg_with_metadata(seed=11)
    attached = await client.post("/api/photos", json=photo_body(world, samples.sha256(data)))
    assert attached.status_code == 201
    assert attached.json()["state"] == "pending_blob"
    assert (await samples.upload(client, data, world.a.site_id)).status_code == 204
    photo = (await client.get(f"/api/photos/{attached.json()['id']}")).json()
    assert photo["state"] == "present"


async def test_a_retried_attach_with_the_same_id_is_not_a_second_photo(client, world):
    await login(client, "technician_a")
    body = photo_body(world, "b" * 64, id="0190a6f4-0000-7000-8000-000000000001")
    first = await client.post("/api/photos", json=body)
    second = await client.post("/api/photos", json=body)
    assert first.json() == second.json()
    listed = await client.get(
        "/api/photos", params={"record_kind": "work_order", "record_id": world.extra["a"]["work_order_id"]}
    )
    assert [p["id"] for p in listed.json()] == [body["id"]]


async def test_photos_of_another_site_are_neither_listed_nor_readable(client, world):
    await login(client, "technician_a")
    mine = (await client.post("/api/photos", json=photo_body(world, "c" * 64))).json()
    await login(client, "technician_b")
    listed = await client.get(
        "/api/photos", params={"record_kind": "work_order", "record_id": world.extra["a"]["work_order_id"]}
    )
    assert listed.json() == []
    assert (await client.get(f"/api/photos/{mine['id']}")).status_code == 404
    assert (await client.get(f"/api/photos/{mine['id']}/watermarked")).status_code == 404


async def test_a_client_representative_cannot_attach_photos(client, world):
    await login(client, "client_rep_a")
    assert (await client.post("/api/photos", json=photo_body(world, "d" * 64))).status_code == 403


async def test_the_watermarked_copy_differs_in_the_band_and_the_clean_copy_stays(client, world):
    await login(client, "technician_a")
    data = samples.jpeg_with_metadata((1200, 900), seed=12)
    sha = samples.sha256(data)
    await samples.upload(client, data, world.a.site_id)
    photo = (await client.post("/api/photos", json=photo_body(world, sha))).json()
    clean_before = (await client.get(f"/api/blobs/{sha}")).content
    stamped = await client.get(f"/api/photos/{photo['id']}/watermarked")
    assert stamped.status_code == 200
    clean = Image.open(io.BytesIO(clean_before)).convert("L")
    marked = Image.open(io.BytesIO(stamped.content)).convert("L")
    difference = ImageChops.difference(clean, marked)
    band = difference.crop((0, int(clean.height * 0.8), clean.width, clean.height))
    top = difference.crop((0, 0, clean.width, int(clean.height * 0.5)))
    assert ImageStat.Stat(band).mean[0] > 20
    assert ImageStat.Stat(top).mean[0] < 3
    assert (await client.get(f"/api/blobs/{sha}")).content == clean_before


def test_the_caption_carries_asset_site_local_time_technician_and_phase():
    caption = watermark.Caption(
        asset="CAM-0012 监舍走廊球机",
        site="示例市拘留所",
        captured_at=datetime(2026, 11, 20, 8, 30, tzinfo=UTC),
        technician="张工",
        phase="before",
    )
    text = "\n".join(caption.lines())
    for expected in ("CAM-0012 监舍走廊球机", "示例市拘留所", "2026-11-20 16:30:00", "张工", "维修前"):
        assert expected in text


def test_a_missing_cjk_font_is_a_clear_error_not_boxes():
    caption = watermark.Caption("A", "S", datetime(2026, 1, 1, tzinfo=UTC), "T", "other")
    with pytest.raises(ServiceUnavailable) as error:
        watermark.stamp(Image.new("RGB", (100, 100)), caption, Path("/nonexistent/font.ttc"))
    assert "fonts-wqy-microhei" in error.value.message


async def test_a_capture_time_without_a_zone_is_a_4xx_not_a_500(client, world):
    await login(client, "technician_a")
    body = photo_body(world, "a" * 64, captured_at="2026-11-20T08:30:00")
    response = await client.post("/api/photos", json=body)
    assert response.status_code == 400
    assert "captured_at" in response.text
