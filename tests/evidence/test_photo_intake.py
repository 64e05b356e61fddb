"""Safe intake: only real JPEG/PNG/WebP/HEIC pixels get in, and nothing but pixels is kept."""

import io

import pytest
from PIL import Image

from backend.blobs import intake
from backend.blobs.rejections import UnreadableImage
from backend.errors import UnsupportedMedia
from tests.builders import login
from tests.evidence import samples

LIMIT = 50_000_000

HOSTILE = {
    "svg labelled as jpeg": (samples.SVG, "image/jpeg", 415),
    "svg as svg": (samples.SVG, "image/svg+xml", 415),
    "html": (b"<!doctype html><html><body>hi</body></html>", "text/html", 415),
    "jpeg with html appended": (samples.html_polyglot(), "image/jpeg", 415),
    "tiff labelled as jpeg": (samples.tiff_bytes(), "image/jpeg", 415),
    "tiff as tiff": (samples.tiff_bytes(), "image/tiff", 415),
    "eps labelled as jpeg": (samples.EPS, "image/jpeg", 415),
    "png labelled as jpeg": (samples.png_bytes(), "image/jpeg", 415),
    "10-gigapixel png header": (samples.png_pixel_bomb(), "image/png", 422),
    "over our pixel limit, under pillow's": (samples.png_pixel_bomb(8000, 8000), "image/png", 422),
    "between pillow's warning and error": (samples.png_pixel_bomb(10_000, 10_000), "image/png", 422),
    "ztxt text-chunk bomb": (samples.png_text_bomb(), "image/png", 422),
    "truncated jpeg": (samples.jpeg_with_metadata()[:2000], "image/jpeg", 422),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_files_are_refused_with_415_or_422_never_an_exception_leak(case):
    data, content_type, status = HOSTILE[case]
    expected = UnsupportedMedia if status == 415 else UnreadableImage
    with pytest.raises(expected):
        intake.intake(data, content_type, LIMIT)


@pytest.mark.parametrize("case", ["jpeg with html appended", "ztxt text-chunk bomb", "svg labelled as jpeg"])
async def test_hostile_uploads_get_4xx_over_http_and_leave_no_blob(client, world, case):
    data, content_type, status = HOSTILE[case]
    await login(client, "technician_a")
    if content_type == "image/svg+xml":
        content_type = "image/jpeg"
    response = await samples.upload(client, data, world.a.site_id, content_type)
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error", "message", "detail"}
    assert (await client.head(f"/api/blobs/{samples.sha256(data)}")).status_code == 404


async def test_an_unaccepted_content_type_is_refused_at_creation(client, world):
    await login(client, "technician_a")
    response = await samples.start_upload(client, samples.SVG, world.a.site_id, "image/svg+xml")
    assert response.status_code == 415
    assert "image/jpeg" in response.json()["detail"]["accepted"]


def read_back(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_stored_copies_carry_no_exif_gps_xmp_or_comment():
    source = samples.jpeg_with_metadata()
    assert b"secret comment" in source and b"xmpmeta" in source  # the sample really has them
    _type, renditions = intake.intake(source, "image/jpeg", LIMIT)
    for rendition in renditions:
        image = read_back(rendition.data)
        assert not image.getexif()
        assert set(image.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"}
        assert b"secret comment" not in rendition.data
        assert b"xmpmeta" not in rendition.data and b"Exif" not in rendition.data
        assert b"PhoneMaker" not in rendition.data


def test_png_text_chunks_are_not_kept():
    _type, renditions = intake.intake(samples.png_bytes(), "image/png", LIMIT)
    assert b"hidden text" not in renditions[0].data
    assert read_back(renditions[0].data).mode == "RGBA"


def test_the_exif_orientation_is_applied_before_the_metadata_goes():
    # Orientation 6: the camera was turned; the stored copy must be upright (portrait).
    _type, renditions = intake.intake(samples.jpeg_with_metadata(orientation=6), "image/jpeg", LIMIT)
    full = read_back(renditions[0].data)
    assert full.size == (480, 640)
    red, _, _ = full.getpixel((full.width - 10, 10))  # the red corner moved to the top right
    assert red > 200


def test_display_and_thumbnail_copies_are_bounded():
    _type, renditions = intake.intake(samples.jpeg_with_metadata((4000, 3000)), "image/jpeg", LIMIT)
    full, display, thumb = (read_back(r.data) for r in renditions)
    assert full.size == (4000, 3000)
    assert display.size == (1600, 1200)
    assert thumb.size == (320, 240)


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (samples.webp_bytes, "image/webp"),
        (samples.heic_bytes, "image/heic"),
        (samples.png_bytes, "image/png"),
    ],
)
def test_webp_heic_and_png_are_accepted(make, content_type):
    media_type, renditions = intake.intake(make(), content_type, LIMIT)
    assert media_type in ("image/jpeg", "image/png")
    assert all(read_back(r.data).width > 0 for r in renditions)
