"""Subscriptions, quiet hours, and `enqueue_notification`, the entry point for other domains."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.db import utcnow
from backend.errors import Forbidden, Invalid, NotFound
from backend.push import doorbell
from backend.push.endpoints import endpoint_origin, endpoint_problem, key_problem
from backend.push.models import OutboxState, PushOutbox, PushPreference, PushSubscription
from backend.push.payload import Kind, build_payload, resolve_language
from backend.push.quiet_hours import CONTRACT_TZ, release_time
from backend.push.schemas import PreferencesIn, PreferencesOut, SubscriptionIn, SubscriptionOut
from backend.push.sender import delivery_options
from backend.users.models import User

TEST_TICKET = "test"
TEST_SEVERITY = 3  # normal urgency, no requireInteraction; never held by quiet hours


async def enqueue_notification(
    db: AsyncSession,
    user_ids: Iterable[str],
    kind: Kind,
    ticket_id: str | int,
    severity: int,
    site_short_name: str,
    *,
    now: datetime | None = None,
) -> int:
    """Queue one notification for every device of these users, in the CALLER's transaction,
    so the event and its notification commit (or roll back) together. Returns the row count.

    Each row's TTL starts when it may first be sent (after quiet hours for levels 3–4).
    """
    try:
        build_payload(ticket_id, severity, site_short_name, kind, None)
    except ValueError as error:
        raise Invalid(str(error)) from error
    now = now or utcnow()
    ttl = timedelta(seconds=delivery_options(severity, ticket_id).ttl)
    targets = await db.execute(
        select(PushSubscription.id, User.id, User.locale, PushPreference)
        .join(User, User.id == PushSubscription.user_id)
        .outerjoin(PushPreference, PushPreference.user_id == User.id)
        .where(PushSubscription.user_id.in_(set(user_ids)), User.disabled.is_(False))
        .order_by(PushSubscription.id)
    )
    rows = []
    for subscription_id, user_id, locale, preference in targets:
        start, end = (preference.quiet_start, preference.quiet_end) if preference else (None, None)
        release = release_time(now, severity, start, end)
        rows.append(
            _outbox_row(
                user_id,
                subscription_id,
                kind,
                ticket_id,
                severity,
                site_short_name,
                locale,
                now,
                release,
                ttl,
            )
        )
    db.add_all(rows)
    if rows:
        doorbell.ring_after_commit(db)
    return len(rows)


def _outbox_row(user_id, subscription_id, kind, ticket_id, severity, site, locale, now, release, ttl):
    return PushOutbox(
        user_id=user_id,
        subscription_id=subscription_id,
        kind=kind,
        ticket_id=str(ticket_id),
        severity=severity,
        site_short_name=site,
        language=resolve_language(locale),
        created_at=now,
        next_attempt_at=release,
        expires_at=release + ttl,
    )


async def subscribe(
    db: AsyncSession, user: CurrentUser, data: SubscriptionIn, user_agent: str, allow_loopback: bool
) -> SubscriptionOut:
    """Create or update this device's subscription (also what pushsubscriptionchange posts)."""
    problem = endpoint_problem(data.endpoint, allow_loopback) or key_problem(data.keys.p256dh, data.keys.auth)
    if problem:
        raise Invalid(problem, {"field": "endpoint" if "endpoint" in problem else "keys"})
    subscription = await _by_endpoint(db, data.endpoint)
    if subscription is None:
        subscription = PushSubscription(user_id=user.id, endpoint=data.endpoint)
        db.add(subscription)
    elif subscription.user_id != user.id:
        await _take_over(db, subscription, user, data)
    subscription.p256dh, subscription.auth = data.keys.p256dh, data.keys.auth
    subscription.device_label = data.device_label or subscription.device_label
    subscription.user_agent = user_agent[:300]
    subscription.failures = 0
    await db.flush()
    if data.old_endpoint and data.old_endpoint != data.endpoint:
        await _replace_old(db, user, data.old_endpoint, subscription.id)
    return to_out(subscription)


async def _take_over(
    db: AsyncSession, subscription: PushSubscription, user: CurrentUser, data: SubscriptionIn
) -> None:
    """A shared phone changes hands between shifts: the browser hands the next user the same
    subscription. Only the device itself knows endpoint AND keys, so both must match; the
    previous user's pending messages must not appear on it."""
    same_keys = (subscription.p256dh, subscription.auth) == (data.keys.p256dh, data.keys.auth)
    if not same_keys:
        raise Forbidden("This push subscription belongs to another account.")
    await _abandon_pending(db, subscription.id)
    subscription.user_id = user.id


