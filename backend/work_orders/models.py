"""The minimal work order of the sync engine (issue 4); the work-order issue grows it.

How the merge state of sync/merge.py maps to columns (one row per record):
- `fields` → real columns: title, notes, status, assignee_id (queried, indexed, shown);
- `version`, `deleted` → version, deleted_at (a soft tombstone: the row is never removed);
- `clocks` (per-field HLCs) → merge_meta["clocks"]; only the merge engine reads them;
- `events["comments"]` → rows of work_order_comments, one per comment id, with its clock and
  tombstone (`removed`, `removed_hlc`); a removal that arrived before its addition is a row
  with a NULL body;
- `signed`/`signed_at` are derived from status (the declaration's `signed_when`) on save.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, utcnow


class WorkOrder(Base):
    __tablename__ = "work_orders"

    # Client-generatable: a phone creates the id offline (PROTOCOL.md `record_id`).
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    # No foreign key yet: the assets table arrives in a parallel revision.
    asset_id: Mapped[str | None] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(30), default="reported", index=True)
    assignee_id: Mapped[str | None] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    deleted_at: Mapped[datetime | None]
    signed: Mapped[bool] = mapped_column(default=False)
    signed_at: Mapped[datetime | None]
    merge_meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def in_scope(cls, site_ids):
        return cls.site_id.in_(site_ids)


class WorkOrderComment(Base):
    """A comment event (PROTOCOL.md §4 "events"): append-only, removal is a tombstone."""

    __tablename__ = "work_order_comments"

    work_order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[str | None] = mapped_column(Text)
    hlc: Mapped[str | None] = mapped_column(String(100))
    removed: Mapped[bool] = mapped_column(default=False)
    removed_hlc: Mapped[str | None] = mapped_column(String(100))
