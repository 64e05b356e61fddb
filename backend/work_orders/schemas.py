from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from backend.work_orders.escalation import WindowStatus
from sync.protocol import PartData

Key = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_-]+$")]
Title = Annotated[str, Meta(min_length=1, max_length=200)]
Notes = Annotated[str, Meta(max_length=10_000)]


class WorkOrderCreate(msgspec.Struct, forbid_unknown_fields=True):
    site_id: Key
    title: Title
    notes: Notes = ""
    asset_id: Key | None = None
    id: Key | None = None  # a client may choose the id, as phones do offline
    source: Literal["hotline", "client", "monitoring", "inspection"] = "hotline"
    symptom: Notes = ""
    fault_scope: Literal["system_down", "function_lost", "degradation", "latent_risk"] = "function_lost"
    # Omitted: the proposal from asset criticality and fault scope stands.
    severity: Annotated[int, Meta(ge=1, le=4)] | None = None


class WorkOrderPatch(msgspec.Struct, forbid_unknown_fields=True):
    title: Title | UnsetType = UNSET
    notes: Notes | UnsetType = UNSET


class TransitionIn(msgspec.Struct, forbid_unknown_fields=True):
    """`from_status`: the status the dispatcher saw; omitted means "the current one"."""

    to: Key
    from_status: Key | None = None
    reason: Notes = ""


class AssignIn(msgspec.Struct, forbid_unknown_fields=True):
    assignee_id: Key | None


class CommentIn(msgspec.Struct, forbid_unknown_fields=True):
    body: Annotated[str, Meta(min_length=1, max_length=10_000)]
    id: Key | None = None


class CommentOut(msgspec.Struct):
    id: str
    hlc: str
    body: str
    # Who wrote it (PROTOCOL.md §4 "by"); null for comments written before the server kept it.
    author_id: str | None = None
    author_name: str | None = None


class WorkOrderOut(msgspec.Struct):
    id: str
    site_id: str
    asset_id: str | None
    title: str
    notes: str
    status: str
    assignee_id: str | None
    version: int
    deleted: bool
    signed: bool
    comments: list[CommentOut]
    clocks: dict[str, Any]
    severity: int | None = None
    diagnosis: dict[str, Any] | None = None
    parts_used: list[Any] | None = None
    verification: dict[str, Any] | None = None
    follow_up: dict[str, Any] | None = None
    # Read from the domain state beside the merge record (details.py); not merge fields.
    history: list["TransitionOut"] = []
    sla: "SlaOut | None" = None
    source: str | None = None


class SeverityIn(msgspec.Struct, forbid_unknown_fields=True):
    severity: Annotated[int, Meta(ge=1, le=4)]


class PartsIn(msgspec.Struct, forbid_unknown_fields=True):
    parts: Annotated[list[PartData], Meta(max_length=200)]


class DispatchIn(msgspec.Struct, forbid_unknown_fields=True):
    technician_id: Key


class PositionIn(msgspec.Struct, forbid_unknown_fields=True):
    latitude: Annotated[float, Meta(ge=-90, le=90)]
    longitude: Annotated[float, Meta(ge=-180, le=180)]
    on_shift: bool | None = None


class TransitionOut(msgspec.Struct):
    """One status move or reassignment: the phone's clock beside the server's receipt time, and
    the time SLA compliance uses (device_time.trusted_event_time)."""

    from_status: str
    to_status: str
    by_user_id: str | None
    assignee_id: str | None
    previous_assignee_id: str | None
    reason: str
    device_at: datetime | None
    received_at: datetime
    trusted_at: datetime
    clamped: bool


class SlaOut(msgspec.Struct):
    """The stored deadlines (sla.deadlines, at registration or a severity change), the trusted
    milestone times, and each window's state now (escalation.sla_flags)."""

    severity: int
    proposed_severity: int | None
    reported_at: datetime | None
    respond_by: datetime | None
    on_site_by: datetime | None
    repaired_by: datetime | None
    responded_at: datetime | None
    arrived_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    follow_up_due_by: datetime | None
    escalation_tier: int
    breached: bool
    windows: list[WindowStatus]
