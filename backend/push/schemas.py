from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

Endpoint = Annotated[str, Meta(min_length=1, max_length=2048)]
HhMm = Annotated[str, Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class SubscriptionKeys(msgspec.Struct, forbid_unknown_fields=True):
    p256dh: Annotated[str, Meta(min_length=1, max_length=100)]
    auth: Annotated[str, Meta(min_length=1, max_length=40)]


class SubscriptionIn(msgspec.Struct, forbid_unknown_fields=True, rename="camel"):
    """PushSubscription.toJSON() plus what the page knows; `old_endpoint` comes from the
    service worker's pushsubscriptionchange, so the replaced subscription is dropped."""

    endpoint: Endpoint
    keys: SubscriptionKeys
    expiration_time: int | None = None
    device_label: Annotated[str, Meta(max_length=100)] = ""
    old_endpoint: Endpoint | None = None


class SubscriptionOut(msgspec.Struct):
    id: str
    push_service: str
    device_label: str
    user_agent: str
    created_at: datetime
    last_success_at: datetime | None
    failures: int


class PublicKey(msgspec.Struct):
    application_server_key: str


class TestQueued(msgspec.Struct):
    queued: int


class PreferencesIn(msgspec.Struct, forbid_unknown_fields=True):
    """Quiet hours in the contract's wall-clock time (Asia/Shanghai); both null means none."""

    quiet_start: HhMm | None = None
    quiet_end: HhMm | None = None


class PreferencesOut(msgspec.Struct):
    quiet_start: str | None
    quiet_end: str | None
    time_zone: str
