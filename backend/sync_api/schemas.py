from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta


class ConflictCard(msgspec.Struct):
    id: str
    entity: str
    record_id: str
    site_id: str | None
    kind: str
    status: str
    conflict: dict[str, Any]
    resolution: dict[str, Any] | None
    at_ms: int


class Resolution(msgspec.Struct, forbid_unknown_fields=True):
    """Keep what is there, take what the mutation proposed, or enter values (choice "value")."""

    choice: Literal["current", "proposed", "value"]
    values: Annotated[dict[str, Any], Meta(max_length=20)] | None = None


class ClampOut(msgspec.Struct):
    mutation_id: str
    client_id: str
    user_id: str
    sent_hlc: str
    clamped_hlc: str
    at_ms: int
