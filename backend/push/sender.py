"""Send one Web Push message (RFC 8030) encrypted per RFC 8291 and signed per RFC 8292.

The `webpush` package encrypts and signs; this module decides the options, posts with the
caller's httpx client and classifies the answer. `webpush.WebPush` keeps per-call `ttl` and
`subscriber` as instance state (and ignores a per-call ttl of 0), so a fresh instance is built
for every message from immutable options: nothing one send sets can leak into the next.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal

import httpx
from webpush import WebPush
from webpush.types import WebPushKeys, WebPushSubscription

from backend.push.payload import check_payload_size, is_valid_topic, ticket_topic
from backend.push.vapid import VapidKeys

Urgency = Literal["very-low", "low", "normal", "high"]

URGENT_TTL_S = 12 * 3600  # levels 1–2: a phone in a basement still gets it when it resurfaces
ROUTINE_TTL_S = 3600
TOKEN_LIFETIME_S = 12 * 3600  # RFC 8292 §2: exp at most 24 h ahead; half leaves room for skew
BACKOFF_BASE_S = 5.0
BACKOFF_CAP_S = 900.0


@dataclass(frozen=True, slots=True)
class Subscription:
    """What the browser's PushSubscription.toJSON() gave us."""

    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True, slots=True)
class DeliveryOptions:
    ttl: int
    urgency: Urgency
    topic: str

    def __post_init__(self) -> None:
        # RFC 8030 §5.2: TTL 0 means "drop unless the device is reachable right now".
        if self.ttl < 1:
            raise ValueError("TTL must be at least 1 second")
        if self.urgency not in ("very-low", "low", "normal", "high"):
            raise ValueError(f"unknown urgency {self.urgency!r} (RFC 8030 §5.3)")
        if not is_valid_topic(self.topic):
            raise ValueError(f"topic {self.topic!r} is not 1–32 base64url chars (RFC 8030 §5.4)")


@dataclass(frozen=True, slots=True)
class Delivered:
    status: int


@dataclass(frozen=True, slots=True)
class Gone:
    """RFC 8030 §7.3: the subscription expired or was removed; the caller deletes it."""

    status: int


@dataclass(frozen=True, slots=True)
class Retry:
    """Try again later with the same subscription."""

    after_s: float
    reason: str


@dataclass(frozen=True, slots=True)
class Failed:
    """The push service refused this message for good; the subscription is kept."""

    status: int | None
    reason: str


Outcome = Delivered | Gone | Retry | Failed


def delivery_options(severity: int, ticket_id: str | int) -> DeliveryOptions:
    """Levels 1–2 are urgent faults (DOMAIN.md: respond within 15–30 min): high urgency and
    a long TTL; levels 3–4 can wait for the device's normal schedule."""
    topic = ticket_topic(ticket_id)
    if severity <= 2:
        return DeliveryOptions(ttl=URGENT_TTL_S, urgency="high", topic=topic)
    return DeliveryOptions(ttl=ROUTINE_TTL_S, urgency="normal", topic=topic)


@dataclass(frozen=True, slots=True)
class PushSender:
    """Immutable, so one instance is safely shared by every concurrent send."""

    keys: VapidKeys
    contact: str  # the VAPID `sub` (RFC 8292 §2.1); webpush writes it as mailto:<contact>

    def __post_init__(self) -> None:
        if "@" not in self.contact or self.contact.startswith(("mailto:", "https:")):
            raise ValueError("contact must be a bare e-mail address (webpush adds mailto:)")

    def encrypt(
        self, payload: bytes, subscription: Subscription, options: DeliveryOptions
    ) -> tuple[bytes, dict[str, str]]:
        """Body and headers, ready to POST; refuses an oversized payload before encrypting."""
        check_payload_size(payload)
        signer = WebPush(
            private_key=self.keys.private_pem,
            public_key=self.keys.public_pem,
            subscriber=self.contact,
            ttl=options.ttl,
            expiration=TOKEN_LIFETIME_S,
        )
        target = WebPushSubscription(
            endpoint=subscription.endpoint,
            keys=WebPushKeys(p256dh=subscription.p256dh, auth=subscription.auth),
        )
        message = signer.get(payload, target)
        headers = {
            **message.headers,
            "ttl": str(options.ttl),  # ours, whatever webpush kept: it drops a per-call ttl of 0
            "urgency": options.urgency,
            "topic": options.topic,
            "content-type": "application/octet-stream",
        }
        return message.encrypted, headers

    async def send(
        self,
        client: httpx.AsyncClient,
        subscription: Subscription,
        payload: bytes,
        options: DeliveryOptions,
        attempt: int = 0,
    ) -> Outcome:
        """One attempt; `attempt` (0 for the first) only shapes the back-off of a retry."""
        check_payload_size(payload)  # raises PayloadTooLarge: a bug to fix, not to retry
        try:
            body, headers = self.encrypt(payload, subscription, options)
        except ValueError as error:  # a malformed p256dh, auth or endpoint
            return Failed(status=None, reason=f"invalid subscription: {error}")
        try:
            response = await client.post(subscription.endpoint, content=body, headers=headers)
        except httpx.TransportError as error:
            delay = backoff_delay(attempt, subscription.endpoint)
            return Retry(after_s=delay, reason=f"network: {type(error).__name__}")
        now = datetime.now(UTC)
        return classify_response(
            response.status_code, response.headers, attempt, now, subscription.endpoint
        )


def classify_response(
    status: int, headers: Mapping[str, str], attempt: int, now: datetime, jitter_key: str = ""
) -> Outcome:
    """What to do after the push service answered (RFC 8030 §5, §7.3, §8.4)."""
    if status in (201, 202):
        return Delivered(status)
    if status in (404, 410):
        return Gone(status)
    retry_after = parse_retry_after(headers.get("retry-after"), now)
    if status == 429:
        delay = retry_after if retry_after is not None else backoff_delay(attempt, jitter_key)
        return Retry(after_s=delay, reason="429 too many requests")
    if status >= 500:
        delay = max(backoff_delay(attempt, jitter_key), retry_after or 0.0)
        return Retry(after_s=delay, reason=f"{status} from the push service")
    return Failed(status=status, reason=f"{status} from the push service")


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait, from delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an obsolete date form without a zone is GMT by definition
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def backoff_delay(attempt: int, jitter_key: str = "") -> float:
    """Exponential back-off with "equal jitter": a delay in [d/2, d) for d = base·2^attempt.

    The jitter is a hash of the key and attempt, not a random draw: the same subscription
    gets the same schedule (testable, reproducible) while different subscriptions spread out
    instead of retrying in lockstep after a push-service outage.
    """
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempt))
    digest = hashlib.sha256(f"{jitter_key}:{attempt}".encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    return ceiling / 2 + fraction * ceiling / 2
