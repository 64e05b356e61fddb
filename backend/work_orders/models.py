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

from backend.db import Base, new_id, utcnow


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
    # Merge fields of issue 5 (JSON where structured; see transitions.Diagnosis/Verification).
    severity: Mapped[int | None]
    diagnosis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    parts_used: Mapped[list[Any] | None] = mapped_column(JSON)
    verification: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    follow_up: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Domain state kept by lifecycle.py (not merge fields).
    source: Mapped[str] = mapped_column(String(20), default="hotline", server_default="hotline")
    symptom: Mapped[str] = mapped_column(Text, default="", server_default="")
    proposed_severity: Mapped[int | None]
    reported_at: Mapped[datetime | None]
    respond_by: Mapped[datetime | None]
    on_site_by: Mapped[datetime | None]
    repaired_by: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]  # trusted times (device_time.py)
    arrived_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    remote: Mapped[bool] = mapped_column(default=False, server_default="0")
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    escalation_tier: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    follow_up_due_by: Mapped[datetime | None]

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
    # Who wrote it (the pushing user, PROTOCOL.md §4 "by"); null for comments written before 0011.
    author_id: Mapped[str | None] = mapped_column(String(36))


# --- Fault work order (issue 5): the columns and tables below belong to revision 0007. ---
# They extend the minimal record above; the merge fields severity / diagnosis / verification /
# follow_up are columns the sync store reads and writes (store.py), the rest is domain state
# the lifecycle service keeps beside the merge state (never sent by phones).


class WorkOrderTransition(Base):
    """One applied status move (or reassignment). ``device_at`` is what the phone's clock said
    (the mutation's HLC wall), ``received_at`` when the server got it, ``trusted_at`` the time
    SLA compliance uses (device_time.trusted_event_time)."""

    __tablename__ = "work_order_transitions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    work_order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    by_user_id: Mapped[str | None] = mapped_column(String(64))
    mutation_id: Mapped[str | None] = mapped_column(String(64))
    assignee_id: Mapped[str | None] = mapped_column(String(64))
    previous_assignee_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    device_at: Mapped[datetime | None] = mapped_column()
    received_at: Mapped[datetime] = mapped_column()
    trusted_at: Mapped[datetime] = mapped_column()
    clamped: Mapped[bool] = mapped_column(default=False)


class WorkOrderSlaEvent(Base):
    """A warning or escalation the SLA clock emitted; the unique key makes emission idempotent."""

    __tablename__ = "work_order_sla_events"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    work_order_id: Mapped[str] = mapped_column(ForeignKey("work_orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # sla_warning | sla_escalation
    window: Mapped[str] = mapped_column(String(10))
    tier: Mapped[int | None]
    due_at: Mapped[datetime] = mapped_column()
    emitted_at: Mapped[datetime] = mapped_column()
    notified: Mapped[int] = mapped_column(Integer, default=0)


class TechnicianStatus(Base):
    """Availability and whereabouts for dispatch suggestions (one row per technician)."""

    __tablename__ = "technician_status"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    on_shift: Mapped[bool] = mapped_column(default=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    position_at: Mapped[datetime | None] = mapped_column()
    home_latitude: Mapped[float | None]
    home_longitude: Mapped[float | None]
