"""The tag scanner: a generated tag seen by Chromium's fake camera, decoded by the
barcode-detector polyfill with its wasm from this origin (offline, from the service worker's
cache), and typed entry with the check character."""

import io
from pathlib import Path

import pytest
from PIL import Image

from backend.assets import qr, tags
from tests.live import CHROMIUM, CHROMIUM_ARGS, PHONE

pytestmark = pytest.mark.browser

MOUNT = """
async ({ lang, autostart, known }) => {
  (await import('/i18n/index.js')).setLang(lang);
  await import('/components/scanner.js');
  window.codes = [];
  const scanner = document.createElement('wb-scanner');
  if (!autostart) scanner.setAttribute('autostart', 'false');
  // The tags this phone knows from its primed data; typo candidates are limited to them.
  if (known) scanner.knownCode = (code) => known.includes(code);
  scanner.addEventListener('code', (event) => window.codes.push(event.detail));
  document.querySelector('#app').replaceChildren(scanner);
}
"""


def write_y4m(png: bytes, path: Path, frames: int = 5) -> Path:
    """A 640×480 4:2:0 YUV4MPEG2 stream of the tag on white, as --use-file-for-fake-video-capture wants."""
    tag = Image.open(io.BytesIO(png)).convert("RGB")
    tag.thumbnail((440, 440), Image.Resampling.NEAREST)
    frame = Image.new("RGB", (640, 480), "white")
    frame.paste(tag, ((640 - tag.width) // 2, (480 - tag.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    planes = y.tobytes() + cb.resize((320, 240)).tobytes() + cr.resize((320, 240)).tobytes()
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)
    return path


@pytest.fixture(scope="module")
def tag_code() -> str:
    return tags.new_tag_code()


def camera_chromium(browser, tag_url: str, folder: Path):
    """Its own Chromium (the fake camera is a launch flag), from the session's Playwright, whose
    camera sees the QR code of `tag_url`."""
    video = write_y4m(qr.png_bytes(tag_url), folder / "tag.y4m")
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    return browser.browser_type.launch(executable_path=CHROMIUM, args=args)


@pytest.fixture(scope="module")
def camera_browser(browser, tmp_path_factory, tag_code):
    url = tags.tag_url("https://weibao.example", tag_code)
    camera = camera_chromium(browser, url, tmp_path_factory.mktemp("camera"))
    yield camera
    camera.close()


def test_a_tag_seen_by_the_camera_is_decoded_offline_with_the_precached_wasm(
    camera_browser, live_server, tag_code, artifacts
):
    context = camera_browser.new_context(viewport=PHONE, locale="zh-CN")
    cdn = []
    context.route("**/*jsdelivr*/**", lambda route: (cdn.append(route.request.url), route.abort()))
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#app :not(.loading)")

    page.evaluate(MOUNT, {"lang": "zh-CN", "autostart": True})
    page.wait_for_function("window.codes.length > 0", timeout=40_000)
    assert page.evaluate("window.codes") == [
        {"code": tag_code, "source": "camera", "raw": f"https://weibao.example/t/{tag_code}"}
    ]
    assert page.evaluate("'BarcodeDetector' in window") is False, "the polyfill did the decoding"
    assert cdn == []
    assert tags.format_code(tag_code) in page.inner_text(".wb-scan-status")
    page.screenshot(path=artifacts / "scanner-found-zh.png")
    context.close()


def test_the_camera_view_shows_the_tag_while_scanning(camera_browser, live_server, artifacts):
    context = camera_browser.new_context(viewport=PHONE, locale="en-US", service_workers="block")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.wait_for_selector("#app :not(.loading)")
    # Hold the detector back so the live view stays on screen for the screenshot.
    page.evaluate(
        "() => { window.BarcodeDetector = class { static async getSupportedFormats() { return ['qr_code']; }"
        " async detect() { return []; } }; }"
    )
    page.evaluate(MOUNT, {"lang": "en", "autostart": True})
    page.wait_for_function("document.querySelector('wb-scanner video').readyState >= 2")
    assert page.inner_text(".wb-scan-status") == "Point the camera at the tag’s QR code."
    page.screenshot(path=artifacts / "scanner-en.png")
    context.close()


@pytest.fixture
def manual_page(browser, live_server, tag_code):
    context = browser.new_context(viewport=PHONE, locale="en-US", service_workers="block")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.wait_for_selector("#app :not(.loading)")
    page.evaluate(MOUNT, {"lang": "en", "autostart": False, "known": [tag_code]})
    yield page
    context.close()


def enter(page, text):
    page.fill("#wb-scan-code", text)
    page.click(".wb-scan-entry button")


def test_manual_entry_catches_a_typo_and_offers_the_right_code(manual_page, tag_code, artifacts):
    wrong = tags.ALPHABET[(tags.ALPHABET.index(tag_code[3]) + 1) % 31]
    typo = tag_code[:3] + wrong + tag_code[4:]
    enter(manual_page, typo.lower())
    assert manual_page.inner_text(".wb-scan-result .error") == "This code has a typo. Did you mean:"
    offered = manual_page.locator("[data-candidate]").evaluate_all(
        "(buttons) => buttons.map((b) => b.dataset.candidate)"
    )
    assert offered == [tag_code] and manual_page.evaluate("window.codes") == []
    manual_page.screenshot(path=artifacts / "scanner-manual-typo-en.png")
    manual_page.click(f"[data-candidate='{tag_code}']")
    assert manual_page.evaluate("window.codes") == [{"code": tag_code, "source": "manual", "raw": tag_code}]


def test_manual_entry_accepts_a_grouped_code_or_a_tag_url_and_explains_bad_input(manual_page, tag_code):
    enter(manual_page, f" {tags.format_code(tag_code).lower()} ")
    enter(manual_page, f"https://weibao.example/t/{tag_code}")
    assert [c["code"] for c in manual_page.evaluate("window.codes")] == [tag_code, tag_code]
    enter(manual_page, tag_code[:7])
    assert manual_page.inner_text(".wb-scan-result") == (
        "A tag code has 10 characters; you typed 7. Check the code on the tag."
    )
    enter(manual_page, tag_code[:8] + "!?")
    assert (
        manual_page.inner_text(".wb-scan-result") == "Tag codes never contain !?. Check the code on the tag."
    )
    assert len(manual_page.evaluate("window.codes")) == 2


def test_without_a_camera_the_scanner_says_so_and_keeps_manual_entry(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", service_workers="block")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.wait_for_selector("#app :not(.loading)")
    page.evaluate(MOUNT, {"lang": "zh-CN", "autostart": True})
    page.wait_for_selector("[data-scan=start]:not([hidden])")
    assert "在下方输入编码" in page.inner_text(".wb-scan-status")
    assert page.is_visible("#wb-scan-code")
    context.close()
