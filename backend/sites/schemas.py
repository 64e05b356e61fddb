from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

Name = Annotated[str, Meta(min_length=1, max_length=200)]
ShortName = Annotated[str, Meta(min_length=1, max_length=40)]
Id = Annotated[str, Meta(min_length=1, max_length=36)]
Latitude = Annotated[float, Meta(ge=-90, le=90)]
Longitude = Annotated[float, Meta(ge=-180, le=180)]
Area = Literal["urban", "suburban"]
SiteKind = Literal["detention", "custody", "correction", "intersection", "office", "other"]


class ClientOut(msgspec.Struct):
    id: str
    name: str
    created_at: datetime


class ClientCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name


class ContractOut(msgspec.Struct):
    id: str
    client_id: str
    code: str
    name: str
    starts_on: date
    ends_on: date
    sla_policy: dict[str, Any] | None


class ContractCreate(msgspec.Struct, forbid_unknown_fields=True):
    client_id: Id
    code: Annotated[str, Meta(min_length=1, max_length=50)]
    name: Name
    starts_on: date
    ends_on: date
    sla_policy: dict[str, Any] | None = None


class SiteOut(msgspec.Struct):
    id: str
    contract_id: str
    name: str
    short_name: str
    kind: str
    area: str
    address: str
    latitude: float | None
    longitude: float | None


class SiteCreate(msgspec.Struct, forbid_unknown_fields=True):
    contract_id: Id
    name: Name
    short_name: ShortName
    kind: SiteKind
    area: Area
    address: Annotated[str, Meta(max_length=300)] = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class SitePatch(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    short_name: ShortName | UnsetType = UNSET
    kind: SiteKind | UnsetType = UNSET
    area: Area | UnsetType = UNSET
    address: Annotated[str, Meta(max_length=300)] | UnsetType = UNSET
    latitude: Latitude | UnsetType | None = UNSET
    longitude: Longitude | UnsetType | None = UNSET


class AssignmentOut(msgspec.Struct):
    site_id: str
    user_id: str
    username: str
    display_name: str
    role: str
