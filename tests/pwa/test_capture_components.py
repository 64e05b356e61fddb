"""Photo capture and the signature pad in real Chromium at phone size."""

import base64
import hashlib
import io

import pytest
from PIL import ExifTags, Image, ImageDraw

from tests.live import draw
from tests.pwa.store_harness import load_store, phone_context

pytestmark = pytest.mark.browser

MOUNT_PHOTO = """
async () => {
  await import('/components/photo-capture.js');
  window.photos = [];
  const element = document.createElement('wb-photo-capture');
  element.addEventListener('photo', (event) => window.photos.push(event.detail));
  document.querySelector('#app').replaceChildren(element);
}
"""

STORED = """
async (sha) => {
  const row = await wb.store.get('blobs', sha);
  const bytes = new Uint8Array(row.bytes);
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  const { mime, size, state, width, height } = row;
  return { mime, size, state, width, height, b64: btoa(text) };
}
"""

OPEN_SIGNATURE = """
async (lang) => {
  (await import('/i18n/index.js')).setLang(lang);
  const { captureSignature } = await import('/components/signature-pad.js');
  window.signed = undefined;
  captureSignature({ summary: 'WO-2026-0042 · 门禁控制器更换 · sha256 3f9a…c21e' }).then((result) => {
    let text = '';
    for (const b of result?.png ?? []) text += String.fromCharCode(b);
    window.signed = result && { ...result, png: btoa(text) };
  });
}
"""


def large_photo_with_gps() -> bytes:
    image = Image.new("RGB", (4000, 3000), "#2d6a9f")
    draw = ImageDraw.Draw(image)
    for i in range(0, 4000, 250):
        draw.rectangle([i, 0, i + 120, 3000], fill=(i % 255, 120, 200 - i % 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCam"
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = (31.0, 14.0, 5.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


@pytest.fixture
def page(browser, live_server):
    context = phone_context(browser, locale="en-US")
    yield load_store(context.new_page(), live_server)
    context.close()


def test_a_large_photo_is_downscaled_to_2048_px_and_stored_under_its_sha256(page, artifacts):
    original = large_photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    page.evaluate(MOUNT_PHOTO)
    page.set_input_files(
        "input[data-source=gallery]",
        files=[
            {"name": "site.jpg", "mimeType": "image/jpeg", "buffer": original},
        ],
    )
    page.wait_for_function("window.photos.length === 1")
    photo = page.evaluate("window.photos[0]")

    stored = page.evaluate(STORED, photo["sha256"])
    data = base64.b64decode(stored["b64"])
    assert hashlib.sha256(data).hexdigest() == photo["sha256"]
    assert stored["mime"] == "image/jpeg" and stored["state"] == "local" and stored["size"] == len(data)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (2048, 1536) == (stored["width"], stored["height"])
    assert not image.getexif(), "re-encoding drops EXIF, GPS position included"
    assert len(data) < len(original)
    thumb = page.locator(f"li[data-sha256='{photo['sha256']}'] img")
    assert thumb.get_attribute("src").startswith("blob:")
    assert page.inner_text(".wb-photo-status") == "Photo saved on this phone."
    page.screenshot(path=artifacts / "photo-capture-en.png")


def test_taking_the_same_photo_twice_stores_it_once(page):
    photo = large_photo_with_gps()
    page.evaluate(MOUNT_PHOTO)
    for _ in range(2):
        page.set_input_files(
            "input[data-source=camera]",
            files=[
                {"name": "a.jpg", "mimeType": "image/jpeg", "buffer": photo},
            ],
        )
    page.wait_for_function("window.photos.length === 2")
    assert page.evaluate("window.photos[0].sha256 === window.photos[1].sha256")
    assert page.evaluate("wb.store.count('blobs')") == 1


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_signature_pad_refuses_an_empty_signature_and_returns_a_png_after_drawing(page, lang, artifacts):
    page.evaluate(OPEN_SIGNATURE, lang)
    page.wait_for_selector("wb-signature-pad canvas")
    page.click("[data-sign=done]")
    assert page.inner_text(".wb-sign-error") in (
        "尚未签名。请在框内签名后再确认。",
        "Nothing is signed yet. Sign in the box, then confirm.",
    )
    assert page.evaluate("window.signed") is None
    page.screenshot(path=artifacts / f"signature-pad-empty-{lang}.png")

    draw(page, [(0.15, 0.6), (0.3, 0.3), (0.45, 0.65), (0.6, 0.35), (0.8, 0.6)])
    draw(page, [(0.2, 0.75), (0.85, 0.72)])
    page.click("[data-sign=undo]")
    draw(page, [(0.55, 0.2), (0.5, 0.8)])
    page.screenshot(path=artifacts / f"signature-pad-{lang}.png")
    page.click("[data-sign=done]")
    page.wait_for_function("window.signed !== undefined")

    signed = page.evaluate("window.signed")
    assert len(signed["points"]) == 2, "undo removed the second stroke"
    assert all(len(stroke["points"]) > 3 for stroke in signed["points"])
    image = Image.open(io.BytesIO(base64.b64decode(signed["png"])))
    assert image.format == "PNG"
    assert image.size == (round(signed["width"]), round(signed["height"]))
    darkest = min(image.convert("L").get_flattened_data())
    assert darkest < 60, "the strokes are in the image"
    assert page.locator("wb-signature-pad").count() == 0
