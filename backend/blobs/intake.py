"""Safe image intake: decide whether bytes are an acceptable photo and rebuild clean copies.

Policy (documented for the report and the lead):
- Accepted: JPEG, PNG, WebP, and HEIC/HEIF via pillow-heif. The declared content type must match
  what Pillow detects, and only that one decoder is tried (`formats=[...]`), so SVG/HTML/TIFF/EPS,
  or a PNG labelled as JPEG, are 415; EPS never reaches Ghostscript.
- Polyglots: bytes containing HTML/script/SVG markup anywhere (e.g. a JPEG with HTML appended)
  are 415 even though the pixels decode. The stored copies are rebuilt from pixels anyway, so
  appended bytes could never be served; refusing them keeps the evidence free of doubt.
- Bombs: Pillow's DecompressionBombWarning is made an error, the pixel count is checked against
  our own limit after `Image.open` (header only) and before `load()`, and the PNG text-chunk
  bomb's ValueError is caught: all are 422, never a 500 and never a large allocation.
- Clean copies are rebuilt from pixels and turned upright by the EXIF orientation: a plain
  re-save keeps the JPEG COM comment, a new image carries no EXIF, GPS, XMP, ICC or comment.
"""

import hashlib
import io
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from backend.blobs.rejections import UnreadableImage
from backend.errors import UnsupportedMedia

try:  # HEIC from iPhones; pillow-heif ships libheif in its wheel.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF = True
except ImportError:  # pragma: no cover - depends on the environment
    HEIF = False

# Process-wide on purpose: any Pillow decode in this server that exceeds the limit must fail.
warnings.simplefilter("error", Image.DecompressionBombWarning)

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
if HEIF:
    FORMATS |= {"image/heic": "HEIF", "image/heif": "HEIF"}

# Searched in the lower-cased bytes: with IGNORECASE and a top-level alternation the regex engine
# tries every byte position (~100 ms on a 12-MP JPEG); a leading literal `<` it finds by scanning.
MARKUP_TAG = re.compile(rb"<\s*(?:html|script|svg|body|iframe|object|embed|!doctype|\?php)\b")
MARKUP_URL = b"javascript:"
DISPLAY_PX = 1600
THUMB_PX = 320
DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)
# EXIF orientation -> the transposition that shows the picture upright (as ImageOps.exif_transpose).
ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# The full-size copy is rotated and encoded here while the caller's thread makes the smaller
# ones: Pillow releases the GIL in transpose, resize and the JPEG encoder.
_FULL_SIZE = ThreadPoolExecutor(max_workers=2, thread_name_prefix="intake")


@dataclass(frozen=True)
class Rendition:
    name: str  # full | display | thumb
    data: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def accepted_type(content_type: str) -> str:
    fmt = FORMATS.get(content_type.split(";")[0].strip().lower())
    if fmt is None:
        raise UnsupportedMedia(
            f"{content_type} is not accepted; send JPEG, PNG, WebP or HEIC.",
            detail={"accepted": sorted(FORMATS)},
        )
    return fmt


def has_markup(data: bytes) -> bool:
    lowered = data.lower()
    return MARKUP_URL in lowered or MARKUP_TAG.search(lowered) is not None


def decode(data: bytes, content_type: str, max_pixels: int) -> tuple[Image.Image, Image.Transpose | None]:
    """The pixels as stored (one full decode) and the transposition that makes them upright."""
    fmt = accepted_type(content_type)
    if has_markup(data):
        raise UnsupportedMedia("The file contains markup (HTML/SVG/script), not only an image.")
    try:
        image = Image.open(io.BytesIO(data), formats=[fmt])
        if image.width * image.height > max_pixels:
            raise UnreadableImage(
                f"The image has {image.width}x{image.height} pixels; the limit is {max_pixels}.",
                code="image_too_many_pixels",
            )
        image.load()
        return image, ORIENTATION.get(image.getexif().get(0x0112, 1))
    except UnidentifiedImageError as exc:
        raise UnsupportedMedia(f"The bytes are not a {fmt} image.") from exc
    except (*DECODE_ERRORS, Image.DecompressionBombWarning) as exc:
        raise UnreadableImage(f"The image cannot be decoded safely: {exc}") from exc


def rebuild(image: Image.Image) -> Image.Image:
    """A new image holding only the pixels: nothing of the source's info/EXIF/XMP/comments."""
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if alpha else "RGB"
    source = image if image.mode == mode else image.convert(mode)
    clean = Image.new(mode, source.size)
    clean.paste(source)
    return clean


def fit(image: Image.Image, limit: int) -> Image.Image:
    longest = max(image.size)
    if longest <= limit:
        return image
    scale = limit / longest
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    # An integer box reduction first (4000 -> 2000 for 1600), then bicubic for the last < 2x:
    # as sharp as LANCZOS at this ratio for a screen copy, at half its cost.
    factor = longest // limit
    source = image.reduce(factor) if factor >= 2 else image
    return source.resize(size, Image.Resampling.BICUBIC)


def upright(image: Image.Image, method: Image.Transpose | None) -> Image.Image:
    return image if method is None else image.transpose(method)


def full_copy(image: Image.Image, method: Image.Transpose | None) -> Rendition:
    full = rebuild(upright(image, method))
    return Rendition("full", encode(full, 90), *full.size)


def pixels(image: Image.Image) -> Image.Image:
    """A mode the reductions accept; RGB/RGBA are read as they are (copies come later)."""
    return image if image.mode in ("RGB", "RGBA") else rebuild(image)


def encode(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    if image.mode == "RGBA":
        image.save(out, "PNG", compress_level=6)
    else:
        image.save(out, "JPEG", quality=quality, optimize=False)
    return out.getvalue()


def rendition_type(image: Image.Image) -> str:
    return "image/png" if image.mode == "RGBA" else "image/jpeg"


def intake(data: bytes, content_type: str, max_pixels: int) -> tuple[str, list[Rendition]]:
    """(media type of the renditions, [full, display, thumb]) or UnsupportedMedia/UnreadableImage.

    One decode; the smaller copies are reduced from the stored orientation and turned upright
    when small (rotating 2 MP, not 12 MP), while the full copy is turned and encoded beside them.
    """
    image, method = decode(data, content_type, max_pixels)
    full = _FULL_SIZE.submit(full_copy, image, method)
    display = rebuild(upright(fit(pixels(image), DISPLAY_PX), method))
    thumb = fit(display, THUMB_PX)
    smaller = [
        Rendition("display", encode(display, 85), *display.size),
        Rendition("thumb", encode(thumb, 80), *thumb.size),
    ]
    return rendition_type(display), [full.result(), *smaller]
