"""Who pays (client), under which agreement (contract), and where the work is (site)."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, ForeignKey, Select, String, select
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, new_id, utcnow


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def in_scope(cls, site_ids: Select) -> ColumnElement[bool]:
        via_contracts = select(Contract.client_id).join(Site).where(Site.id.in_(site_ids))
        return cls.id.in_(via_contracts)


class Contract(Base):
    __tablename__ = "contracts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # Per-severity overrides of the default SLA table; None means the defaults apply.
    sla_policy: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def in_scope(cls, site_ids: Select) -> ColumnElement[bool]:
        return cls.id.in_(select(Site.contract_id).where(Site.id.in_(site_ids)))


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(30))
    area: Mapped[str] = mapped_column(String(10))  # urban | suburban: sets the on-site limit
    address: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def in_scope(cls, site_ids: Select) -> ColumnElement[bool]:
        return cls.id.in_(site_ids)


class SiteAssignment(Base):
    __tablename__ = "site_assignments"

    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def in_scope(cls, site_ids: Select) -> ColumnElement[bool]:
        return cls.site_id.in_(site_ids)
