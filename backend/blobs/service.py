"""Resumable, content-addressed uploads. The request's own transaction only writes; the
peek before file work uses a short read transaction so the SQLite write lock is not held while
chunks are fsynced or images are decoded (see STACK-NOTES: one writer at a time).
"""

import hashlib

import anyio
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit.recorder import SYSTEM, Actor, record
from backend.auth.schemas import CurrentUser
from backend.blobs import intake, tus
from backend.blobs.access import may_read
from backend.blobs.models import Blob
from backend.blobs.schemas import UploadCreate, UploadState
from backend.blobs.store import MediaStore
from backend.db import Database, session_scope, utcnow
from backend.errors import (
    ChecksumMismatch,
    Conflict,
    DomainError,
    Invalid,
    NotFound,
    TooLarge,
    UnsupportedMedia,
)
from backend.photos import service as photos
from backend.settings import Settings
from backend.sites.models import Site
from backend.sites.scope import get_scoped


def state_of(blob: Blob) -> UploadState:
    offset = blob.length if blob.state == "present" else blob.received
    return UploadState(blob.sha256, blob.state, offset, blob.length)


async def upload_status(db: AsyncSession, sha256: str) -> UploadState:
    blob = await db.get(Blob, sha256)
    if blob is None:
        raise NotFound("No upload with this hash; create it first.")
    return state_of(blob)


async def create_upload(
    db: AsyncSession, store: MediaStore, settings: Settings, data: UploadCreate, user: CurrentUser
) -> UploadState:
    await get_scoped(db, Site, data.site_id, user)
    intake.accepted_type(data.content_type)
    if data.length > settings.blob_max_bytes:
        raise TooLarge(f"A photo may have at most {settings.blob_max_bytes} bytes.")
    blob = await db.get(Blob, data.sha256)
    if blob is not None:
        return await existing_upload(db, blob, data, user)
    store.start_part(data.sha256)  # durable before the row that points to it commits
    blob = Blob(
        sha256=data.sha256,
        length=data.length,
        content_type=data.content_type,
        state="uploading",
        received=0,
        created_by=user.id,
    )
    db.add(blob)
    record(db, "upload_started", "blobs", data.sha256, {"length": data.length, "site_id": data.site_id})
    await db.flush()
    return state_of(blob)


async def existing_upload(db: AsyncSession, blob: Blob, data: UploadCreate, user: CurrentUser) -> UploadState:
    if blob.length != data.length:
        raise Conflict("This hash was announced with another length.", code="length_mismatch")
    if blob.created_by == user.id or await may_read(db, blob.sha256, user):
        return state_of(blob)
    # Saying "present" would let the caller attach and then read bytes it never proved to hold.
    raise Conflict("These bytes were uploaded by someone else.", code="blob_held_elsewhere")


def checked_offset(chunk: tus.Chunk) -> int:
    """The chunk's offset once its headers and bytes are in order (checked after ownership)."""
    if chunk.media_type != tus.CHUNK_MEDIA_TYPE:
        raise UnsupportedMedia(f"Chunks are sent as {tus.CHUNK_MEDIA_TYPE}.")
    if chunk.offset is None or chunk.checksum is None:
        raise Invalid("Upload-Offset and Upload-Checksum are required.", code="missing_tus_headers")
    try:
        matches = tus.chunk_matches(chunk.data, chunk.checksum)
    except tus.BadChecksumHeader as exc:
        raise Invalid(str(exc), code="bad_checksum_header") from exc
    if not matches:
        raise ChecksumMismatch("The chunk does not match its checksum; it was discarded.")
    return chunk.offset