async def _replace_old(db: AsyncSession, user: CurrentUser, old_endpoint: str, new_id: str) -> None:
    """The browser rotated the subscription: pending messages follow the device."""
    old = await _by_endpoint(db, old_endpoint)
    if old is None or old.user_id != user.id:
        return
    await db.execute(
        update(PushOutbox)
        .where(PushOutbox.subscription_id == old.id, PushOutbox.state == OutboxState.pending)
        .values(subscription_id=new_id)
    )
    await db.delete(old)


async def list_subscriptions(db: AsyncSession, user: CurrentUser) -> list[SubscriptionOut]:
    rows = await db.scalars(
        select(PushSubscription)
        .where(PushSubscription.user_id == user.id)
        .order_by(PushSubscription.created_at)
    )
    return [to_out(s) for s in rows]


async def delete_subscription(db: AsyncSession, user: CurrentUser, subscription_id: str) -> None:
    subscription = await own_subscription(db, user, subscription_id)
    await _abandon_pending(db, subscription.id)
    await db.delete(subscription)


async def send_test(
    db: AsyncSession, user: CurrentUser, subscription_id: str, now: datetime | None = None
) -> int:
    """One test message to one device, now, whatever the quiet hours say."""
    subscription = await own_subscription(db, user, subscription_id)
    now = now or utcnow()
    ttl = timedelta(seconds=delivery_options(TEST_SEVERITY, TEST_TICKET).ttl)
    row = _outbox_row(
        user.id,
        subscription.id,
        "test",
        TEST_TICKET,
        TEST_SEVERITY,
        subscription.device_label,
        user.locale,
        now,
        now,
        ttl,
    )
    db.add(row)
    doorbell.ring_after_commit(db)
    return 1


async def own_subscription(db: AsyncSession, user: CurrentUser, subscription_id: str) -> PushSubscription:
    """Someone else's device is indistinguishable from no device (404, never 403)."""
    subscription = await db.get(PushSubscription, subscription_id)
    if subscription is None or subscription.user_id != user.id:
        raise NotFound("No such device.")
    return subscription


async def get_preferences(db: AsyncSession, user: CurrentUser) -> PreferencesOut:
    preference = await db.get(PushPreference, user.id)
    return _preferences_out(preference)


async def set_preferences(db: AsyncSession, user: CurrentUser, data: PreferencesIn) -> PreferencesOut:
    if (data.quiet_start is None) != (data.quiet_end is None):
        raise Invalid("Give both the start and the end of quiet hours, or neither.")
    if data.quiet_start is not None and data.quiet_start == data.quiet_end:
        raise Invalid("Quiet hours must not start and end at the same time.")
    preference = await db.get(PushPreference, user.id)
    if preference is None:
        preference = PushPreference(user_id=user.id)
        db.add(preference)
    preference.quiet_start, preference.quiet_end = data.quiet_start, data.quiet_end
    await db.flush()
    return _preferences_out(preference)


def _preferences_out(preference: PushPreference | None) -> PreferencesOut:
    start, end = (preference.quiet_start, preference.quiet_end) if preference else (None, None)
    return PreferencesOut(quiet_start=start, quiet_end=end, time_zone=CONTRACT_TZ.key)


def to_out(subscription: PushSubscription) -> SubscriptionOut:
    return SubscriptionOut(
        id=subscription.id,
        push_service=endpoint_origin(subscription.endpoint),
        device_label=subscription.device_label,
        user_agent=subscription.user_agent,
        created_at=subscription.created_at,
        last_success_at=subscription.last_success_at,
        failures=subscription.failures,
    )


async def _by_endpoint(db: AsyncSession, endpoint: str) -> PushSubscription | None:
    return await db.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))


async def _abandon_pending(db: AsyncSession, subscription_id: str) -> None:
    await db.execute(
        update(PushOutbox)
        .where(
            PushOutbox.subscription_id == subscription_id,
            PushOutbox.state.in_([OutboxState.pending, OutboxState.sending]),
        )
        .values(state=OutboxState.gone, last_error="the device was removed")
    )
