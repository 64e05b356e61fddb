"""tus-style upload endpoints. Headers follow tus 1.0: Tus-Resumable, Upload-Offset,
Upload-Length, Upload-Checksum; `Weibao-Blob-State` says `uploading` or `present`."""

from typing import Annotated

from litestar import Litestar, Request, Response, get, head, patch, post
from litestar.background_tasks import BackgroundTask
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody

from backend.blobs import service, tus
from backend.blobs.schemas import Rendition, UploadCreate, UploadState
from backend.blobs.store import MediaStore
from backend.deps import Db
from backend.errors import TooLarge

# Served bytes are images we encoded ourselves; still, never let a browser sniff or script them.
SAFE_IMAGE_HEADERS = {
    "Cache-Control": "private, max-age=3600",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def open_media_store(app: Litestar) -> None:
    """Startup: one store per app, so appends to one upload are serialised in this process."""
    app.state.media = MediaStore(app.state.settings.media_dir)
    app.state.media.ensure_dirs()


def tus_headers(state: UploadState) -> dict[str, str]:
    return {
        "Tus-Resumable": tus.TUS_VERSION,
        "Upload-Offset": str(state.offset),
        "Upload-Length": str(state.length),
        "Weibao-Blob-State": state.state,
        "Cache-Control": "no-store",
    }


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"A chunk may have at most {limit} bytes.")
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > limit:
            raise TooLarge(f"A chunk may have at most {limit} bytes.")
    return bytes(body)


@head("/api/blobs/{sha256:str}")
async def upload_status(db: Db, sha256: FromPath[str]) -> Response[None]:
    return Response(None, headers=tus_headers(await service.upload_status(db, sha256)))


@post("/api/blobs")
async def create_upload(request: Request, db: Db, data: JSONBody[UploadCreate]) -> Response[UploadState]:
    state = request.app.state
    upload = await service.create_upload(db, state.media, state.settings, data, request.user)
    return Response(upload, status_code=201, headers=tus_headers(upload))


@patch("/api/blobs/{sha256:str}", request_max_body_size=None, status_code=204)
async def append_chunk(
    request: Request,
    db: Db,
    sha256: FromPath[str],
    upload_offset: Annotated[int | None, HeaderParameter(name="upload-offset", ge=0)] = None,
    upload_checksum: Annotated[str | None, HeaderParameter(name="upload-checksum")] = None,
) -> Response[None]:
    state = request.app.state
    data = await read_body(request, state.settings.blob_chunk_max_bytes)
    chunk = tus.Chunk(upload_offset, upload_checksum, request.headers.get("content-type", ""), data)
    upload = await service.append_chunk(
        db, state.db, state.media, state.settings, sha256, chunk, request.user
    )
    # The partial file goes only after the commit that stops pointing at it (tasks run after it).
    cleanup = BackgroundTask(state.media.discard_part, sha256) if upload.state == "present" else None
    return Response(None, status_code=204, headers=tus_headers(upload), background=cleanup)


@get("/api/blobs/{sha256:str}")
async def read_blob(
    request: Request, db: Db, sha256: FromPath[str], rendition: FromQuery[Rendition] = "display"
) -> Response[bytes]:
    data, media_type = await service.read_rendition(
        db, request.app.state.media, sha256, rendition, request.user
    )
    return Response(data, media_type=media_type, headers=SAFE_IMAGE_HEADERS)


ROUTES = [upload_status, create_upload, append_chunk, read_blob]
