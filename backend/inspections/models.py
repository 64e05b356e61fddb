"""Checklist template versions, inspection plans, their rounds and inspection records.

Templates are global reference data (like system types): every role reads them, only admins
add versions, and no version is ever changed or removed, because records point at the exact
(key, version) they were filled against. Plans, rounds and records belong to a site.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, ForeignKey, Integer, Select, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, new_id, utcnow

RECORD_STATES = ("draft", "submitted", "signed", "refused")


class ChecklistTemplateVersion(Base):
    __tablename__ = "checklist_templates"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_checklist_templates_key_version"),)

    id: Mapped[str] = mapped_column(String(60), primary_key=True)  # "<key>.v<version>"
    key: Mapped[str] = mapped_column(String(50), index=True)
    version: Mapped[int] = mapped_column(Integer)
    device_type: Mapped[str] = mapped_column(String(50))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # the ChecklistTemplate as JSON
    builtin: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InspectionPlan(Base):
    """Scope (site, optionally narrowed by system, device type or an explicit asset list)
    × frequency. Deleting a plan archives it: its rounds and records stay."""

    __tablename__ = "inspection_plans"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    system: Mapped[str | None] = mapped_column(ForeignKey("system_types.key"))
    device_type: Mapped[str | None] = mapped_column(String(50))
    asset_ids: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    frequency: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    event_date: Mapped[date | None]
    lead_days: Mapped[int] = mapped_column(Integer, default=3)
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @classmethod
    def in_scope(cls, site_ids: Select) -> ColumnElement[bool]:
        return cls.site_id.in_(site_ids)


class InspectionRound(Base):
    """One period of a plan. The unique (plan, key) makes generation idempotent."""

    __tablename__ = "inspection_rounds"
    __table_args__ = (UniqueConstraint("plan_id", "key", name="uq_inspection_rounds_plan_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("inspection_plans.id"), index=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(40))
    due_start: Mapped[datetime]
    due_end: Mapped[datetime] = mapped_column(index=True)  # exclusive
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    asset_count: Mapped[int] = mapped_column(Integer, default=0)  # refreshed on every submit
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def in_scope(cls, site_ids: Select) -> ColumnElement[bool]:
        return cls.site_id.in_(site_ids)


class InspectionRecord(Base):
    """One asset inspected, in a round or ad hoc.

    ``answers``: item key -> {value, not_applicable, note, photos}; ``results``: item key ->
    {outcome, reason}, recomputed with checks.evaluate on every save. Device times (what the
    phone said) are kept beside the server's receipt times. ``state`` stores draft/submitted;
    signed/refused come from the signature chain (signatures.service), which is the authority.
    """

    __tablename__ = "inspection_records"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    asset_id: Mapped[str] = mapped_column(ForeignKey("assets.id"), index=True)
    round_id: Mapped[str | None] = mapped_column(ForeignKey("inspection_rounds.id"), index=True)
    template_id: Mapped[str] = mapped_column(ForeignKey("checklist_templates.id"))
    template_key: Mapped[str] = mapped_column(String(50))
    template_version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    inspector_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    results: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    failed_items: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    parts_to_replace: Mapped[str] = mapped_column(Text, default="")
    started_at_device: Mapped[datetime | None]
    finished_at_device: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  # server receipt of the start
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]  # server receipt of the submit
    # Sync (revision 0008): the merge version and {"clocks": per-field HLCs, "answers": the
    # answer events}; photo events are rows of `photos` (record_kind "inspection").
    # `answers`/`results`/`failed_items` above are derived from them on every save.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    merge_meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")

    @classmethod
    def in_scope(cls, site_ids: Select) -> ColumnElement[bool]:
        return cls.site_id.in_(site_ids)
