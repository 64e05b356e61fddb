"""System types, assets, their QR tags and their history.

Uniqueness: a serial is unique within a site, and so is an external id (the client's own
asset number). Per site rather than per contract because registers arrive per site and two
sites of one contract may reuse a numbering scheme; the importer matches rows by
(site, external id) first, then (site, serial). NULLs never collide, so assets without a
serial or external id are fine.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Text,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, new_id, utcnow

CRITICALITIES = ("key", "normal")  # key = 重点部位: must be 100 % online (DOMAIN.md)
STATUSES = ("in_service", "faulty", "offline", "under_repair", "retired")


class SystemType(Base):
    """Built-in rows mirror catalog.SYSTEM_TYPES (seeded by migration 0002); admins add more."""

    __tablename__ = "system_types"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    builtin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Asset(Base):
    __tablename__ = "assets"
    __table_args__ = (
        UniqueConstraint("site_id", "serial", name="uq_assets_site_serial"),
        UniqueConstraint("site_id", "external_id", name="uq_assets_site_external_id"),
        Index("ix_assets_site_system", "site_id", "system"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    system: Mapped[str] = mapped_column(ForeignKey("system_types.key"))
    device_type: Mapped[str | None] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    serial: Mapped[str | None] = mapped_column(String(100))
    external_id: Mapped[str | None] = mapped_column(String(100))
    building: Mapped[str] = mapped_column(String(100), default="")
    floor: Mapped[str] = mapped_column(String(50), default="")
    room: Mapped[str] = mapped_column(String(100), default="")
    location_text: Mapped[str] = mapped_column(String(300), default="")
    install_date: Mapped[date | None]
    warranty_end: Mapped[date | None]
    criticality: Mapped[str] = mapped_column(String(10), default="normal")
    status: Mapped[str] = mapped_column(String(20), default="in_service", index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic concurrency: SQLAlchemy bumps it on every UPDATE and refuses a stale one.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @classmethod
    def in_scope(cls, site_ids: Select) -> ColumnElement[bool]:
        return cls.site_id.in_(site_ids)


def _asset_ids_in(site_ids: Select) -> Select:
    return select(Asset.id).where(Asset.site_id.in_(site_ids))


class AssetTag(Base):
    """A printed QR code. Retired codes stay so a scan of an old label can say where it went."""

    __tablename__ = "asset_tags"
    __table_args__ = (
        # At most one active tag per asset, enforced by the database.
        Index(
            "uq_asset_tags_one_active",
            "asset_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    asset_id: Mapped[str] = mapped_column(ForeignKey("assets.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
    replaced_by_code: Mapped[str | None] = mapped_column(String(10))

    @classmethod
    def in_scope(cls, site_ids: Select) -> ColumnElement[bool]:
        return cls.asset_id.in_(_asset_ids_in(site_ids))


class AssetEvent(Base):
    """Append-only history of an asset: created, status changes, tags issued and replaced.

    Not audited separately: each row already names its actor and time.
    """

    __tablename__ = "asset_events"
    __audited__ = False

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    asset_id: Mapped[str] = mapped_column(ForeignKey("assets.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))  # created | status_changed | tag_issued | tag_replaced
    actor_id: Mapped[str | None] = mapped_column(String(36))
    actor_name: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    @classmethod
    def in_scope(cls, site_ids: Select) -> ColumnElement[bool]:
        return cls.asset_id.in_(_asset_ids_in(site_ids))
