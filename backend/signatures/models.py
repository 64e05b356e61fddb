"""Signed records (append-only, a hash chain) and amendment requests.

A row stores the exact canonical text that was signed, so version 1 stays verifiable after an
approved amendment changes the record and version 2 is signed. `entry_hash` covers the previous
row's `entry_hash`; `seal` is an Ed25519 signature over `entry_hash` with a key kept in
data_dir/secrets, never in the database.
"""

from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, Select, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, new_id, utcnow


class SignedRecord(Base):
    __tablename__ = "signed_records"
    __table_args__ = (UniqueConstraint("record_kind", "record_id", "version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    seq: Mapped[int] = mapped_column(unique=True)  # position in the chain, from 1
    record_kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    canonical: Mapped[str] = mapped_column(Text)
    record_hash: Mapped[str] = mapped_column(String(64), index=True)  # public verify page (0010)
    capture: Mapped[str] = mapped_column(Text)  # canonical JSON of the signature or refusal
    capture_hash: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(10))  # signed | refused
    signature_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    files: Mapped[str] = mapped_column(Text)  # canonical JSON: blob hash -> rendition hashes
    signed_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    seal: Mapped[str] = mapped_column(String(100))

    @classmethod
    def in_scope(cls, site_ids: Select) -> ColumnElement[bool]:
        return cls.site_id.in_(site_ids)


class Amendment(Base):
    __tablename__ = "amendments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    record_kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]  # the signed version it would replace
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(10), default="requested")  # requested|approved|rejected
    requested_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    @classmethod
    def in_scope(cls, site_ids: Select) -> ColumnElement[bool]:
        return cls.site_id.in_(site_ids)
