"""Label sheets for a selection of assets: which labels (scoped), then the PDF off the event loop."""

import tempfile
from collections.abc import AsyncIterator, Callable

import anyio
from litestar.exceptions import ServiceUnavailableException
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assets import catalog, labels, tags
from backend.assets.labels import Label
from backend.assets.models import Asset, AssetTag, SystemType
from backend.assets.schemas import LabelRequest
from backend.auth.schemas import CurrentUser
from backend.errors import Invalid, NotFound
from backend.sites.models import Site
from backend.sites.scope import get_scoped, scoped

CHUNK = 64 * 1024


def label_detail(asset: Asset, system_en: str) -> str:
    """English type name (the asset name is usually Chinese) and where the device is."""
    device = catalog.DEVICE_TYPES_BY_KEY.get(asset.device_type or "")
    location = asset.location_text or " ".join(filter(None, (asset.building, asset.floor, asset.room)))
    return " · ".join(filter(None, (device.en if device else system_en, location)))


async def select_labels(
    db: AsyncSession, data: LabelRequest, user: CurrentUser, base_url: str, *, allow_all: bool = False
) -> list[Label]:
    """Labels in print order. The API needs a selection (a stray click must not print thousands);
    the CLI may ask for everything in scope."""
    if not allow_all and data.site_id is None and data.system is None and not data.asset_ids:
        raise Invalid("Choose a site, a system or a list of assets.", code="empty_selection")
    if data.site_id:
        await get_scoped(db, Site, data.site_id, user)
    stmt = (
        select(Asset, AssetTag.code, Site.name, SystemType.name_en)
        .join(AssetTag, and_(AssetTag.asset_id == Asset.id, AssetTag.active))
        .join(Site, Site.id == Asset.site_id)
        .join(SystemType, SystemType.key == Asset.system)
    )
    stmt = scoped(stmt, Asset, user)
    if data.site_id:
        stmt = stmt.where(Asset.site_id == data.site_id)
    if data.system:
        stmt = stmt.where(Asset.system == data.system)
    if data.asset_ids:
        wanted = set(data.asset_ids)
        stmt = stmt.where(Asset.id.in_(wanted))
        visible = await db.scalar(scoped(select(func.count()).where(Asset.id.in_(wanted)), Asset, user))
        if visible != len(wanted):
            raise NotFound("Some of these assets do not exist.")
    rows = await db.execute(stmt.order_by(Site.name, Asset.system, Asset.location_text, Asset.name))
    return [
        Label(code, tags.tag_url(base_url, code), asset.name, site_name, label_detail(asset, system_en))
        for asset, code, site_name, system_en in rows
    ]


def require_font() -> None:
    try:
        labels.find_cjk_font()
    except labels.CjkFontMissing as exc:
        raise ServiceUnavailableException(detail=str(exc)) from None


def pdf_stream(items: list[Label], on_progress: Callable[[int], None] | None = None) -> AsyncIterator[bytes]:
    """The sheet is CPU work for seconds: a worker thread writes it to a temp file, then it is
    streamed. It runs after the request's transaction has committed, so no lock is held."""
    require_font()

    async def chunks() -> AsyncIterator[bytes]:
        with tempfile.TemporaryFile() as out:
            await anyio.to_thread.run_sync(
                lambda: labels.write_label_sheet(items, out, on_progress=on_progress)
            )
            out.seek(0)
            while chunk := out.read(CHUNK):
                yield chunk

    return chunks()


async def label_sheet(
    db: AsyncSession, data: LabelRequest, user: CurrentUser, base_url: str
) -> AsyncIterator[bytes]:
    return pdf_stream(await select_labels(db, data, user, base_url))
