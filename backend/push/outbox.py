"""The worker's reads and writes on the outbox: claim due rows, record what happened.

A row is claimed (state `sending`, attempts + 1) and committed BEFORE its message is posted,
then marked after the push service answered. A crash in between leaves `sending` rows; the
next lease holder puts them back to `pending` and sends them again. That is at-least-once in
the one window nobody can close (the push service said 201, we died before the commit): the
repeat carries the same RFC 8030 Topic, so a push service still holding the first replaces it,
and the same notification tag, so a phone that showed the first replaces it silently.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import recorder
from backend.push.models import OutboxState, PushOutbox, PushSubscription
from backend.push.sender import Delivered, Failed, Gone, Outcome, Retry, Subscription

ERROR_CHARS = 300


@dataclass(frozen=True)
class Job:
    id: str
    attempt: int  # 0 for the first try: shapes the back-off
    subscription_id: str
    subscription: Subscription
    kind: str
    ticket_id: str
    severity: int
    site_short_name: str
    language: str
    expires_at: datetime


async def has_due_work(db: AsyncSession, now: datetime) -> bool:
    due = (PushOutbox.state == OutboxState.pending) & (PushOutbox.next_attempt_at <= now)
    found = await db.scalar(
        select(PushOutbox.id).where(or_(due, PushOutbox.state == OutboxState.sending)).limit(1)
    )
    return found is not None


async def recover_orphans(db: AsyncSession) -> None:
    """Rows a previous holder claimed and never marked: it died or lost the lease."""
    await db.execute(
        update(PushOutbox).where(PushOutbox.state == OutboxState.sending).values(state=OutboxState.pending)
    )


async def retire_undeliverable(db: AsyncSession, now: datetime) -> None:
    pending = PushOutbox.state == OutboxState.pending
    await db.execute(
        update(PushOutbox)
        .where(pending, PushOutbox.expires_at <= now)
        .values(state=OutboxState.expired, last_error="older than its TTL")
    )
    await db.execute(
        update(PushOutbox)
        .where(pending, PushOutbox.subscription_id.is_(None))
        .values(state=OutboxState.gone, last_error="the device was removed")
    )


async def claim_due(db: AsyncSession, now: datetime, limit: int) -> list[Job]:
    """The most urgent due rows first (level 1 before level 4), marked `sending`."""
    rows = (
        await db.execute(
            select(PushOutbox, PushSubscription)
            .join(PushSubscription, PushSubscription.id == PushOutbox.subscription_id)
            .where(PushOutbox.state == OutboxState.pending, PushOutbox.next_attempt_at <= now)
            .order_by(PushOutbox.severity, PushOutbox.next_attempt_at, PushOutbox.id)
            .limit(limit)
        )
    ).all()
    jobs = [_job(row, subscription) for row, subscription in rows]
    if jobs:
        await db.execute(
            update(PushOutbox)
            .where(PushOutbox.id.in_([job.id for job in jobs]))
            .values(state=OutboxState.sending, attempts=PushOutbox.attempts + 1)
        )
    return jobs


def _job(row: PushOutbox, subscription: PushSubscription) -> Job:
    return Job(
        id=row.id,
        attempt=row.attempts,
        subscription_id=subscription.id,
        subscription=Subscription(subscription.endpoint, subscription.p256dh, subscription.auth),
        kind=row.kind,
        ticket_id=row.ticket_id,
        severity=row.severity,
        site_short_name=row.site_short_name,
        language=row.language,
        expires_at=row.expires_at,
    )


def next_state(job: Job, outcome: Outcome, now: datetime) -> dict:
    """The row's new columns for one outcome (a pure rule, tested without a database)."""
    if isinstance(outcome, Delivered):
        return _columns(OutboxState.sent, now, None, sent_at=now)
    if isinstance(outcome, Gone):
        return _columns(OutboxState.gone, now, f"{outcome.status}: subscription gone")
    if isinstance(outcome, Retry):
        retry_at = now + timedelta(seconds=outcome.after_s)
        if retry_at >= job.expires_at:  # a late alert is worse than none: stop at the TTL
            return _columns(OutboxState.expired, now, f"{outcome.reason}; TTL reached")
        return _columns(OutboxState.pending, retry_at, outcome.reason)
    assert isinstance(outcome, Failed)
    return _columns(OutboxState.failed, now, outcome.reason)


def _columns(state: str, next_attempt_at: datetime, error: str | None, sent_at=None) -> dict:
    return {
        "state": state,
        "next_attempt_at": next_attempt_at,
        "last_error": error[:ERROR_CHARS] if error else None,
        "sent_at": sent_at,
    }


async def record_outcomes(db: AsyncSession, results: Sequence[tuple[Job, Outcome]], now: datetime) -> None:
    if not results:
        return
    await db.execute(update(PushOutbox), [{"id": job.id, **next_state(job, o, now)} for job, o in results])
    delivered = {job.subscription_id for job, o in results if isinstance(o, Delivered)}
    troubled = {job.subscription_id for job, o in results if isinstance(o, Retry | Failed)}
    gone = {job.subscription_id for job, o in results if isinstance(o, Gone)}
    if delivered:
        await db.execute(
            update(PushSubscription)
            .where(PushSubscription.id.in_(delivered))
            .values(last_success_at=now, failures=0)
        )
    if troubled - gone:
        await db.execute(
            update(PushSubscription)
            .where(PushSubscription.id.in_(troubled - gone))
            .values(failures=PushSubscription.failures + 1)
        )
    await remove_gone(db, gone)


async def remove_gone(db: AsyncSession, subscription_ids: set[str]) -> None:
    """RFC 8030 §7.3: 404/410 means the subscription will never work again."""
    if not subscription_ids:
        return
    await db.execute(
        update(PushOutbox)
        .where(
            PushOutbox.subscription_id.in_(subscription_ids),
            PushOutbox.state.in_([OutboxState.pending, OutboxState.sending]),
        )
        .values(state=OutboxState.gone, last_error="subscription gone")
    )
    await db.execute(delete(PushSubscription).where(PushSubscription.id.in_(subscription_ids)))
    for subscription_id in sorted(subscription_ids):  # a Core delete bypasses the flush hook
        recorder.record(db, "delete", "push_subscriptions", subscription_id, {"reason": ["", "gone"]})
