from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from backend.blobs.schemas import Sha256

Text = Annotated[str, Meta(min_length=1, max_length=200)]
AwareTime = Annotated[datetime, Meta(tz=True)]
Point = tuple[float, float, float]  # x, y in the pad's CSS pixels; t in ms since the first touch
Stroke = Annotated[list[Point], Meta(max_length=5000)]


class SignatureCapture(msgspec.Struct, tag="signature", forbid_unknown_fields=True):
    signer_name: Text
    role: Text  # role / organisation, e.g. "甲方代表 示例市看守所"
    signed_at: AwareTime
    image_sha256: Sha256  # the PNG of the signature, uploaded as a blob
    strokes: Annotated[list[Stroke], Meta(min_length=1, max_length=500)]
    phone: Annotated[str, Meta(max_length=30)] | None = None


RefusalReason = Literal["not_authorised", "disagrees_with_record", "not_present", "other"]


class Refusal(msgspec.Struct, tag="refusal", forbid_unknown_fields=True):
    """Printed instead of a signature: 记录客户联系人及原因."""

    contact_person: Text
    reason: RefusalReason
    reason_text: Annotated[str, Meta(max_length=500)]
    refused_at: AwareTime


Capture = SignatureCapture | Refusal


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
