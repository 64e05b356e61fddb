"""Sample files for the evidence tests: honest photos with metadata, and hostile ones."""

import hashlib
import io
import struct
import zlib

from PIL import Image, PngImagePlugin

from backend.blobs.tus import checksum_header

XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b"<rdf:RDF><rdf:Description GPSLatitude='30,42.0N'/></rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
)


def gradient(size=(640, 480)) -> Image.Image:
    """An asymmetric picture, so a rotation is visible in the pixels."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste((255, 0, 0), (0, 0, size[0] // 4, size[1] // 4))  # red block top-left
    return image


def jpeg_with_metadata(size=(640, 480), orientation: int = 1, seed: int = 0) -> bytes:
    image = gradient(size)
    image.putpixel((size[0] - 1, size[1] - 1), (seed % 256, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[2] = (30.0, 42.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes(), comment=b"secret comment", xmp=XMP)
    return out.getvalue()


def png_bytes(size=(200, 100), mode="RGBA") -> bytes:
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "hidden text")
    Image.new(mode, size, (10, 20, 30, 128) if mode == "RGBA" else (10, 20, 30)).save(
        out, "PNG", pnginfo=info
    )
    return out.getvalue()


def webp_bytes() -> bytes:
    out = io.BytesIO()
    gradient((300, 200)).save(out, "WEBP")
    return out.getvalue()


def heic_bytes() -> bytes:
    out = io.BytesIO()
    gradient((320, 240)).save(out, "HEIF")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_pixel_bomb(width=100_000, height=100_000) -> bytes:
    """A tiny PNG whose header claims 10 gigapixels: must be refused before any decoding."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def png_text_bomb() -> bytes:
    """A zTXt chunk that inflates to 64 MB: Pillow raises ValueError, not a decode error."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    data = out.getvalue()
    ztxt = _chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"a" * (64 * 1024 * 1024), 9))
    return data[:33] + ztxt + data[33:]


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def html_polyglot() -> bytes:
    return jpeg_with_metadata() + b"<html><body><script>alert(document.cookie)</script></body></html>"


def tiff_bytes() -> bytes:
    out = io.BytesIO()
    gradient((64, 64)).save(out, "TIFF")
    return out.getvalue()


EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def start_upload(client, data: bytes, site_id: str, content_type="image/jpeg", sha=None):
    return await client.post(
        "/api/blobs",
        json={
            "sha256": sha or sha256(data),
            "length": len(data),
            "content_type": content_type,
            "site_id": site_id,
        },
    )


async def send_chunk(client, sha: str, offset: int, chunk: bytes, checksum: str | None = None):
    headers = {
        "upload-offset": str(offset),
        "upload-checksum": checksum or checksum_header(chunk),
        "content-type": "application/offset+octet-stream",
        "tus-resumable": "1.0.0",
    }
    return await client.patch(f"/api/blobs/{sha}", content=chunk, headers=headers)


async def upload(client, data: bytes, site_id: str, content_type="image/jpeg", chunk=64 * 1024):
    """The whole tus flow; returns the last response (204 when accepted, else the refusal)."""
    created = await start_upload(client, data, site_id, content_type)
    if created.status_code != 201:
        return created
    offset = created.json()["offset"]
    sha = sha256(data)
    response = created
    while offset < len(data):
        response = await send_chunk(client, sha, offset, data[offset : offset + chunk])
        if response.status_code != 204:
            return response
        offset = int(response.headers["upload-offset"])
    return response
