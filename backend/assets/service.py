"""Assets and system types: create, read, change; every read and lookup is site-scoped."""

from typing import Any

import msgspec
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from backend.assets import tags
from backend.assets.models import Asset, AssetEvent, AssetTag, SystemType
from backend.assets.schemas import (
    AssetCreate,
    AssetEventOut,
    AssetOut,
    AssetPage,
    AssetPatch,
    SystemTypeCreate,
    SystemTypeOut,
)
from backend.audit.recorder import SYSTEM
from backend.auth.schemas import CurrentUser
from backend.errors import Conflict, Invalid
from backend.sites.models import Site
from backend.sites.scope import get_scoped, scoped


class AssetFilter(msgspec.Struct, frozen=True):
    site_id: str | None = None
    system: str | None = None
    status: str | None = None
    criticality: str | None = None
    q: str | None = None


def to_out(asset: Asset, tag_code: str | None, retired: list[str] | None = None) -> AssetOut:
    out = msgspec.convert(asset, AssetOut, from_attributes=True)
    out.tag_code = tag_code
    out.retired_codes = retired or []
    return out


async def retired_codes(db: AsyncSession, asset_ids: list[str]) -> dict[str, list[str]]:
    """asset id → the codes of its retired tags, oldest first."""
    if not asset_ids:
        return {}
    rows = await db.execute(
        select(AssetTag.asset_id, AssetTag.code)
        .where(AssetTag.asset_id.in_(asset_ids), AssetTag.active.is_(False))
        .order_by(AssetTag.retired_at, AssetTag.code)
    )
    found: dict[str, list[str]] = {}
    for asset_id, code in rows:
        found.setdefault(asset_id, []).append(code)
    return found


def with_active_tag() -> Select:
    active = and_(AssetTag.asset_id == Asset.id, AssetTag.active)
    return select(Asset, AssetTag.code).outerjoin(AssetTag, active)


async def list_system_types(db: AsyncSession) -> list[SystemTypeOut]:
    rows = await db.scalars(select(SystemType).order_by(SystemType.builtin.desc(), SystemType.key))
    return [msgspec.convert(r, SystemTypeOut, from_attributes=True) for r in rows]


async def create_system_type(db: AsyncSession, data: SystemTypeCreate) -> SystemTypeOut:
    if await db.get(SystemType, data.key):
        raise Conflict(f"A system type with key {data.key} exists.", code="key_taken")
    row = SystemType(key=data.key, name_zh=data.name_zh, name_en=data.name_en, builtin=False)
    db.add(row)
    await db.flush()
    return msgspec.convert(row, SystemTypeOut, from_attributes=True)


def filtered(stmt: Select, spec: AssetFilter) -> Select:
    for column, value in (
        (Asset.site_id, spec.site_id),
        (Asset.system, spec.system),
        (Asset.status, spec.status),
        (Asset.criticality, spec.criticality),
    ):
        if value:
            stmt = stmt.where(column == value)
    if spec.q:
        needle = spec.q.strip()
        text_match = [
            c.icontains(needle, autoescape=True)
            for c in (
                Asset.name,
                Asset.serial,
                Asset.external_id,
                Asset.model,
                Asset.brand,
                Asset.location_text,
            )
        ]
        by_tag = Asset.id.in_(select(AssetTag.asset_id).where(AssetTag.code == tags.normalise(spec.q)))
        stmt = stmt.where(or_(*text_match, by_tag))
    return stmt


async def list_assets(
    db: AsyncSession, user: CurrentUser, spec: AssetFilter, limit: int, offset: int
) -> AssetPage:
    base = filtered(scoped(select(Asset.id), Asset, user), spec)
    total = await db.scalar(select(func.count()).select_from(base.subquery()))
    stmt = filtered(scoped(with_active_tag(), Asset, user), spec)
    rows = list(
        await db.execute(stmt.order_by(Asset.site_id, Asset.name, Asset.id).limit(limit).offset(offset))
    )
    retired = await retired_codes(db, [a.id for a, _ in rows])
    return AssetPage([to_out(a, code, retired.get(a.id)) for a, code in rows], total or 0, limit, offset)


async def active_code(db: AsyncSession, asset_id: str) -> str | None:
    stmt = select(AssetTag.code).where(AssetTag.asset_id == asset_id, AssetTag.active)
    return await db.scalar(stmt)


