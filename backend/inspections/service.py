"""Inspection records: start, fill in, submit; signing is the signature domain's.

States: draft → submitted → signed | refused. `signed`/`refused` are read from the signature
chain (a SignedRecord of kind "inspection"), which is the authority, so they can never
disagree with what the client representative signed. Only submitted records can be signed
(the loader below hides drafts); a signed record refuses edits through `ensure_editable`
until an amendment is approved, and editing a submitted record returns it to draft.
"""

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assets.models import Asset
from backend.auth.schemas import CurrentUser
from backend.db import new_id, utcnow
from backend.errors import Conflict, Invalid
from backend.inspections import fault_orders, findings, template_service, writes
from backend.inspections.models import InspectionPlan, InspectionRecord, InspectionRound
from backend.inspections.plan_service import plan_assets
from backend.inspections.round_service import SUBMITTED, summary
from backend.inspections.schemas import (
    FaultDraft,
    InspectionOut,
    InspectionPatch,
    InspectionStart,
    InspectionSubmit,
    InspectionSummary,
    ItemResult,
)
from backend.inspections.templates import ChecklistTemplate
from backend.signatures import kinds
from backend.signatures.models import SignedRecord
from backend.signatures.service import ensure_editable, is_locked
from backend.sites.scope import get_scoped, scoped

KIND = "inspection"
SIGNED_FIELDS = (
    *("asset_id", "round_id", "template_id", "inspector_id", "answers", "results", "failed_items"),
    *("problems", "cause", "solution", "parts_to_replace"),
)


class IncompleteInspection(Invalid):
    code = "incomplete_items"


async def template_of(db: AsyncSession, record: InspectionRecord) -> ChecklistTemplate:
    return template_service.decode(await template_service.get_row(db, record.template_id))


async def state_of(db: AsyncSession, record: InspectionRecord) -> str:
    if record.state != "submitted" or not await is_locked(db, KIND, record.id):
        return record.state
    outcome = await db.scalar(
        select(SignedRecord.outcome)
        .where(SignedRecord.record_kind == KIND, SignedRecord.record_id == record.id)
        .order_by(SignedRecord.version.desc())
        .limit(1)
    )
    return outcome or record.state


async def to_out(db: AsyncSession, record: InspectionRecord) -> InspectionOut:
    template = await template_of(db, record)
    items = [
        ItemResult(
            key=item.key,
            kind=type(item).__struct_config__.tag,
            label_zh=item.label.zh,
            label_en=item.label.en,
            outcome=record.results.get(item.key, {}).get("outcome", "incomplete"),
            reason=record.results.get(item.key, {}).get("reason", ""),
            answer=record.answers.get(item.key),
        )
        for item in template.items
    ]
    derived = ("items", "incomplete_items", "state")
    fields = {f: getattr(record, f) for f in InspectionOut.__struct_fields__ if f not in derived}
    incomplete = [i.key for i in items if i.outcome == "incomplete"]
    return InspectionOut(**fields, state=await state_of(db, record), items=items, incomplete_items=incomplete)


async def check_round(db: AsyncSession, round_id: str, asset: Asset, user: CurrentUser) -> None:
    round_ = await get_scoped(db, InspectionRound, round_id, user)
    plan = await db.get(InspectionPlan, round_.plan_id)
    if asset.id not in {a.id for a in await plan_assets(db, plan)}:
        raise Invalid("This asset is not covered by the round's plan.", code="asset_not_in_round")


async def start_inspection(db: AsyncSession, data: InspectionStart, user: CurrentUser) -> InspectionOut:
    asset = await get_scoped(db, Asset, data.asset_id, user)
    if data.round_id is not None:
        await check_round(db, data.round_id, asset, user)
    if data.id is not None and (existing := await db.get(InspectionRecord, data.id)) is not None:
        if (existing.asset_id, existing.inspector_id) != (asset.id, user.id):
            raise Conflict("This inspection id is taken.", code="id_taken")
        return await to_out(db, existing)  # a retried start from a phone
    row = await template_service.template_for_asset(db, asset.device_type, data.template_id)
    record_id = data.id or new_id()
    start = writes.start(record_id, asset.site_id, asset.id, data.round_id, row.id, data.started_at)
    await writes.apply(db, [start], user)
    return await to_out(db, await fresh(db, record_id))


async def fresh(db: AsyncSession, record_id: str) -> InspectionRecord:
    """The row as the sync store just wrote it (plain statements bypass the ORM's cache)."""
    return await db.get_one(InspectionRecord, record_id, populate_existing=True)


async def get_inspection(db: AsyncSession, inspection_id: str, user: CurrentUser) -> InspectionOut:
    return await to_out(db, await get_scoped(db, InspectionRecord, inspection_id, user))


async def editable_record(db: AsyncSession, inspection_id: str, user: CurrentUser) -> InspectionRecord:
    record = await get_scoped(db, InspectionRecord, inspection_id, user)
    await ensure_editable(db, KIND, record.id)
    return record


