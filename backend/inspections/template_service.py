"""Checklist template versions in the database: read by everyone, added to by admins.

The shipped version-1 templates are seeded by migration 0006. A new version is a new row;
earlier versions stay, so a record always renders against the version it was filled with.
"""

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assets.catalog import DEVICE_TYPES
from backend.auth.schemas import CurrentUser
from backend.errors import Conflict, Invalid, NotFound
from backend.inspections.models import ChecklistTemplateVersion
from backend.inspections.schemas import CoveredType, TemplateOut, TemplateSummary
from backend.inspections.templates import ChecklistTemplate, validate_template

# Asset register device types (assets/catalog.py) → template keys, where the names differ.
TEMPLATE_FOR_DEVICE_TYPE = {
    "hemisphere_camera": "dome_camera",
    "traffic_dome": "dome_camera",
    "nvr": "nvr_dvr",
    "video_decoder": "nvr_dvr",
    "intercom_host": "intercom",
    "intercom_terminal": "intercom",
    "switch": "network_switch",
    "router": "network_switch",
    "patch_panel": "cabinet",
    "roadside_cabinet": "cabinet",
    "battery_pack": "ups",
    "ep_camera": "checkpoint_camera",
    "signal_controller": "signal_light",
    "signal_head": "signal_light",
    "countdown_timer": "signal_light",
    "media_player": "body_camera",
}


def template_key_for(device_type: str | None) -> str | None:
    if device_type is None:
        return None
    return TEMPLATE_FOR_DEVICE_TYPE.get(device_type, device_type)


def covered_types(template_key: str) -> list[CoveredType]:
    """The catalogue's device types whose checklist is the template with this key."""
    return [CoveredType(d.key, d.zh, d.en) for d in DEVICE_TYPES if template_key_for(d.key) == template_key]


def template_id(key: str, version: int) -> str:
    return f"{key}.v{version}"


def decode(row: ChecklistTemplateVersion) -> ChecklistTemplate:
    return msgspec.convert(row.body, ChecklistTemplate)


async def latest_ids(db: AsyncSession) -> set[str]:
    rows = await db.execute(
        select(ChecklistTemplateVersion.key, func.max(ChecklistTemplateVersion.version)).group_by(
            ChecklistTemplateVersion.key
        )
    )
    return {template_id(key, version) for key, version in rows}


def summary(row: ChecklistTemplateVersion, latest: set[str]) -> TemplateSummary:
    fields = {f: getattr(row, f) for f in TemplateSummary.__struct_fields__ if f not in ("latest", "covers")}
    return TemplateSummary(**fields, latest=row.id in latest, covers=covered_types(row.key))


async def list_templates(db: AsyncSession) -> list[TemplateSummary]:
    rows = await db.scalars(
        select(ChecklistTemplateVersion).order_by(
            ChecklistTemplateVersion.key, ChecklistTemplateVersion.version
        )
    )
    latest = await latest_ids(db)
    return [summary(row, latest) for row in rows]


async def get_row(db: AsyncSession, template_id_: str) -> ChecklistTemplateVersion:
    row = await db.get(ChecklistTemplateVersion, template_id_)
    if row is None:
        raise NotFound(f"No checklist template with id {template_id_}.")
    return row


async def get_template(db: AsyncSession, template_id_: str) -> TemplateOut:
    row = await get_row(db, template_id_)
    head = msgspec.structs.asdict(summary(row, await latest_ids(db)))
    return TemplateOut(**head, body=row.body)


async def add_template_version(db: AsyncSession, data: ChecklistTemplate, user: CurrentUser) -> TemplateOut:
    """Versions count up by one per key; an existing version is never replaced."""
    problems = validate_template(data)
    if problems:
        raise Invalid("This checklist template is not usable.", detail=problems, code="bad_template")
    current = await db.scalar(
        select(func.max(ChecklistTemplateVersion.version)).where(ChecklistTemplateVersion.key == data.key)
    )
    expected = (current or 0) + 1
    if data.version != expected:
        raise Conflict(
            f"The next version of {data.key} is {expected}; existing versions are never replaced.",
            detail={"expected_version": expected},
            code="template_version_taken",
        )
    row = ChecklistTemplateVersion(
        id=template_id(data.key, data.version),
        key=data.key,
        version=data.version,
        device_type=data.device_type,
        name_zh=data.name.zh,
        name_en=data.name.en,
        body=msgspec.to_builtins(data),
        builtin=False,
        created_by=user.id,
    )
    db.add(row)
    await db.flush()
    return await get_template(db, row.id)


async def latest_for_key(db: AsyncSession, key: str) -> ChecklistTemplateVersion | None:
    return await db.scalar(
        select(ChecklistTemplateVersion)
        .where(ChecklistTemplateVersion.key == key)
        .order_by(ChecklistTemplateVersion.version.desc())
        .limit(1)
    )


async def template_for_asset(
    db: AsyncSession, device_type: str | None, chosen_id: str | None
) -> ChecklistTemplateVersion:
    if chosen_id is not None:
        return await get_row(db, chosen_id)
    key = template_key_for(device_type)
    row = await latest_for_key(db, key) if key else None
    if row is None:
        raise Invalid(
            f"No checklist template fits device type {device_type!r}; choose one with template_id.",
            code="no_template",
        )
    return row
