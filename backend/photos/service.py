"""Attach photos to records and read them back, always through the site scope.

Work orders' and inspections' photos are events of their sync state (photos/events.py): the
REST attach builds the `<kind>.add_photo` mutation a phone would send and runs it through the
sync engine, so both paths write the same row and the same change log entry.
"""

import time

import anyio
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.blobs.access import may_read
from backend.blobs.models import Blob
from backend.blobs.store import MediaStore
from backend.db import new_id
from backend.dialect import run_statements
from backend.errors import Conflict, Invalid, NotFound
from backend.inspections.models import InspectionRecord
from backend.photos import events, watermark
from backend.photos.models import Photo
from backend.photos.schemas import PhotoCreate, PhotoOut
from backend.signatures.models import SignedRecord
from backend.signatures.service import ensure_editable
from backend.sites.models import Site
from backend.sites.scope import get_scoped, scoped
from backend.users.models import User
from backend.work_orders.models import WorkOrder
from sync.protocol import mutation_from_builtins


def to_out(photo: Photo) -> PhotoOut:
    return PhotoOut(
        id=photo.id,
        sha256=photo.blob_sha256,
        site_id=photo.site_id,
        record_kind=photo.record_kind,
        record_id=photo.record_id,
        phase=photo.phase,
        captured_at=photo.captured_at,
        latitude=photo.latitude,
        longitude=photo.longitude,
        item=photo.item,
        asset_code=photo.asset_code,
        asset_name=photo.asset_name,
        taken_by=photo.taken_by,
        state=photo.state,
    )


async def blob_state_for(db: AsyncSession, sha256: str, user: CurrentUser) -> str:
    """`present` or `pending_blob`; bytes someone else uploaded are not lent out by hash alone."""
    blob = await db.get(Blob, sha256)
    if blob is None:
        return "pending_blob"
    if blob.created_by != user.id and not await may_read(db, sha256, user):
        raise Conflict("These bytes were uploaded by someone else.", code="blob_held_elsewhere")
    return "present" if blob.state == "present" else "pending_blob"


async def attach_photo(db: AsyncSession, data: PhotoCreate, user: CurrentUser) -> PhotoOut:
    await get_scoped(db, Site, data.site_id, user)
    if data.id is not None and (existing := await db.get(Photo, data.id)) is not None:
        return await same_photo_again(db, existing, data, user)
    if data.record_kind in SYNCED:
        return await attach_through_engine(db, data, user)
    await ensure_editable(db, data.record_kind, data.record_id)
    photo = Photo(
        id=data.id,
        blob_sha256=data.sha256,
        site_id=data.site_id,
        record_kind=data.record_kind,
        record_id=data.record_id,
        phase=data.phase,
        captured_at=data.captured_at,
        latitude=data.latitude,
        longitude=data.longitude,
        asset_code=data.asset_code,
        asset_name=data.asset_name,
        taken_by=user.id,
        state=await blob_state_for(db, data.sha256, user),
    )
    db.add(photo)
    await db.flush()
    return to_out(photo)


SYNCED = {"work_order": WorkOrder, "inspection": InspectionRecord}


async def attach_through_engine(db: AsyncSession, data: PhotoCreate, user: CurrentUser) -> PhotoOut:
    from backend.sync_api import service as sync  # the engine imports the photo events module

    record = await get_scoped(db, SYNCED[data.record_kind], data.record_id, user)
    if record.site_id != data.site_id:
        raise Invalid("The record is at another site.", code="site_mismatch")
    await blob_state_for(db, data.sha256, user)  # never lend out someone else's bytes by hash
    photo_id = data.id or new_id()
    photo = {"sha256": data.sha256, "phase": data.phase, "captured_at": data.captured_at.isoformat()}
    photo |= {k: v for k, v in (("latitude", data.latitude), ("longitude", data.longitude)) if v is not None}
    wire = {
        "name": f"{data.record_kind}.add_photo",
        "id": new_id(),
        "client_id": "server",
        "seq": 1,
        "hlc": "000000000000000:00000:server",
        "record_id": data.record_id,
        "photo_id": photo_id,
        "photo": photo,
    }
    await sync.apply(db, mutation_from_builtins(wire), user)
    # What the phone's PhotoData does not carry: who took it and the watermark's asset text.
    await db.execute(
        update(Photo)
        .where(Photo.id == photo_id)
        .values(taken_by=user.id, asset_code=data.asset_code, asset_name=data.asset_name)
        .execution_options(synchronize_session=False)
    )
    return to_out(await db.get(Photo, photo_id, populate_existing=True))


