"""Sign a record (or record a refusal), lock it, amend it; every signing extends the chain.

`sign` recomputes the record hash from the stored record: equal to what the signer saw → the
record is locked; different (it changed while the phone was offline) → `stale_signature`, for a
person to look at. Record domains call `ensure_editable` before every change.
"""

import hashlib
import json

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.blobs.models import Blob
from backend.db import utcnow
from backend.dialect import run_statements
from backend.errors import Conflict, Forbidden, NotFound
from backend.photos.models import Photo
from backend.signatures import chain
from backend.signatures import signable as signable_forms
from backend.signatures.canonical import canonical
from backend.signatures.kinds import RECORD_KINDS, RecordView
from backend.signatures.models import Amendment, SignedRecord
from backend.signatures.schemas import Capture, SignatureCapture, SignedOut
from backend.sites.scope import get_scoped, may_see_site
from backend.users.models import Role


class StaleSignature(Conflict):
    code = "stale_signature"


async def load_record(db: AsyncSession, kind: str, record_id: str, user: CurrentUser | None) -> RecordView:
    loader = RECORD_KINDS.get(kind)
    view = await loader(db, record_id) if loader else None
    if view is None or (user is not None and not await may_see_site(db, view.site_id, user)):
        raise NotFound(f"No {kind} with id {record_id}.")
    return view


async def signable(db: AsyncSession, kind: str, record_id: str, view: RecordView) -> dict:
    """Kinds that do not sync: the loader's fields and the live photos' (phase, hash)."""
    rows = await db.execute(
        select(Photo.blob_sha256, Photo.phase).where(
            Photo.record_kind == kind,
            Photo.record_id == record_id,
            Photo.state != "removed",
            Photo.blob_sha256.is_not(None),
        )
    )
    photos = sorted({(phase, sha) for sha, phase in rows})
    return {
        "kind": kind,
        "id": record_id,
        "fields": view.fields,
        "photos": [{"phase": phase, "sha256": sha} for phase, sha in photos],
    }


async def synced_state(db: AsyncSession, kind: str, record_id: str) -> dict | None:
    from backend.sync_api.entities import TABLES  # the engine's tables import this domain

    states = await run_statements(db, lambda statements: TABLES[kind].load(statements, [record_id]))
    state = states.get(record_id)
    return None if state is None or state["deleted"] else state


async def signable_of(
    db: AsyncSession, kind: str, record_id: str, user: CurrentUser | None
) -> tuple[RecordView, dict]:
    """(site and fields, signable form). Synced kinds sign their merge state, exactly as the
    phone computes it (signable.py, PROTOCOL.md §9); the others their loader's view."""
    if kind in signable_forms.SIGNED_FIELDS:
        state = await synced_state(db, kind, record_id)
        hidden = state is None or state["fields"].get("status") in signable_forms.NOT_YET_SIGNABLE.get(
            kind, ()
        )
        if hidden or (user is not None and not await may_see_site(db, state["site_id"], user)):
            raise NotFound(f"No {kind} with id {record_id}.")
        form = signable_forms.signable_form(kind, state)
        return RecordView(site_id=state["site_id"], fields=form["fields"]), form
    view = await load_record(db, kind, record_id, user)
    return view, await signable(db, kind, record_id, view)


async def record_hash(
    db: AsyncSession, kind: str, record_id: str, user: CurrentUser | None
) -> tuple[RecordView, bytes, str]:
    view, form = await signable_of(db, kind, record_id, user)
    text = canonical(form)
    return view, text, hashlib.sha256(text).hexdigest()


async def latest_signed(db: AsyncSession, kind: str, record_id: str) -> SignedRecord | None:
    return await db.scalar(
        select(SignedRecord)
        .where(SignedRecord.record_kind == kind, SignedRecord.record_id == record_id)
        .order_by(SignedRecord.version.desc())
        .limit(1)
    )


async def amendment_approved(db: AsyncSession, signed: SignedRecord) -> bool:
    found = await db.scalar(
        select(Amendment.id).where(
            Amendment.record_kind == signed.record_kind,
            Amendment.record_id == signed.record_id,
            Amendment.version == signed.version,
            Amendment.state == "approved",
        )
    )
    return found is not None


async def is_locked(db: AsyncSession, kind: str, record_id: str) -> bool:
    signed = await latest_signed(db, kind, record_id)
    return signed is not None and not await amendment_approved(db, signed)


async def ensure_editable(
    db: AsyncSession,
    kind: str,
    record_id: str,
    message: str = "This record is signed; changes need an approved amendment.",
) -> None:
    if await is_locked(db, kind, record_id):
        raise Conflict(message, code="record_locked")


