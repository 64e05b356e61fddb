"""The push message a phone receives: minimal, non-confidential, localised, size-checked.

The client documents forbid leaking details (symptom, device, address, people), and a push
message transits a third-party push service: only the ticket id, severity, the site's short
name and what happened leave the server. The phone opens the ticket to learn the rest.
"""

import base64
import hashlib
import re
from typing import Literal, get_args
from urllib.parse import quote

import msgspec

# "test" is the per-device test button in the settings (issue 8 §5).
Kind = Literal["dispatched", "reassigned", "sla_warning", "escalated", "new_level1", "test"]
Language = Literal["zh-CN", "en"]

# Our own cap keeps messages small on slow networks; RFC 8291 §4 caps the encrypted body at
# 4096 bytes, which leaves 4096 - 86 (header) - 16 (tag) - 1 (delimiter) = 3993 of plaintext.
PAYLOAD_CAP_BYTES = 1024
RFC8291_MAX_PLAINTEXT_BYTES = 3993
SITE_NAME_MAX_CHARS = 24
SETTINGS_URL = "/#/settings/notifications"

# RFC 8030 §5.4: a topic is at most 32 characters of the URL-safe base64 alphabet.
_TOPIC = re.compile(r"[A-Za-z0-9_-]{1,32}")

_CATALOGUE: dict[Language, dict[str, str]] = {
    "zh-CN": {
        "title": "{label} · {severity}级 · {site}",
        "dispatched": "新派工单",
        "dispatched.body": "工单 {ticket} 已派给您。",
        "reassigned": "工单改派",
        "reassigned.body": "工单 {ticket} 已改派。",
        "sla_warning": "时限预警",
        "sla_warning.body": "工单 {ticket} 即将超出时限。",
        "escalated": "工单升级",
        "escalated.body": "工单 {ticket} 已升级。",
        "new_level1": "新一级故障",
        "new_level1.body": "工单 {ticket} 需要值班技术员处理。",
        "test": "测试通知",
        "test.title": "测试通知",
        "test.body": "本设备可以收到通知。",
        "open": "查看",
        "accept": "接单",
    },
    "en": {
        "title": "{label} · L{severity} · {site}",
        "dispatched": "New work order",
        "dispatched.body": "Work order {ticket} has been dispatched to you.",
        "reassigned": "Work order reassigned",
        "reassigned.body": "Work order {ticket} has been reassigned.",
        "sla_warning": "SLA warning",
        "sla_warning.body": "Work order {ticket} is close to its deadline.",
        "escalated": "Escalated",
        "escalated.body": "Work order {ticket} has been escalated.",
        "new_level1": "New level-1 fault",
        "new_level1.body": "Work order {ticket} needs an on-call technician.",
        "test": "Test notification",
        "test.title": "Test notification",
        "test.body": "This device receives notifications.",
        "open": "Open",
        "accept": "Accept",
    },
}

# "Accept" only where the recipient is being asked to take the job; on a warning or an
# escalation the ticket is usually theirs already and the button would only make a conflict.
_ACCEPTABLE_KINDS = frozenset({"dispatched", "reassigned", "new_level1"})


class PayloadTooLarge(ValueError):
    """Refused before encryption: past RFC 8291's limit a phone cannot decrypt the message."""


class NotificationAction(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    action: Literal["open", "accept"]
    title: str


class PushPayload(msgspec.Struct, frozen=True, forbid_unknown_fields=True, rename="camel"):
    """What the service worker passes to showNotification; field names match its options."""

    ticket: str
    severity: int
    site: str
    kind: Kind
    lang: Language
    title: str
    body: str
    url: str
    tag: str
    require_interaction: bool
    actions: tuple[NotificationAction, ...]


def build_payload(
    ticket_id: str | int, severity: int, site_short_name: str, kind: Kind, language: str | None
) -> bytes:
    """Compact JSON for one recipient, refused if it would pass our cap."""
    if kind not in get_args(Kind):
        raise ValueError(f"unknown notification kind {kind!r}")
    if severity not in (1, 2, 3, 4):
        raise ValueError(f"severity must be 1–4, got {severity!r}")
    lang = resolve_language(language)
    text = _CATALOGUE[lang]
    ticket, site = str(ticket_id), _shorten(site_short_name)
    label = text[kind]
    payload = PushPayload(
        ticket=ticket,
        severity=severity,
        site=site,
        kind=kind,
        lang=lang,
        title=text.get(f"{kind}.title") or text["title"].format(label=label, severity=severity, site=site),
        body=text[f"{kind}.body"].format(ticket=ticket),
        url=SETTINGS_URL if kind == "test" else f"/#/work-orders/{quote(ticket, safe='')}",
        tag=ticket_topic(ticket),
        require_interaction=severity == 1,
        actions=_actions(kind, text),
    )
    return check_payload_size(msgspec.json.encode(payload))


def decode_payload(data: bytes) -> PushPayload:
    return msgspec.json.decode(data, type=PushPayload)


def check_payload_size(data: bytes, limit: int = PAYLOAD_CAP_BYTES) -> bytes:
    if limit > RFC8291_MAX_PLAINTEXT_BYTES:
        raise ValueError(f"a cap above {RFC8291_MAX_PLAINTEXT_BYTES} bytes is undecryptable")
    if len(data) > limit:
        raise PayloadTooLarge(f"push payload is {len(data)} bytes, the cap is {limit}")
    return data


def resolve_language(tag: str | None) -> Language:
    """The user's setting or Accept-Language tag; Chinese unless it asks for English."""
    return "en" if (tag or "").lower().startswith("en") else "zh-CN"


def ticket_topic(ticket_id: str | int) -> str:
    """One topic (and notification tag) per ticket, so a newer message replaces an older one.

    RFC 8030 §5.4 allows 32 URL-safe base64 characters; longer ids are hashed to fit.
    """
    topic = f"wo-{ticket_id}"
    if _TOPIC.fullmatch(topic):
        return topic
    digest = hashlib.sha256(str(ticket_id).encode()).digest()
    return "wo-" + base64.urlsafe_b64encode(digest).decode()[:29]


def is_valid_topic(topic: str) -> bool:
    return _TOPIC.fullmatch(topic) is not None


def _actions(kind: Kind, text: dict[str, str]) -> tuple[NotificationAction, ...]:
    opening = NotificationAction(action="open", title=text["open"])
    if kind not in _ACCEPTABLE_KINDS:
        return (opening,)
    return (opening, NotificationAction(action="accept", title=text["accept"]))


def _shorten(site_short_name: str) -> str:
    # A short name is meant to be short; clipping it keeps every message under the cap
    # instead of failing a level-1 notification because of a long name.
    name = site_short_name.strip()
    return name if len(name) <= SITE_NAME_MAX_CHARS else name[: SITE_NAME_MAX_CHARS - 1] + "…"
