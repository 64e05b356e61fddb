"""Register import (all-or-nothing, idempotent) and export, for the API, the CLI and the demo.

Re-import semantics: a row matches a stored asset by (site, external id), else (site, serial).
A matched asset takes the row's register fields; blank text and date cells leave stored
values alone (a partial register never wipes data), and status is not touched, because it is
operational state owned by faults and repairs. An unmatched row creates an asset and its tag.
"""

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assets import catalog
from backend.assets.models import Asset, AssetTag, SystemType
from backend.assets.register_io import (
    Language,
    ParsedRegister,
    RegisterFileError,
    read_register,
    write_register_csv,
)
from backend.assets.register_rows import Lookups, RegisterRow, RowError
from backend.assets.schemas import ImportResult
from backend.assets.service import issue_tag, record_event, unused_codes
from backend.auth.schemas import CurrentUser
from backend.errors import Invalid
from backend.sites.models import Site
from backend.sites.scope import scoped

# Register fields an import may change on a stored asset; "location" maps to location_text.
UPDATABLE = (
    "name",
    "system",
    "device_type",
    "brand",
    "model",
    "serial",
    "external_id",
    "location",
    "install_date",
    "warranty_end",
    "criticality",
    "notes",
)
BATCH = 250
Progress = Callable[[int, int], None]  # (rows done, rows to do)


class ImportFailed(Invalid):
    code = "import_failed"