async def files_of(db: AsyncSession, hashes: list[str]) -> dict[str, list[str] | None]:
    """Blob hash -> its rendition hashes (None while the bytes are still on their way)."""
    blobs = {b.sha256: b for b in await db.scalars(select(Blob).where(Blob.sha256.in_(hashes)))}
    files: dict[str, list[str] | None] = {}
    for sha in hashes:
        blob = blobs.get(sha)
        present = blob is not None and blob.state == "present"
        files[sha] = [blob.full_sha256, blob.display_sha256, blob.thumb_sha256] if present else None
    return files


def entry_fields(row: SignedRecord) -> dict:
    return {
        "kind": row.record_kind,
        "record_id": row.record_id,
        "version": row.version,
        "site_id": row.site_id,
        "record_hash": row.record_hash,
        "capture_hash": row.capture_hash,
        "files": json.loads(row.files),
        "signed_by": row.signed_by,
        "signed_at": row.signed_at.isoformat(),
    }


async def sign(
    db: AsyncSession,
    key: Ed25519PrivateKey,
    kind: str,
    record_id: str,
    expected_hash: str,
    capture: Capture,
    user: CurrentUser,
) -> SignedOut:
    """Sign a record of a kind that does not sync (synced kinds: sync_commands.py, which also
    moves their status through the engine)."""
    view, text, actual = await record_hash(db, kind, record_id, user)
    await ensure_editable(db, kind, record_id, "This record is already signed.")
    if actual != expected_hash:
        raise StaleSignature(
            "The record changed after it was shown to the signer; show it again and re-sign.",
            detail={"signed_hash": expected_hash, "current_hash": actual},
        )
    row = await append_signature(db, key, kind, record_id, view.site_id, text, capture, user)
    return msgspec.convert(row, SignedOut, from_attributes=True)


async def append_signature(
    db: AsyncSession,
    key: Ed25519PrivateKey,
    kind: str,
    record_id: str,
    site_id: str,
    text: bytes,
    capture: Capture,
    user: CurrentUser,
) -> SignedRecord:
    """The signed record row (the exact canonical text, the capture, the files as they are
    now: the signature image may still be on its way), appended to the chain."""
    previous = await latest_signed(db, kind, record_id)
    capture_text = canonical(msgspec.to_builtins(capture))
    image = capture.image_sha256 if isinstance(capture, SignatureCapture) else None
    photo_hashes = [p["sha256"] for p in json.loads(text)["photos"]]
    files = await files_of(db, sorted(set(photo_hashes) | ({image} if image else set())))
    row = SignedRecord(
        record_kind=kind,
        record_id=record_id,
        version=previous.version + 1 if previous else 1,
        site_id=site_id,
        canonical=text.decode(),
        record_hash=hashlib.sha256(text).hexdigest(),
        capture=capture_text.decode(),
        capture_hash=hashlib.sha256(capture_text).hexdigest(),
        outcome="signed" if image else "refused",
        signature_sha256=image,
        files=canonical(files).decode(),
        signed_by=user.id,
        signed_at=utcnow(),
    )
    await append_to_chain(db, key, row)
    return row


async def append_to_chain(db: AsyncSession, key: Ed25519PrivateKey, row: SignedRecord) -> None:
    # The unique seq makes two concurrent appends collide instead of forking the chain.
    head = await db.scalar(select(SignedRecord).order_by(SignedRecord.seq.desc()).limit(1))
    row.seq = head.seq + 1 if head else 1
    row.prev_hash = head.entry_hash if head else chain.GENESIS
    row.entry_hash = chain.entry_hash(row.prev_hash, row.seq, entry_fields(row))
    row.seal = chain.seal(key, row.entry_hash)
    db.add(row)
    await db.flush()


async def request_amendment(
    db: AsyncSession, kind: str, record_id: str, reason: str, user: CurrentUser
) -> Amendment:
    signed = await latest_signed(db, kind, record_id)
    if signed is None or not await may_see_site(db, signed.site_id, user):
        raise NotFound(f"No signed {kind} with id {record_id}.")
    amendment = Amendment(
        record_kind=kind,
        record_id=record_id,
        version=signed.version,
        site_id=signed.site_id,
        reason=reason,
        requested_by=user.id,
    )
    db.add(amendment)
    await db.flush()
    return amendment


async def approve_amendment(db: AsyncSession, amendment_id: str, user: CurrentUser) -> Amendment:
    """Only staff approve; the record becomes editable and its next signing is version n+1."""
    if user.role not in (Role.admin, Role.dispatcher):
        raise Forbidden("Only a dispatcher or an admin approves amendments.")
    amendment = await get_scoped(db, Amendment, amendment_id, user)
    if amendment.state != "requested":
        raise Conflict(f"This amendment is already {amendment.state}.", code="amendment_decided")
    amendment.state, amendment.decided_by, amendment.decided_at = "approved", user.id, utcnow()
    await db.flush()
    return amendment
