"""Builders for push tests: subscriptions in the database, and the access-matrix extension."""

import base64
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from backend.push.models import PushSubscription
from backend.push.sender import Subscription


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def browser_keys() -> tuple[str, str]:
    """A p256dh and auth like a browser's (for rows nobody will decrypt)."""
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return b64(point), b64(os.urandom(16))


def subscription_json(subscription: Subscription, **extra) -> dict:
    """What PushSubscription.toJSON() gives the page, plus our own fields."""
    keys = {"p256dh": subscription.p256dh, "auth": subscription.auth}
    return {"endpoint": subscription.endpoint, "expirationTime": None, "keys": keys, **extra}


async def add_subscription(session, user_id: str, subscription: Subscription, label="") -> str:
    row = PushSubscription(
        user_id=user_id,
        endpoint=subscription.endpoint,
        p256dh=subscription.p256dh,
        auth=subscription.auth,
        device_label=label,
    )
    session.add(row)
    await session.flush()
    return row.id


async def extend_world(session, world) -> None:
    """Each side's technician has a phone subscribed; side b's ids feed the access matrix."""
    for tag, side in (("a", world.a), ("b", world.b)):
        p256dh, auth = browser_keys()
        endpoint = f"https://push.example.net/wp/{tag}-{b64(os.urandom(12))}"
        user_id = world.user_ids[side.users["technician"]]
        subscription_id = await add_subscription(
            session, user_id, Subscription(endpoint, p256dh, auth), f"phone {tag}"
        )
        world.extra[tag]["subscription_id"] = subscription_id
        world.extra[tag]["push_endpoint"] = endpoint
