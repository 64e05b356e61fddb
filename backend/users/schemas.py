from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from backend.users.models import Role

Username = Annotated[str, Meta(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
Name = Annotated[str, Meta(min_length=1, max_length=100)]
Password = Annotated[str, Meta(min_length=8, max_length=200)]
Locale = Literal["zh-CN", "en"]


class UserOut(msgspec.Struct):
    id: str
    username: str
    display_name: str
    role: Role
    locale: str
    disabled: bool
    created_at: datetime


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    display_name: Name
    role: Role
    password: Password
    locale: Locale = "zh-CN"


class UserPatch(msgspec.Struct, forbid_unknown_fields=True):
    display_name: Name | UnsetType = UNSET
    role: Role | UnsetType = UNSET
    locale: Locale | UnsetType = UNSET
    disabled: bool | UnsetType = UNSET
    password: Password | UnsetType = UNSET
