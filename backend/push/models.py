"""Push subscriptions, the notification outbox, quiet hours and worker leases.

The outbox and the leases are queue mechanics, rewritten by the worker many times a minute:
they are not audited (`__audited__ = False`); the subscriptions and preferences a person
changes are.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, new_id, utcnow


class OutboxState(StrEnum):
    pending = "pending"
    sending = "sending"  # claimed by a worker; reset to pending by the next lease holder
    sent = "sent"
    gone = "gone"  # the subscription disappeared (404/410 or revoked) before delivery
    failed = "failed"  # refused for good by the push service
    expired = "expired"  # older than its TTL: a late alert is worse than none


class PushSubscription(Base):
    __tablename__ = "push_subscriptions"
    # The endpoint is a capability URL and the keys encrypt to the device: not for the log.
    __audit_secret__ = frozenset({"endpoint", "p256dh", "auth"})

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(2048), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(40))
    device_label: Mapped[str] = mapped_column(String(100), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    failures: Mapped[int] = mapped_column(default=0)


class PushOutbox(Base):
    """One row per (notification, device): fanned out when enqueued, so each device retries
    on its own schedule and a 429 from one push service never holds back another."""

    __tablename__ = "push_outbox"
    __audited__ = False
    __table_args__ = (Index("ix_push_outbox_due", "state", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subscription_id: Mapped[str | None] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    ticket_id: Mapped[str] = mapped_column(String(64))
    severity: Mapped[int]
    site_short_name: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(10), default=OutboxState.pending)
    last_error: Mapped[str | None] = mapped_column(String(300), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class PushPreference(Base):
    """Quiet hours as local wall-clock times in the contract's time zone (Asia/Shanghai)."""

    __tablename__ = "push_preferences"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    quiet_start: Mapped[str | None] = mapped_column(String(5), default=None)  # "HH:MM"
    quiet_end: Mapped[str | None] = mapped_column(String(5), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WorkerLease(Base):
    """Who runs a background job right now (push sender, later the SLA scheduler)."""

    __tablename__ = "worker_leases"
    __audited__ = False

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime]
