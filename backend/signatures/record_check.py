"""The public check behind a report's QR code (`{public_base_url}/#/verify/{record_hash}`).

The client's auditor scans the paper without an account: the answer says whether a record with
this hash was signed (or refused), when, and whether its chain entry, stored text and files
still verify, using the same checks as `weibao verify` (verify.py) for that one entry.
"""

import json
import re

import anyio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.auth.service import resolve_session
from backend.blobs.models import Blob
from backend.blobs.store import MediaStore
from backend.db import utcnow
from backend.errors import DomainError
from backend.signatures import chain, verify
from backend.signatures.models import SignedRecord
from backend.signatures.schemas import Problem, RecordCheck
from backend.signatures.service import latest_signed
from backend.sites.scope import may_see_site

HEX_SHA256 = re.compile(r"[0-9a-f]{64}")

# verify.py's check names, grouped the way the page reports them.
CHAIN_CHECKS = {"chain", "seal"}
RECORD_CHECKS = {"record_hash", "capture_hash", "changed_after_signing"}


class MalformedHash(DomainError):
    """Not in the status table, so a 400: the address itself is wrong, not the record."""

    code = "malformed_hash"


async def entry_check(
    db: AsyncSession,
    store: MediaStore,
    public: Ed25519PublicKey,
    row: SignedRecord,
    blobs: list[Blob],
    newest: bool,
) -> list[Problem]:
    """verify.py's checks restricted to one chain entry (and, if it is the record's newest
    version, the live record it signed)."""
    previous = await db.scalar(
        select(SignedRecord).where(SignedRecord.seq < row.seq).order_by(SignedRecord.seq.desc()).limit(1)
    )
    expected_seq, prev = (previous.seq + 1, previous.entry_hash) if previous else (1, chain.GENESIS)
    problems = verify.canonical_problems(row) + verify.entry_problems(row, expected_seq, prev, public)
    if newest:
        problems += await verify.live_problems(db, [row])
    _files, found = await anyio.to_thread.run_sync(verify.blob_problems, blobs, [row], store)
    return problems + found


async def signed_blobs(db: AsyncSession, row: SignedRecord) -> list[Blob]:
    hashes = list(json.loads(row.files))
    return list(await db.scalars(select(Blob).where(Blob.sha256.in_(hashes))))


def pending_files(row: SignedRecord, blobs: list[Blob]) -> int:
    """Signed photos (or the signature image) whose bytes have not arrived yet: not a problem
    (a phone uploads after it syncs), as in `weibao verify`, but the page says so."""
    present = {b.sha256 for b in blobs if b.state == "present"}
    return len(set(json.loads(row.files)) - present)


async def caller(db: AsyncSession, token: str | None) -> CurrentUser | None:
    # The route is outside the session middleware (anyone may call it); a session cookie, if
    # sent, still identifies the caller.
    return await resolve_session(db, token, utcnow()) if token else None


async def check_record_hash(
    db: AsyncSession, store: MediaStore, public: Ed25519PublicKey, record_hash: str, token: str | None
) -> RecordCheck:
    """A malformed hash (not 64 hex digits) → 400 `malformed_hash`; an unknown one → 200 with
    found=false (nothing was signed with it; an unsigned record's report also lands here)."""
    wanted = record_hash.strip().lower()
    if not HEX_SHA256.fullmatch(wanted):
        raise MalformedHash(
            "A record hash is 64 hexadecimal digits.", detail={"record_hash": record_hash[:80]}
        )
    row = await db.scalar(
        select(SignedRecord)
        .where(SignedRecord.record_hash == wanted)
        .order_by(SignedRecord.seq.desc())
        .limit(1)
    )
    if row is None:
        return RecordCheck(found=False)
    newest = await latest_signed(db, row.record_kind, row.record_id)
    newer_version = newest is not None and newest.version > row.version
    blobs = await signed_blobs(db, row)
    names = sorted({p.check for p in await entry_check(db, store, public, row, blobs, not newer_version)})
    user = await caller(db, token)
    in_scope = user is not None and await may_see_site(db, row.site_id, user)
    return RecordCheck(
        found=True,
        record_kind=row.record_kind,
        outcome=row.outcome,
        version=row.version,
        newer_version=newer_version,
        signed_at=row.signed_at,
        ok=not names,
        chain_ok=not CHAIN_CHECKS & set(names),
        record_ok=not RECORD_CHECKS & set(names),
        files_ok=not set(names) - CHAIN_CHECKS - RECORD_CHECKS,
        problems=names,
        files_pending=pending_files(row, blobs),
        record_id=row.record_id if in_scope else None,
    )
