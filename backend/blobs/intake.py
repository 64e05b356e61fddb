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
- Clean copies are rebuilt from pixels after applying the EXIF orientation: a plain re-save keeps
  the JPEG COM comment, a new image carries no EXIF, GPS, XMP, ICC or comment.
"""

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

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

MARKUP = re.compile(
    rb"<\s*(?:html|script|svg|body|iframe|object|embed|!doctype|\?php)\b|javascript:", re.IGNORECASE
)
DISPLAY_PX = 1600
THUMB_PX = 320
DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)


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


def decode(data: bytes, content_type: str, max_pixels: int) -> Image.Image:
    fmt = accepted_type(content_type)
    if MARKUP.search(data):
        raise UnsupportedMedia("The file contains markup (HTML/SVG/script), not only an image.")
    try:
        image = Image.open(io.BytesIO(data), formats=[fmt])
        if image.width * image.height > max_pixels:
            raise UnreadableImage(
                f"The image has {image.width}x{image.height} pixels; the limit is {max_pixels}.",
                code="image_too_many_pixels",
            )
        image.load()
        return ImageOps.exif_transpose(image)
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
    # An integer box reduction first (4000 -> 2000 for 1600) keeps LANCZOS cheap on 12-MP photos.
    factor = longest // limit
    source = image.reduce(factor) if factor >= 2 else image
    return source.resize(size, Image.Resampling.LANCZOS)


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
    """(media type of the renditions, [full, display, thumb]) or UnsupportedMedia/UnreadableImage."""
    clean = rebuild(decode(data, content_type, max_pixels))
    display = fit(clean, DISPLAY_PX)
    thumb = fit(display, THUMB_PX)
    renditions = [
        Rendition("full", encode(clean, 90), *clean.size),
        Rendition("display", encode(display, 85), *display.size),
        Rendition("thumb", encode(thumb, 80), *thumb.size),
    ]
    return rendition_type(clean), renditions
