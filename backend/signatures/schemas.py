from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from backend.blobs.schemas import Sha256

# The capture is part of the sync contract (a `sign` mutation carries it): one definition,
# re-exported here for the signature domain.
from sync.protocol import Capture
from sync.protocol import Refusal as Refusal
from sync.protocol import SignatureCapture as SignatureCapture


class SignIn(msgspec.Struct, forbid_unknown_fields=True):
    """REST signing: the hash the signer was shown (GET …/hash) and the capture."""

    record_hash: Sha256
    capture: Capture


class AmendmentIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, Meta(min_length=1, max_length=500)]


class AmendmentOut(msgspec.Struct):
    id: str
    record_kind: str
    record_id: str
    version: int
    state: str
    reason: str
    requested_by: str
    requested_at: datetime


class HashOut(msgspec.Struct):
    """What the signer is shown: the hash, and the canonical text it is the SHA-256 of."""

    record_kind: str
    record_id: str
    record_hash: str
    canonical: str
    locked: bool


class SignedOut(msgspec.Struct):
    id: str
    record_kind: str
    record_id: str
    version: int
    outcome: str
    record_hash: str
    entry_hash: str
    signed_at: datetime


class Problem(msgspec.Struct):
    check: str  # record_hash | capture_hash | chain | seal | changed_after_signing | file_* ...
    subject: str
    detail: str


class VerifyReport(msgspec.Struct):
    ok: bool
    signed_records: int
    blobs: int
    files: int
    problems: list[Problem]


class RecordCheck(msgspec.Struct):
    """What the verification page (a report's QR code) is told about one record hash.

    Public: no signer name, phone, notes or user ids. `record_id` only for a signed-in caller
    whose scope holds the record's site, so the page can link to it.
    """

    found: bool  # the caller's own hash is not echoed back: the page has it
    record_kind: str | None = None  # work_order | inspection
    outcome: str | None = None  # signed | refused
    version: int | None = None
    newer_version: bool = False  # an approved amendment was signed again after this one
    signed_at: datetime | None = None
    ok: bool | None = None  # every check below passed
    chain_ok: bool | None = None  # links to the previous entry, its hash covers the row, sealed
    record_ok: bool | None = None  # stored text hashes to the signed hash; live record unchanged
    files_ok: bool | None = None  # photos and signature image on disk match what was signed
    problems: list[str] = []  # names of the failed checks, as in `weibao verify`
    files_pending: int = 0  # signed files whose bytes have not reached the server yet
    record_id: str | None = None
