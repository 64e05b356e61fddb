"""Evidence photos whose bytes have not reached the server ("awaiting upload").

A photo event names its bytes by hash; the bytes travel separately (store/upload.js, tus), and
an offline phone pushes its records, status moves and the client's signature before the bytes
(the sync loop never waits for uploads). So neither "repaired" nor a pushed signature can
require the bytes at push time: that would turn every offline repair into a conflict card. The
signed record's hash covers the photo hashes (PROTOCOL.md §9), so bytes that arrive later are
provably the ones signed. Bytes that never arrive (refused as unreadable, a phone lost) must
not pass silently, though: the console's ticket page shows which photos are still awaited,
and closing a ticket (the dispatcher's last step, online) is refused while any is, listing
them. Removing a photo (the phone's retake) takes it out of the evidence. `record_evidence` +
`awaiting_upload` are what a report needs to print "awaiting upload" for the same photos.
"""

from collections.abc import Iterable

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Invalid
from backend.photos.models import Photo


class EvidencePhoto(msgspec.Struct, frozen=True):
    id: str
    phase: str | None
    sha256: str | None
    state: str  # pending_blob | present | removed (photos/models.py)


class EvidenceAwaitingUpload(Invalid):
    """422: `detail.photos` lists every photo still without bytes (id, phase, sha256)."""

    code = "evidence_awaiting_upload"


def awaiting_upload(photos: Iterable[EvidencePhoto]) -> list[EvidencePhoto]:
    """Live photos without bytes, in phase order (before, during, after, then the rest)."""
    order = {"before": 0, "during": 1, "after": 2}
    waiting = [p for p in photos if p.state == "pending_blob"]
    return sorted(waiting, key=lambda p: (order.get(p.phase or "", 3), p.phase or "", p.id))


def awaiting_upload_refusal(photos: Iterable[EvidencePhoto], action: str) -> EvidenceAwaitingUpload | None:
    """The refusal of `action` (e.g. "close this ticket") while evidence bytes are missing."""
    waiting = awaiting_upload(photos)
    if not waiting:
        return None
    named = ", ".join(f"{p.phase or 'photo'} {(p.sha256 or '')[:12]}" for p in waiting)
    return EvidenceAwaitingUpload(
        f"Cannot {action}: {len(waiting)} evidence photo(s) have not been uploaded yet ({named}). "
        "The technician's phone uploads them when it is online; a photo the server refused must "
        "be retaken on the phone.",
        detail={"photos": [msgspec.to_builtins(p) for p in waiting]},
    )


async def record_evidence(db: AsyncSession, kind: str, record_id: str) -> list[EvidencePhoto]:
    """Every live photo of the record (what its signed hash covers)."""
    rows = await db.execute(
        select(Photo.id, Photo.phase, Photo.blob_sha256, Photo.state).where(
            Photo.record_kind == kind, Photo.record_id == record_id, Photo.state != "removed"
        )
    )
    return [EvidencePhoto(*row) for row in rows]


async def ensure_evidence_uploaded(db: AsyncSession, kind: str, record_id: str, action: str) -> None:
    refusal = awaiting_upload_refusal(await record_evidence(db, kind, record_id), action)
    if refusal is not None:
        raise refusal
