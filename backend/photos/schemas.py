from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from backend.blobs.schemas import Sha256

Phase = Literal["before", "during", "after", "other"]
Short = Annotated[str, Meta(min_length=1, max_length=64)]


class PhotoCreate(msgspec.Struct, forbid_unknown_fields=True):
    sha256: Sha256
    site_id: Annotated[str, Meta(min_length=1, max_length=36)]
    record_kind: Annotated[str, Meta(min_length=1, max_length=40)]
    record_id: Short
    phase: Phase
    captured_at: Annotated[datetime, Meta(tz=True)]  # stored in UTC; a naive time is ambiguous
    # Offline clients name their photos so a retried push does not attach the photo twice.
    id: Annotated[str, Meta(min_length=1, max_length=36)] | None = None
    latitude: Annotated[float, Meta(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Meta(ge=-180, le=180)] | None = None
    asset_code: Short | None = None
    asset_name: Annotated[str, Meta(min_length=1, max_length=200)] | None = None


class PhotoOut(msgspec.Struct):
    """`sha256`, `phase` and `captured_at` are null only for a removal that overtook its
    photo (state "removed"); `taken_by` is null for photos synced before the server kept it."""

    id: str
    sha256: str | None
    site_id: str
    record_kind: str
    record_id: str
    phase: str | None
    captured_at: datetime | None
    latitude: float | None
    longitude: float | None
    item: str | None
    asset_code: str | None
    asset_name: str | None
    taken_by: str | None
    state: str
