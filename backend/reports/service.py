"""Gather a report's content through the site scope, then draw it in a worker thread.

The record hash printed is the signed one (the chain's) once the record is signed, else the
current hash with "not signed yet"; the QR code links to the PWA's verification page for it.
"""

import json
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

import anyio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assets.models import Asset, AssetTag
from backend.auth.schemas import CurrentUser
from backend.blobs.models import Blob
from backend.blobs.store import MediaStore
from backend.errors import NotFound
from backend.inspections import template_service
from backend.inspections.models import InspectionRecord
from backend.photos import service as photos
from backend.photos.models import Photo
from backend.reports import pdf
from backend.reports.content import Common, InspectionReport, ItemRow, ServiceRecord, Signature, Thumb
from backend.settings import Settings
from backend.signatures import service as signatures
from backend.signatures.signable import live_events
from backend.sites.models import Client, Contract, Site
from backend.sites.scope import get_scoped
from backend.users.models import User
from backend.work_orders.evidence import awaiting_upload, record_evidence
from backend.work_orders.models import WorkOrder

M = TypeVar("M", WorkOrder, InspectionRecord)

LOCAL = ZoneInfo("Asia/Shanghai")  # the sites are in China; the forms print local time
THUMB_PHASES = ("before", "during", "after")


def local(moment: datetime | str | None) -> str:
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


async def read_rendition(db: AsyncSession, store: MediaStore, sha256: str | None, name: str) -> bytes | None:
    blob = None if sha256 is None else await db.get(Blob, sha256)
    if blob is None or blob.state != "present" or blob.rendition(name) is None:
        return None
    return await anyio.to_thread.run_sync(store.read_blob, blob.rendition(name))


async def thumbs(db: AsyncSession, store: MediaStore, state: dict) -> list[Thumb]:
    """The first live photo (by clock) of each repair phase whose bytes are here; else any."""
    photos = sorted(live_events(state, "photos"))
    chosen = [next((d for _h, _i, d in photos if d["phase"] == p), None) for p in THUMB_PHASES]
    picked = [d for d in chosen if d is not None] or [d for _h, _i, d in photos[:3]]
    found = []
    for data in picked:
        jpeg = await read_rendition(db, store, data["sha256"], "thumb")
        if jpeg is not None:
            found.append(Thumb(data["phase"], jpeg))
    return found


async def signature_of(db: AsyncSession, store: MediaStore, kind: str, record_id: str):
    """(the signature block, the signed hash) of the latest signing, or (None, None)."""
    signed = await signatures.latest_signed(db, kind, record_id)
    if signed is None:
        return None, None
    capture = json.loads(signed.capture)
    if capture["type"] == "refusal":
        block = Signature(
            refused=True,
            name=capture["contact_person"],
            at=local(capture["refused_at"]),
            reason=capture["reason"],
            reason_text=capture["reason_text"],
        )
    else:
        block = Signature(
            refused=False,
            name=capture["signer_name"],
            role=capture["role"],
            phone=capture.get("phone") or "",
            at=local(capture["signed_at"]),
            image=await read_rendition(db, store, capture["image_sha256"], "display"),
        )
    return block, signed.record_hash


async def common(
    db: AsyncSession, store: MediaStore, settings: Settings, kind: str, state: dict, user: CurrentUser
) -> Common:
    site = await db.get(Site, state["site_id"])
    contract = await db.get(Contract, site.contract_id) if site else None
    client = await db.get(Client, contract.client_id) if contract else None
    signature, signed_hash = await signature_of(db, store, kind, state["id"])
    if signed_hash is None:
        signed_hash = (await signatures.record_hash(db, kind, state["id"], user))[2]
    project = " · ".join(x for x in (client.name if client else "", contract.name if contract else "") if x)
    return Common(
        number=state["id"],
        project=project,
        place=" ".join(x for x in (site.name if site else "", site.address if site else "") if x),
        record_hash=signed_hash,
        verify_url=f"{settings.public_base_url}/#/verify/{signed_hash}",
        signature=signature,
        thumbs=await thumbs(db, store, state),
        awaiting=[p.phase or "other" for p in awaiting_upload(await record_evidence(db, kind, state["id"]))],
    )


