"""Re-check every piece of evidence and say exactly what does not match.

1. Each signed record: its stored canonical text is canonical and hashes to record_hash; the
   capture likewise; entry_hash recomputes, links to the previous entry and carries a valid seal.
2. Each locked record whose kind is registered: recomputed from the live rows, still the signed hash.
3. Each blob: present ones have their three renditions on disk with the recorded SHA-256 (and
   match what the chain recorded at signing); unfinished ones have their partial file.
"""

import hashlib
import json
from pathlib import Path

import anyio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.blobs.models import Blob
from backend.blobs.store import MediaStore, sha256_file
from backend.db import connect, session_scope
from backend.errors import NotFound
from backend.settings import Settings
from backend.signatures import chain
from backend.signatures.canonical import NotCanonical, canonical
from backend.signatures.kinds import RECORD_KINDS
from backend.signatures.models import SignedRecord
from backend.signatures.schemas import Problem, VerifyReport
from backend.signatures.service import entry_fields, is_locked, record_hash


def canonical_problems(row: SignedRecord) -> list[Problem]:
    subject = f"{row.record_kind}/{row.record_id} v{row.version}"
    problems = []
    for name, text, expected in (
        ("record_hash", row.canonical, row.record_hash),
        ("capture_hash", row.capture, row.capture_hash),
    ):
        data = text.encode()
        if hashlib.sha256(data).hexdigest() != expected:
            problems.append(Problem(name, subject, "the stored content does not hash to the signed hash"))
        try:
            if canonical(json.loads(text)) != data:
                problems.append(Problem(name, subject, "the stored content is not in canonical form"))
        except (ValueError, NotCanonical):
            problems.append(Problem(name, subject, "the stored content is not valid JSON"))
    return problems


def entry_problems(
    row: SignedRecord, expected_seq: int, prev: str, public: Ed25519PublicKey
) -> list[Problem]:
    """One chain entry: at its place after the entry whose hash is `prev`, covering its row, sealed."""
    subject = f"chain entry {row.seq} ({row.record_kind}/{row.record_id} v{row.version})"
    problems = []
    if row.seq != expected_seq:
        problems.append(Problem("chain", subject, f"expected entry {expected_seq}: entries are missing"))
    if row.prev_hash != prev:
        problems.append(Problem("chain", subject, "does not link to the previous entry"))
    try:
        recomputed = chain.entry_hash(row.prev_hash, row.seq, entry_fields(row))
    except (ValueError, NotCanonical):
        recomputed = ""
    if recomputed != row.entry_hash:
        problems.append(Problem("chain", subject, "the entry hash does not cover the stored row"))
    if not chain.seal_holds(public, row.entry_hash, row.seal):
        problems.append(Problem("seal", subject, "the seal does not verify with the chain key"))
    return problems


def chain_problems(rows: list[SignedRecord], public: Ed25519PublicKey) -> list[Problem]:
    problems, prev = [], chain.GENESIS
    for expected_seq, row in enumerate(rows, start=1):
        problems += entry_problems(row, expected_seq, prev, public)
        prev = row.entry_hash
    return problems


async def live_problems(db: AsyncSession, rows: list[SignedRecord]) -> list[Problem]:
    latest = {(r.record_kind, r.record_id): r for r in rows}  # rows are in seq order
    problems = []
    for (kind, record_id), row in latest.items():
        if kind not in RECORD_KINDS or not await is_locked(db, kind, record_id):
            continue
        try:
            _view, _text, current = await record_hash(db, kind, record_id, None)
        except NotFound:
            current = "(record missing)"
        if current != row.record_hash:
            problems.append(
                Problem(
                    "changed_after_signing",
                    f"{kind}/{record_id} v{row.version}",
                    f"signed {row.record_hash}, now {current}",
                )
            )
    return problems


def file_problem(path: Path, expected: str, subject: str) -> Problem | None:
    if not path.exists():
        return Problem("file_missing", subject, f"{path} is missing")
    if sha256_file(path) != expected:
        return Problem("file_hash", subject, f"{path} does not have SHA-256 {expected}")
    return None


def blob_problems(blobs: list[Blob], rows: list[SignedRecord], store: MediaStore) -> tuple[int, list]:
    problems, files = [], 0
    for blob in blobs:
        if blob.state != "present":
            found = store.part_path(blob.sha256).exists()
            files += 1
            if not found:
                problems.append(
                    Problem("file_missing", f"upload {blob.sha256}", "the partial file is missing")
                )
            continue
        for name in ("full", "display", "thumb"):
            files += 1
            sha = blob.rendition(name) or ""
            if problem := file_problem(store.blob_path(sha), sha, f"blob {blob.sha256} {name}"):
                problems.append(problem)
    by_sha = {b.sha256: b for b in blobs}
    for row in rows:
        for sha, renditions in json.loads(row.files).items():
            blob = by_sha.get(sha)
            recorded = [blob.full_sha256, blob.display_sha256, blob.thumb_sha256] if blob else None
            if renditions is not None and recorded != renditions:
                problems.append(
                    Problem(
                        "blob_row", f"blob {sha}", f"differs from what entry {row.seq} recorded at signing"
                    )
                )
    return files, problems


async def verify_all(db: AsyncSession, store: MediaStore, public: Ed25519PublicKey) -> VerifyReport:
    rows = list(await db.scalars(select(SignedRecord).order_by(SignedRecord.seq)))
    blobs = list(await db.scalars(select(Blob).order_by(Blob.sha256)))
    problems = [p for row in rows for p in canonical_problems(row)]
    problems += chain_problems(rows, public)
    problems += await live_problems(db, rows)
    files, found = await anyio.to_thread.run_sync(blob_problems, blobs, rows, store)
    problems += found
    return VerifyReport(not problems, len(rows), len(blobs), files, problems)


async def verify_data_dir(settings: Settings) -> VerifyReport:
    """What `weibao verify` runs: the whole database and media directory of one installation."""
    database = connect(settings)
    try:
        async with session_scope(database, write=False) as db:
            public = chain.load_key(settings.secrets_dir).public_key()
            return await verify_all(db, MediaStore(settings.media_dir), public)
    finally:
        await database.dispose()


def report_text(report: VerifyReport) -> str:
    head = f"{report.signed_records} signed records, {report.blobs} blobs, {report.files} files checked: " + (
        "everything matches." if report.ok else f"{len(report.problems)} problem(s)."
    )
    return "\n".join([head, *(f"  [{p.check}] {p.subject}: {p.detail}" for p in report.problems)])