async def get_asset(db: AsyncSession, asset_id: str, user: CurrentUser) -> AssetOut:
    asset = await get_scoped(db, Asset, asset_id, user)
    retired = await retired_codes(db, [asset.id])
    return to_out(asset, await active_code(db, asset.id), retired.get(asset.id))


def record_event(db: AsyncSession, asset_id: str, kind: str, detail: dict[str, Any]) -> None:
    actor = db.info.get("actor", SYSTEM)
    db.add(
        AssetEvent(asset_id=asset_id, kind=kind, actor_id=actor.user_id, actor_name=actor.name, detail=detail)
    )


async def unused_codes(db: AsyncSession, count: int) -> list[str]:
    """Fresh codes not in the database; 44.6 random bits make a retry all but theoretical."""
    codes: set[str] = set()
    while len(codes) < count:
        drawn = {tags.new_tag_code() for _ in range(count - len(codes))} - codes
        taken = set(await db.scalars(select(AssetTag.code).where(AssetTag.code.in_(drawn))))
        codes |= drawn - taken
    return list(codes)


def issue_tag(db: AsyncSession, asset_id: str, code: str) -> AssetTag:
    tag = AssetTag(code=code, asset_id=asset_id, active=True)
    db.add(tag)
    record_event(db, asset_id, "tag_issued", {"code": code})
    return tag


async def check_system(db: AsyncSession, key: str) -> None:
    if await db.get(SystemType, key) is None:
        raise Invalid(f"Unknown system type {key}.", detail={"system": key}, code="unknown_system")


def check_dates(asset: Asset | AssetCreate) -> None:
    if asset.install_date and asset.warranty_end and asset.warranty_end < asset.install_date:
        raise Invalid("The warranty cannot end before the install date.", code="bad_dates")


async def check_identifiers(db: AsyncSession, site_id: str, asset: Any, own_id: str | None) -> None:
    """Serial and external id are unique per site (see models.py)."""
    for field in ("serial", "external_id"):
        value = getattr(asset, field)
        if value is None:
            continue
        column = getattr(Asset, field)
        clash = await db.scalar(
            select(Asset.id).where(Asset.site_id == site_id, column == value, Asset.id != (own_id or ""))
        )
        if clash:
            raise Conflict(f"Another asset at this site has {field} {value}.", code=f"{field}_taken")


async def create_asset(db: AsyncSession, data: AssetCreate, user: CurrentUser) -> AssetOut:
    await get_scoped(db, Site, data.site_id, user)
    await check_system(db, data.system)
    check_dates(data)
    await check_identifiers(db, data.site_id, data, None)
    asset = Asset(**msgspec.structs.asdict(data))
    db.add(asset)
    await db.flush()
    record_event(db, asset.id, "created", {"status": asset.status})
    (code,) = await unused_codes(db, 1)
    issue_tag(db, asset.id, code)
    await db.flush()
    return to_out(asset, code)


async def update_asset(db: AsyncSession, asset_id: str, data: AssetPatch, user: CurrentUser) -> AssetOut:
    asset = await get_scoped(db, Asset, asset_id, user)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    expected = changes.pop("version", None)
    if expected is not None and expected != asset.version:
        raise Conflict("The asset changed since you loaded it.", {"version": asset.version}, "stale")
    if "system" in changes:
        await check_system(db, changes["system"])
    before_status = asset.status
    for field, value in changes.items():
        setattr(asset, field, value)
    check_dates(asset)
    await check_identifiers(db, asset.site_id, asset, asset.id)
    if asset.status != before_status:
        record_event(db, asset.id, "status_changed", {"from": before_status, "to": asset.status})
    await flush_versioned(db)
    return to_out(asset, await active_code(db, asset.id))


async def flush_versioned(db: AsyncSession) -> None:
    try:
        await db.flush()
    except StaleDataError:
        raise Conflict("The asset was changed by someone else; reload it.", code="stale") from None


async def asset_history(db: AsyncSession, asset_id: str, user: CurrentUser) -> list[AssetEventOut]:
    asset = await get_scoped(db, Asset, asset_id, user)
    rows = await db.scalars(
        select(AssetEvent).where(AssetEvent.asset_id == asset.id).order_by(AssetEvent.at, AssetEvent.id)
    )
    return [msgspec.convert(r, AssetEventOut, from_attributes=True) for r in rows]
