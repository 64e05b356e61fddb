"""Wire shapes of templates, plans, rounds and inspection records."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from backend.inspections.schedule import Frequency

Id = Annotated[str, Meta(min_length=1, max_length=64)]
Name = Annotated[str, Meta(min_length=1, max_length=200)]
Key = Annotated[str, Meta(min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_]*$")]
LongText = Annotated[str, Meta(max_length=4000)]
AwareTime = Annotated[datetime, Meta(tz=True)]
RoundStatus = Literal["upcoming", "due", "overdue", "done"]


class CoveredType(msgspec.Struct, frozen=True):
    """An asset device type a checklist template checks: what a plan's scope names."""

    key: str
    name_zh: str
    name_en: str


class TemplateSummary(msgspec.Struct):
    id: str
    key: str
    version: int
    device_type: str
    name_zh: str
    name_en: str
    builtin: bool
    latest: bool
    created_at: datetime
    covers: list[CoveredType]  # the register's device types checked with it (plan scopes)


class TemplateOut(msgspec.Struct):
    id: str
    key: str
    version: int
    device_type: str
    name_zh: str
    name_en: str
    builtin: bool
    latest: bool
    created_at: datetime
    covers: list[CoveredType]
    body: dict[str, Any]  # the ChecklistTemplate: {key, version, device_type, name, items}


class PlanCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    site_id: Id
    name: Name
    frequency: Frequency
    starts_on: date
    ends_on: date | None = None
    event_date: date | None = None  # event plans only: the holiday or major event
    lead_days: Annotated[int, Meta(ge=1, le=60)] = 3
    system: Key | None = None
    device_type: Key | None = None
    asset_ids: Annotated[list[Id], Meta(max_length=2000)] | None = None
    assignee_id: Id | None = None


class PlanPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The site stays (it is the plan's scope); a schedule change re-plans the rounds nobody
    has started (plan_service.round_after_edit)."""

    name: Name | UnsetType = UNSET
    frequency: Frequency | UnsetType = UNSET
    starts_on: date | UnsetType = UNSET
    event_date: date | UnsetType | None = UNSET
    ends_on: date | UnsetType | None = UNSET
    lead_days: Annotated[int, Meta(ge=1, le=60)] | UnsetType = UNSET
    system: Key | UnsetType | None = UNSET
    device_type: Key | UnsetType | None = UNSET
    asset_ids: Annotated[list[Id], Meta(max_length=2000)] | UnsetType | None = UNSET
    assignee_id: Id | UnsetType | None = UNSET


class PlanOut(msgspec.Struct):
    id: str
    site_id: str
    name: str
    frequency: str
    starts_on: date
    ends_on: date | None
    event_date: date | None
    lead_days: int
    system: str | None
    device_type: str | None
    asset_ids: list[str] | None
    assignee_id: str | None
    archived_at: datetime | None
    created_at: datetime


class RoundOut(msgspec.Struct):
    id: str
    plan_id: str
    plan_name: str
    site_id: str
    key: str
    period: str
    due_start: datetime
    due_end: datetime
    status: RoundStatus
    overdue: bool
    assignee_id: str | None
    asset_count: int
    submitted_count: int
    done_at: datetime | None


class GenerateReport(msgspec.Struct):
    plans: int
    created: int
    until: date


class InspectionStart(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    asset_id: Id
    round_id: Id | None = None
    id: Id | None = None  # a phone may choose the id offline
    template_id: Annotated[str, Meta(min_length=1, max_length=60)] | None = None
    started_at: AwareTime | None = None  # device time


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    value: bool | float | Annotated[str, Meta(max_length=2000)] | None = None
    not_applicable: bool = False
    note: Annotated[str, Meta(max_length=2000)] = ""
    # Photo ids of the evidence domain (record_kind "inspection") or blob sha256 values.
    photos: Annotated[list[Annotated[str, Meta(min_length=1, max_length=64)]], Meta(max_length=20)] = []


class InspectionPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    answers: Annotated[dict[Key, AnswerIn], Meta(max_length=200)] | UnsetType = UNSET
    problems: LongText | UnsetType = UNSET
    cause: LongText | UnsetType = UNSET
    solution: LongText | UnsetType = UNSET
    parts_to_replace: LongText | UnsetType = UNSET
    finished_at: AwareTime | UnsetType | None = UNSET  # device time


class InspectionSubmit(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    finished_at: AwareTime | None = None  # device time


class ItemResult(msgspec.Struct):
    key: str
    kind: str
    label_zh: str
    label_en: str
    outcome: str
    reason: str
    answer: dict[str, Any] | None


class InspectionOut(msgspec.Struct):
    id: str
    site_id: str
    asset_id: str
    round_id: str | None
    template_id: str
    template_key: str
    template_version: int
    state: str
    inspector_id: str
    items: list[ItemResult]
    failed_items: int
    incomplete_items: list[str]
    problems: str
    cause: str
    solution: str
    parts_to_replace: str
    started_at_device: datetime | None
    finished_at_device: datetime | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


class InspectionSummary(msgspec.Struct):
    id: str
    site_id: str
    asset_id: str
    round_id: str | None
    template_id: str
    state: str
    inspector_id: str
    failed_items: int
    created_at: datetime
    submitted_at: datetime | None


class FaultDraft(msgspec.Struct):
    """A proposal for a fault work order; the work-order service creates it."""

    site_id: str
    asset_id: str
    inspection_id: str
    item_key: str
    title: str
    description: str
    severity: int
    fault_type: str


class MyInspectionWork(msgspec.Struct):
    rounds: list[RoundOut]
    drafts: list[InspectionSummary]  # records I started and have not submitted