def check_items(template: ChecklistTemplate, answers: dict[str, Any]) -> None:
    known = {item.key for item in template.items}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise Invalid("These items are not on this record's checklist.", detail=unknown, code="unknown_items")


async def update_inspection(
    db: AsyncSession, inspection_id: str, data: InspectionPatch, user: CurrentUser
) -> InspectionOut:
    """Through the sync engine (writes.py); a submitted record returns to draft."""
    record = await editable_record(db, inspection_id, user)
    answers = {} if data.answers is msgspec.UNSET else data.answers
    check_items(await template_of(db, record), answers)
    mutations = writes.edits(await writes.load_state(db, record.id), answers, writes.fields_of(data))
    if mutations:
        await writes.apply(db, mutations, user)
    record = await fresh(db, record.id)
    if data.finished_at is not msgspec.UNSET:
        record.finished_at_device = data.finished_at
        await db.flush()
    return await to_out(db, record)


async def submit_inspection(
    db: AsyncSession,
    inspection_id: str,
    data: InspectionSubmit,
    user: CurrentUser,
    now: datetime | None = None,
    *,
    autocreate: bool = False,
) -> InspectionOut:
    """`autocreate`: the failed items become fault work orders (settings; fault_orders.py)."""
    record = await editable_record(db, inspection_id, user)
    if record.state != "draft":
        return await to_out(db, record)
    template = await template_of(db, record)
    missing = findings.incomplete_items(template, findings.evaluate_answers(template, record.answers))
    if missing:
        raise IncompleteInspection(
            f"{len(missing)} item(s) still need an answer or a photo before submitting.", detail=missing
        )
    finished = data.finished_at or record.finished_at_device or now or utcnow()
    await writes.apply(db, [writes.submit(record.id, finished)], user)
    record = await fresh(db, record.id)
    if now is not None:  # demo data: the submit happened in the past
        record.submitted_at = now
        await db.flush()
    if record.round_id is not None:
        await refresh_round(db, record.round_id, record.submitted_at)
    if autocreate and record.failed_items:
        await fault_orders.create_fault_orders(db, await fault_drafts(db, record.id, user), user)
        record = await fresh(db, record.id)
    return await to_out(db, record)


async def refresh_round(db: AsyncSession, round_id: str, now: datetime) -> None:
    """A round is done when every asset its plan covers has a submitted record in it."""
    round_ = await db.get(InspectionRound, round_id)
    assets = {a.id for a in await plan_assets(db, await db.get(InspectionPlan, round_.plan_id))}
    covered = set(
        await db.scalars(
            select(InspectionRecord.asset_id).where(
                InspectionRecord.round_id == round_id, InspectionRecord.state.in_(SUBMITTED)
            )
        )
    )
    round_.asset_count = len(assets)
    if assets <= covered and round_.done_at is None:
        round_.done_at = now
    await db.flush()


async def list_inspections(
    db: AsyncSession, user: CurrentUser, *, asset_id: str | None, round_id: str | None, limit: int = 50
) -> list[InspectionSummary]:
    stmt = select(InspectionRecord)
    if asset_id is not None:
        stmt = stmt.where(InspectionRecord.asset_id == asset_id)
    if round_id is not None:
        stmt = stmt.where(InspectionRecord.round_id == round_id)
    stmt = stmt.order_by(InspectionRecord.created_at.desc(), InspectionRecord.id.desc()).limit(limit)
    return [summary(r) for r in await db.scalars(scoped(stmt, InspectionRecord, user))]


async def fault_drafts(db: AsyncSession, inspection_id: str, user: CurrentUser) -> list[FaultDraft]:
    record = await get_scoped(db, InspectionRecord, inspection_id, user)
    template = await template_of(db, record)
    asset = await db.get(Asset, record.asset_id)
    results = findings.evaluate_answers(template, record.answers)
    return [
        findings.fault_draft_from_item(
            record, item, results[item.key], asset_name=asset.name, criticality=asset.criticality
        )
        for item in template.items
        if results[item.key].outcome == "fail"
    ]


async def last_inspection(db: AsyncSession, asset_id: str) -> dict[str, Any] | None:
    """For the tag scan screen: the asset's latest submitted inspection (caller checked scope)."""
    record = await db.scalar(
        select(InspectionRecord)
        .where(InspectionRecord.asset_id == asset_id, InspectionRecord.state.in_(SUBMITTED))
        .order_by(InspectionRecord.submitted_at.desc())
        .limit(1)
    )
    return None if record is None else msgspec.to_builtins(summary(record))


async def load_for_signing(db: AsyncSession, record_id: str) -> kinds.RecordView | None:
    """What the client representative signs; drafts are not signable yet."""
    record = await db.get(InspectionRecord, record_id)
    if record is None or record.state == "draft":
        return None
    fields = {f: getattr(record, f) for f in SIGNED_FIELDS}
    for f in ("started_at_device", "finished_at_device", "submitted_at"):
        value = getattr(record, f)
        fields[f] = None if value is None else value.isoformat()
    return kinds.RecordView(site_id=record.site_id, fields=fields)


kinds.register(KIND, load_for_signing)
