"""What the sync engine stores beside the records themselves (PROTOCOL.md §3–§5).

Times are integer milliseconds (`*_ms`): the push transaction writes these rows with plain
SQL on the driver connection (see backend/sync_api/engine.py), and integers are the one time
encoding that is identical in SQLite and PostgreSQL without a driver adapter.
"""

from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base


class SyncChange(Base):
    """The change log: one row per changed record per push batch, in server `seq` order.

    `for_user_id` is set only on `evict` rows: those concern one user whose site was taken away.
    """

    __tablename__ = "sync_changes"
    __audited__ = False

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(64))
    site_id: Mapped[str | None] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(10))  # upsert | tombstone | evict
    data: Mapped[str | None] = mapped_column(Text)  # the record state, JSON text
    for_user_id: Mapped[str | None] = mapped_column(String(36))
    at_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        Index("ix_sync_changes_site_seq", "site_id", "seq"),
        Index("ix_sync_changes_record", "entity", "record_id"),
    )

    @classmethod
    def in_scope(cls, site_ids):
        return cls.site_id.in_(site_ids)


class SyncClient(Base):
    """An installation (PROTOCOL.md `client_id`): owned by the first user who pushes with it."""

    __tablename__ = "sync_clients"
    __audited__ = False

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_mutation_id: Mapped[str | None] = mapped_column(String(36))
    updated_ms: Mapped[int] = mapped_column(BigInteger)


class SyncApplied(Base):
    """Every decided mutation id with its body fingerprint and result: the idempotency ledger."""

    __tablename__ = "sync_applied"
    __audited__ = False

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(BigInteger)
    fingerprint: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(Text)  # PushResult, JSON text
    at_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_sync_applied_client_seq", "client_id", "seq"),)


class SyncConflict(Base):
    """A mutation a person must decide (conflict id = mutation id), open until resolved."""

    __tablename__ = "sync_conflicts"
    __audited__ = False

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(64))
    site_id: Mapped[str | None] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[str | None] = mapped_column(String(36))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # the Conflict record of protocol.py
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | resolved
    resolution: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    resolved_by: Mapped[str | None] = mapped_column(String(36))
    resolved_ms: Mapped[int | None] = mapped_column(BigInteger)
    at_ms: Mapped[int] = mapped_column(BigInteger)

    @classmethod
    def in_scope(cls, site_ids):
        return cls.site_id.in_(site_ids)


class SyncLoser(Base):
    """A value that lost a last-writer-wins race; kept so that no acknowledged write is lost."""

    __tablename__ = "sync_losers"
    __audited__ = False

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)  # JSON text
    hlc: Mapped[str | None] = mapped_column(String(100))
    winner_hlc: Mapped[str] = mapped_column(String(100))
    mutation_id: Mapped[str] = mapped_column(String(36))
    at_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_sync_losers_record", "entity", "record_id"),)


class SyncClamp(Base):
    """A mutation clock more than 60 s ahead of the server, and what it was capped to."""

    __tablename__ = "sync_clamps"
    __audited__ = False

    mutation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str] = mapped_column(String(36))
    sent_hlc: Mapped[str] = mapped_column(String(100))
    clamped_hlc: Mapped[str] = mapped_column(String(100))
    at_ms: Mapped[int] = mapped_column(BigInteger)


class SyncRecordMeta(Base):
    """Merge metadata of records whose table belongs to another domain (assets): the per-field
    clocks of PROTOCOL.md §4, kept beside the row instead of as a column of it."""

    __tablename__ = "sync_record_meta"
    __audited__ = False

    entity: Mapped[str] = mapped_column(String(30), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    clocks: Mapped[str] = mapped_column(Text)  # {field: hlc}, JSON text