async def same_photo_again(
    db: AsyncSession, existing: Photo, data: PhotoCreate, user: CurrentUser
) -> PhotoOut:
    photo = await get_scoped(db, Photo, existing.id, user)
    if (photo.blob_sha256, photo.record_kind, photo.record_id) != (
        data.sha256,
        data.record_kind,
        data.record_id,
    ):
        raise Conflict("A different photo already has this id.", code="photo_id_taken")
    return to_out(photo)


async def list_photos(
    db: AsyncSession, record_kind: str, record_id: str, user: CurrentUser
) -> list[PhotoOut]:
    stmt = select(Photo).where(
        Photo.record_kind == record_kind, Photo.record_id == record_id, Photo.state != "removed"
    )
    rows = await db.scalars(scoped(stmt.order_by(Photo.captured_at, Photo.id), Photo, user))
    return [to_out(p) for p in rows]


async def get_photo(db: AsyncSession, photo_id: str, user: CurrentUser) -> PhotoOut:
    return to_out(await get_scoped(db, Photo, photo_id, user))


async def mark_present(db: AsyncSession, sha256: str) -> None:
    """Called when a blob's upload completes: every photo waiting for these bytes has them now,
    and every site whose records reference them logs a `blob` change (PROTOCOL.md §5), so the
    phones learn it on their next pull and only then free their local copy."""
    for photo in await db.scalars(
        select(Photo).where(Photo.blob_sha256 == sha256, Photo.state == "pending_blob")
    ):
        photo.state = "present"
    photo_sites = select(Photo.site_id).where(Photo.blob_sha256 == sha256, Photo.state != "removed")
    signed_sites = select(SignedRecord.site_id).where(SignedRecord.signature_sha256 == sha256)
    sites = sorted(set(await db.scalars(photo_sites.union(signed_sites))))
    at_ms = time.time_ns() // 1_000_000
    rows = [events.blob_change(site, sha256, at_ms) for site in sites]
    await run_statements(db, lambda statements: statements.many(events.BLOB_CHANGE, rows))


async def taker_of(db: AsyncSession, photo: Photo) -> User | None:
    """Who took the photo: recorded by REST attaches; for synced ones, the user of the client
    whose id is the node of the event's clock (a client id belongs to one user, §3)."""
    if photo.taken_by is not None:
        return await db.get(User, photo.taken_by)
    node = (photo.hlc or "").split(":", 2)[-1]
    user_id = await db.scalar(text("SELECT user_id FROM sync_clients WHERE client_id = :c"), {"c": node})
    return None if user_id is None else await db.get(User, user_id)


async def watermarked_copy(db: AsyncSession, store: MediaStore, photo_id: str, user: CurrentUser) -> bytes:
    """The report copy: display size with the 水印 band; the clean copies stay untouched."""
    photo = await get_scoped(db, Photo, photo_id, user)
    blob = None if photo.blob_sha256 is None else await db.get(Blob, photo.blob_sha256)
    if blob is None or blob.state != "present" or blob.display_sha256 is None:
        raise NotFound("The photo's bytes have not arrived yet.", code="pending_blob")
    site = await db.get(Site, photo.site_id)
    taker = await taker_of(db, photo)
    caption = watermark.Caption(
        asset=" ".join(filter(None, [photo.asset_code, photo.asset_name])),
        site=site.name if site else "",
        captured_at=photo.captured_at,
        technician=taker.display_name if taker else "",
        phase=photo.phase,
    )
    data = await anyio.to_thread.run_sync(store.read_blob, blob.display_sha256)
    return await anyio.to_thread.run_sync(watermark.render, data, caption)
