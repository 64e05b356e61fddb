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