async def append_chunk(
    db: AsyncSession,
    database: Database,
    store: MediaStore,
    settings: Settings,
    sha256: str,
    chunk: tus.Chunk,
    user: CurrentUser,
) -> UploadState:
    async with store.lock(sha256):
        async with database.reader() as peek:
            blob = await peek.get(Blob, sha256)
        if blob is None or blob.created_by != user.id:
            raise NotFound("No upload of yours with this hash; create it first.")
        offset = checked_offset(chunk)
        if blob.state == "present":
            raise Conflict("This upload is complete.", code="upload_complete", detail=state_of(blob))
        if problem := tus.offset_problem(blob.received, offset, len(chunk.data), blob.length):
            raise Conflict(problem, code="offset_mismatch", detail=state_of(blob))
        await anyio.to_thread.run_sync(store.append, sha256, offset, chunk.data)
        received = offset + len(chunk.data)
        if received == blob.length:
            return await complete(db, database, store, settings, blob)
        return await advance(db, blob, received)


async def advance(db: AsyncSession, blob: Blob, received: int) -> UploadState:
    # A compare-and-set on the offset: a concurrent append from another process loses here.
    moved = await db.execute(
        update(Blob)
        .where(Blob.sha256 == blob.sha256, Blob.received == blob.received, Blob.state == "uploading")
        .values(received=received)
    )
    if moved.rowcount != 1:
        raise Conflict("The upload moved on meanwhile; ask for the offset again.", code="offset_mismatch")
    return UploadState(blob.sha256, "uploading", received, blob.length)


async def complete(
    db: AsyncSession, database: Database, store: MediaStore, settings: Settings, peeked: Blob
) -> UploadState:
    data = await anyio.to_thread.run_sync(store.read_part, peeked.sha256)
    try:
        if hashlib.sha256(data).hexdigest() != peeked.sha256:
            raise Invalid("The bytes do not have the announced SHA-256.", code="hash_mismatch")
        media_type, renditions = await anyio.to_thread.run_sync(
            intake.intake, data, peeked.content_type, settings.image_max_pixels
        )
    except DomainError as exc:
        await discard(database, store, peeked, exc.code, db.info.get("actor", SYSTEM))
        raise
    for rendition in renditions:
        await anyio.to_thread.run_sync(store.put_content, rendition.data)
    blob = await db.get(Blob, peeked.sha256, with_for_update=True)
    if blob is None or blob.state != "uploading" or blob.received != peeked.received:
        raise Conflict("The upload changed meanwhile; ask for the offset again.", code="offset_mismatch")
    full, display, thumb = renditions
    blob.state, blob.received, blob.completed_at = "present", blob.length, utcnow()
    blob.rendition_type, blob.width, blob.height = media_type, full.width, full.height
    blob.full_sha256, blob.display_sha256, blob.thumb_sha256 = full.sha256, display.sha256, thumb.sha256
    record(db, "upload_completed", "blobs", blob.sha256, {"renditions": [r.sha256 for r in renditions]})
    await photos.mark_present(db, blob.sha256)
    await db.flush()
    return state_of(blob)


async def discard(database: Database, store: MediaStore, blob: Blob, reason: str, actor: Actor) -> None:
    """A failed whole-file check removes the upload and the client starts again.

    Its own transaction, because the request's rolls back with the error; the row goes first and
    the file after the commit, so no row ever points to a missing file.
    """
    async with session_scope(database, write=True) as session:
        session.info["actor"] = actor
        await session.execute(delete(Blob).where(Blob.sha256 == blob.sha256, Blob.state == "uploading"))
        record(session, "upload_rejected", "blobs", blob.sha256, {"reason": reason})
    store.discard_part(blob.sha256)


async def read_rendition(
    db: AsyncSession, store: MediaStore, sha256: str, name: str, user: CurrentUser
) -> tuple[bytes, str]:
    blob = await db.get(Blob, sha256)
    if blob is None or blob.state != "present" or not await may_read(db, sha256, user):
        raise NotFound("No photo with this hash.")
    data = await anyio.to_thread.run_sync(store.read_blob, blob.rendition(name))
    return data, blob.rendition_type or "application/octet-stream"
