from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

Id = Annotated[str, Meta(min_length=1, max_length=36)]
Key = Annotated[str, Meta(min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_]*$")]
Name = Annotated[str, Meta(min_length=1, max_length=200)]
Short = Annotated[str, Meta(max_length=100)]
Identifier = Annotated[str, Meta(min_length=1, max_length=100)]
Notes = Annotated[str, Meta(max_length=4000)]
Criticality = Literal["key", "normal"]
Status = Literal["in_service", "faulty", "offline", "under_repair", "retired"]


class SystemTypeOut(msgspec.Struct):
    key: str
    name_zh: str
    name_en: str
    builtin: bool


class SystemTypeCreate(msgspec.Struct, forbid_unknown_fields=True):
    key: Key
    name_zh: Annotated[str, Meta(min_length=1, max_length=100)]
    name_en: Annotated[str, Meta(min_length=1, max_length=100)]


class AssetOut(msgspec.Struct):
    id: str
    site_id: str
    system: str
    device_type: str | None
    name: str
    brand: str
    model: str
    serial: str | None
    external_id: str | None
    building: str
    floor: str
    room: str
    location_text: str
    install_date: date | None
    warranty_end: date | None
    criticality: str
    status: str
    notes: str
    created_at: datetime
    updated_at: datetime
    version: int
    tag_code: str | None = None  # the active tag
    # Codes this asset's earlier labels carried (retired on retag), oldest first: a phone
    # resolves an old label offline; online, GET /api/tags/{code} answers 409 tag_replaced.
    retired_codes: list[str] = []


class AssetPage(msgspec.Struct):
    items: list[AssetOut]
    total: int
    limit: int
    offset: int


class AssetCreate(msgspec.Struct, forbid_unknown_fields=True):
    site_id: Id
    system: Key
    name: Name
    device_type: Annotated[str, Meta(max_length=50)] | None = None
    brand: Short = ""
    model: Short = ""
    serial: Identifier | None = None
    external_id: Identifier | None = None
    building: Short = ""
    floor: Annotated[str, Meta(max_length=50)] = ""
    room: Short = ""
    location_text: Annotated[str, Meta(max_length=300)] = ""
    install_date: date | None = None
    warranty_end: date | None = None
    criticality: Criticality = "normal"
    status: Status = "in_service"
    notes: Notes = ""


class AssetPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields given change. `version`, when given, must match (else 409 stale)."""

    version: int | UnsetType = UNSET
    system: Key | UnsetType = UNSET
    name: Name | UnsetType = UNSET
    device_type: Annotated[str, Meta(max_length=50)] | UnsetType | None = UNSET
    brand: Short | UnsetType = UNSET
    model: Short | UnsetType = UNSET
    serial: Identifier | UnsetType | None = UNSET
    external_id: Identifier | UnsetType | None = UNSET
    building: Short | UnsetType = UNSET
    floor: Annotated[str, Meta(max_length=50)] | UnsetType = UNSET
    room: Short | UnsetType = UNSET
    location_text: Annotated[str, Meta(max_length=300)] | UnsetType = UNSET
    install_date: date | UnsetType | None = UNSET
    warranty_end: date | UnsetType | None = UNSET
    criticality: Criticality | UnsetType = UNSET
    status: Status | UnsetType = UNSET
    notes: Notes | UnsetType = UNSET


class AssetEventOut(msgspec.Struct):
    id: str
    asset_id: str
    at: datetime
    kind: str
    actor_id: str | None
    actor_name: str
    detail: dict[str, Any]


class RetagRequest(msgspec.Struct, forbid_unknown_fields=True):
    """`code`: a pre-printed label's code to use; without it a new code is drawn."""

    reason: Annotated[str, Meta(max_length=500)] = ""
    code: Annotated[str, Meta(min_length=1, max_length=40)] | None = None


class TagLookupOut(msgspec.Struct):
    code: str
    url: str
    asset: AssetOut
    # Filled by the work-order and inspection domains once they exist (tags_service seam).
    open_work_orders: list[dict[str, Any]]
    last_inspection: dict[str, Any] | None


class LabelRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Which assets get labels: any combination narrows the selection; at least one is needed."""

    site_id: Id | None = None
    system: Key | None = None
    asset_ids: Annotated[list[Id], Meta(min_length=1, max_length=10000)] | None = None


class ImportResult(msgspec.Struct):
    dry_run: bool
    encoding: str
    created: int
    updated: int
    unchanged: int
    errors: list[dict[str, Any]]  # {"row", "column", "message"}, rows numbered as in Excel
    ignored_columns: list[str]