async def asset_text(db: AsyncSession, asset_id: str | None) -> tuple[str, str]:
    """("code name", location) of an asset, or empty strings."""
    asset = None if asset_id is None else await db.get(Asset, asset_id)
    if asset is None:
        return "", ""
    code = await db.scalar(select(AssetTag.code).where(AssetTag.asset_id == asset.id, AssetTag.active))
    where = " ".join(x for x in (asset.building, asset.floor, asset.room, asset.location_text) if x)
    return " ".join(x for x in (code or "", asset.name) if x), where


async def user_name(db: AsyncSession, user_id: str | None) -> str:
    person = None if user_id is None else await db.get(User, user_id)
    return person.display_name if person else ""


async def first_taker(db: AsyncSession, work_order_id: str) -> str | None:
    """Who photographed the repair, for an order printed without an assignee."""
    photo = await db.scalar(
        select(Photo).where(Photo.record_kind == "work_order", Photo.record_id == work_order_id).limit(1)
    )
    taker = None if photo is None else await photos.taker_of(db, photo)
    return None if taker is None else taker.id


async def scoped_record(
    db: AsyncSession, model: type[M], kind: str, record_id: str, user: CurrentUser
) -> tuple[M, dict]:
    """The record if the caller may see it, with the synced state its report prints (the state
    a signature covers)."""
    row = await get_scoped(db, model, record_id, user)
    state = await signatures.synced_state(db, kind, row.id)
    if state is None:
        raise NotFound(f"No {kind} with id {record_id}.")
    return row, state


async def service_record_pdf(
    db: AsyncSession, store: MediaStore, settings: Settings, work_order_id: str, lang: str, user: CurrentUser
) -> bytes:
    order, state = await scoped_record(db, WorkOrder, "work_order", work_order_id, user)
    fields = state["fields"]
    diagnosis = fields.get("diagnosis") or {}
    parts = fields.get("parts_used") or diagnosis.get("parts_used") or []
    damaged, _where = await asset_text(db, order.asset_id)
    record = ServiceRecord(
        common=await common(db, store, settings, "work_order", state, user),
        technician=await user_name(db, fields.get("assignee") or await first_taker(db, order.id)),
        reported_at=local(order.reported_at or order.created_at),
        arrived_at=local(order.arrived_at),
        resolved_at=local(order.resolved_at),
        remote=order.remote,
        fault=order.symptom or fields.get("title", ""),
        cause=diagnosis.get("cause", ""),
        solution="\n".join(x for x in (diagnosis.get("findings", ""), diagnosis.get("actions", "")) if x),
        damaged=damaged,
        parts=[(p["item"], p.get("quantity", 1)) for p in parts],
        satisfaction=(fields.get("follow_up") or {}).get("satisfaction"),
    )
    return await anyio.to_thread.run_sync(pdf.service_record, record, lang)


def item_rows(template, answers: dict, results: dict, lang: str) -> list[ItemRow]:
    rows = []
    for item in template.items:
        answer, result = answers.get(item.key) or {}, results.get(item.key) or {}
        outcome = "na" if answer.get("not_applicable") else result.get("outcome", "incomplete")
        value = answer.get("value")
        shown = "" if value is None or isinstance(value, bool) else str(value)
        label = item.label.zh if lang == "zh-CN" else item.label.en
        rows.append(ItemRow(label, outcome, shown, answer.get("note") or ""))
    return rows


async def inspection_pdf(
    db: AsyncSession, store: MediaStore, settings: Settings, inspection_id: str, lang: str, user: CurrentUser
) -> bytes:
    record, state = await scoped_record(db, InspectionRecord, "inspection", inspection_id, user)
    template = template_service.decode(await template_service.get_row(db, record.template_id))
    asset, where = await asset_text(db, record.asset_id)
    report = InspectionReport(
        common=await common(db, store, settings, "inspection", state, user),
        inspector=await user_name(db, record.inspector_id),
        asset=asset,
        location=where,
        started_at=local(record.started_at_device or record.created_at),
        finished_at=local(record.finished_at_device),
        items=item_rows(template, record.answers or {}, record.results or {}, lang),
        problems=record.problems,
        cause=record.cause,
        solution=record.solution,
        parts_to_replace=record.parts_to_replace,
    )
    return await anyio.to_thread.run_sync(pdf.inspection_report, report, lang)