@dataclass
class Plan:
    creates: list[tuple[str, RegisterRow]] = field(default_factory=list)  # (site id, row)
    updates: list[tuple[Asset, dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def register_location(asset: Asset) -> str:
    return asset.location_text or " ".join(filter(None, (asset.building, asset.floor, asset.room)))


def row_changes(asset: Asset, row: RegisterRow) -> dict[str, Any]:
    """Field → new value for what the row changes; pure, so it is tested without a database."""
    changes = {}
    for name in UPDATABLE:
        new = getattr(row, name)
        if new in (None, ""):
            continue
        old = register_location(asset) if name == "location" else getattr(asset, name)
        if new != old:
            changes["location_text" if name == "location" else name] = new
    return changes


def _fold(text: str) -> str:
    return "".join(text.split()).casefold()


async def lookups(db: AsyncSession) -> Lookups:
    rows = await db.scalars(select(SystemType))
    systems = [catalog.SystemType(r.key, r.name_zh, r.name_en) for r in rows]
    return Lookups(systems=catalog.name_index(systems))


async def visible_sites(db: AsyncSession, user: CurrentUser) -> dict[str, str | None]:
    """Folded site name or short name → site id; None where two sites share the name."""
    index: dict[str, str | None] = {}
    for site in await db.scalars(scoped(select(Site), Site, user)):
        for name in {_fold(site.name), _fold(site.short_name), site.id}:
            index[name] = site.id if index.get(name, site.id) == site.id else None
    return index


@dataclass
class Existing:
    by_key: dict[tuple[str, str, str], Asset]  # (field, site id, value) → asset
    active: dict[str, str]  # asset id → active code
    tags: dict[str, AssetTag]  # code → tag, for codes the file mentions


async def existing(db: AsyncSession, site_ids: set[str], codes: set[str]) -> Existing:
    assets = list(await db.scalars(select(Asset).where(Asset.site_id.in_(site_ids))))
    by_key = {
        (f, a.site_id, getattr(a, f)): a
        for a in assets
        for f in ("serial", "external_id")
        if getattr(a, f) is not None
    }
    active_rows = await db.execute(
        select(AssetTag.asset_id, AssetTag.code)
        .join(Asset, and_(Asset.id == AssetTag.asset_id, Asset.site_id.in_(site_ids)))
        .where(AssetTag.active)
    )
    mentioned = await db.scalars(select(AssetTag).where(AssetTag.code.in_(codes)))
    return Existing(by_key, dict(active_rows.all()), {t.code: t for t in mentioned})


def match(row: RegisterRow, site_id: str, known: Existing) -> Asset | RowError | None:
    """The stored asset this row describes. Swapping identifiers between two stored assets
    is refused here, so a flush never meets the unique constraints half-way."""
    by_ext = known.by_key.get(("external_id", site_id, row.external_id or ""))
    by_serial = known.by_key.get(("serial", site_id, row.serial or ""))
    if by_ext and by_serial and by_ext is not by_serial:
        return RowError(row.row, None, "the serial and the external id belong to two different assets")
    return by_ext or by_serial


def tag_problem(row: RegisterRow, asset: Asset | None, known: Existing) -> str | None:
    if row.tag_code is None:
        return None
    tag = known.tags.get(row.tag_code)
    if asset is not None and known.active.get(asset.id) not in (None, row.tag_code):
        return f"this asset's tag is {known.active[asset.id]}; re-tag it in the app to change it"
    if tag is not None and (asset is None or tag.asset_id != asset.id or not tag.active):
        return f"tag {row.tag_code} is already used by another asset or was retired"
    return None


def plan_rows(parsed: ParsedRegister, sites: dict[str, str | None], known: Existing) -> Plan:
    plan = Plan(errors=list(parsed.errors))
    codes_seen: dict[str, int] = {}
    for row in parsed.rows:
        if row.tag_code and (first := codes_seen.setdefault(row.tag_code, row.row)) != row.row:
            plan.errors.append(RowError(row.row, "tag_code", f"tag {row.tag_code} already in row {first}"))
            continue
        site_id = sites.get(_fold(row.site)) or sites.get(row.site)
        if site_id is None:
            reason = "names two sites" if _fold(row.site) in sites else "is not a site you can see"
            plan.errors.append(RowError(row.row, "site", f"'{row.site}' {reason}"))
            continue
        found = match(row, site_id, known)
        if isinstance(found, RowError):
            plan.errors.append(found)
        elif problem := tag_problem(row, found, known):
            plan.errors.append(RowError(row.row, "tag_code", problem))
        elif found is None:
            plan.creates.append((site_id, row))
        elif changes := row_changes(found, row):
            plan.updates.append((found, changes))
        else:
            plan.unchanged += 1
    plan.errors.sort(key=lambda e: e.row)
    return plan


async def plan_import(db: AsyncSession, parsed: ParsedRegister, user: CurrentUser) -> Plan:
    sites = await visible_sites(db, user)
    site_ids = {s for s in sites.values() if s}
    codes = {r.tag_code for r in parsed.rows if r.tag_code}
    return plan_rows(parsed, sites, await existing(db, site_ids, codes))


async def apply_plan(db: AsyncSession, plan: Plan, on_progress: Progress | None) -> None:
    total = len(plan.updates) + len(plan.creates)
    for asset, changes in plan.updates:
        for name, value in changes.items():
            setattr(asset, name, value)
    await db.flush()
    done = len(plan.updates)
    for start in range(0, len(plan.creates), BATCH):
        batch = plan.creates[start : start + BATCH]
        await create_batch(db, batch)
        done += len(batch)
        if on_progress:
            on_progress(done, total)


async def create_batch(db: AsyncSession, batch: list[tuple[str, RegisterRow]]) -> None:
    assets = [new_asset(site_id, row) for site_id, row in batch]
    db.add_all(assets)
    await db.flush()
    fresh = iter(await unused_codes(db, sum(1 for _, r in batch if r.tag_code is None)))
    for asset, (_, row) in zip(assets, batch, strict=True):
        record_event(db, asset.id, "created", {"status": asset.status, "source": "import"})
        issue_tag(db, asset.id, row.tag_code or next(fresh))
    await db.flush()


def new_asset(site_id: str, row: RegisterRow) -> Asset:
    fields = msgspec.structs.asdict(row)
    for dropped in ("row", "site", "tag_code", "location"):
        fields.pop(dropped)
    fields["criticality"] = row.criticality or "normal"
    return Asset(site_id=site_id, location_text=row.location, **fields)


async def import_register(
    db: AsyncSession,
    data: bytes,
    user: CurrentUser,
    *,
    dry_run: bool,
    on_progress: Progress | None = None,
) -> ImportResult:
    """Every row or none: with any row error nothing is written (ImportFailed, 422)."""
    try:
        parsed = read_register(data, await lookups(db))
    except RegisterFileError as exc:
        raise Invalid(f"The register cannot be read: {exc}.", code="unreadable_register") from None
    plan = await plan_import(db, parsed, user)
    result = ImportResult(
        dry_run,
        parsed.encoding,
        len(plan.creates),
        len(plan.updates),
        plan.unchanged,
        [msgspec.structs.asdict(e) for e in plan.errors],
        parsed.ignored_columns,
    )
    if plan.errors and not dry_run:
        raise ImportFailed(
            f"{len(plan.errors)} row errors; nothing was imported.", msgspec.to_builtins(result)
        )
    if not dry_run:
        await apply_plan(db, plan, on_progress)
    return result


async def export_csv(db: AsyncSession, user: CurrentUser, site_id: str | None, language: Language) -> bytes:
    out = io.StringIO()
    write_register_csv(await register_rows(db, user, site_id), out, language)
    return out.getvalue().encode("utf-8")


async def store_rows(db: AsyncSession, rows: list[tuple[str, RegisterRow]]) -> None:
    """Demo data: rows already resolved to site ids, all new."""
    await apply_plan(db, Plan(creates=rows), None)


async def register_rows(
    db: AsyncSession, user: CurrentUser, site_id: str | None = None
) -> Iterator[RegisterRow]:
    """The scoped register as the export writes it; read back by import as "unchanged"."""
    active = and_(AssetTag.asset_id == Asset.id, AssetTag.active)
    stmt = scoped(select(Asset, Site.name, AssetTag.code).join(Site).outerjoin(AssetTag, active), Asset, user)
    if site_id:
        stmt = stmt.where(Asset.site_id == site_id)
    rows = await db.execute(stmt.order_by(Site.name, Asset.system, Asset.name, Asset.id))
    return (export_row(asset, site_name, code) for asset, site_name, code in rows)


def export_row(asset: Asset, site_name: str, code: str | None) -> RegisterRow:
    return RegisterRow(
        name=asset.name,
        site=site_name,
        system=asset.system,
        device_type=asset.device_type,
        brand=asset.brand,
        model=asset.model,
        serial=asset.serial,
        external_id=asset.external_id,
        location=register_location(asset),
        install_date=asset.install_date,
        warranty_end=asset.warranty_end,
        criticality=asset.criticality,  # type: ignore[arg-type]
        status=asset.status,
        notes=asset.notes,
        tag_code=code,  # type: ignore[arg-type]
    )
