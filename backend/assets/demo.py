"""Demo assets: the seeded register (~1,500 devices) on the demo sites, each with a tag, plus a
few re-tagged devices so a scan of an old label shows "replaced by …"."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assets.demo_register import generate_demo_register
from backend.assets.import_service import store_rows
from backend.assets.models import Asset
from backend.assets.service import unused_codes
from backend.assets.tags_service import replace_tag
from backend.sites.models import Site

REPLACED_LABELS = 5


async def load_demo_assets(db: AsyncSession, sites: list[Site]) -> None:
    by_key = {site.short_name: site for site in sites}
    rows = generate_demo_register([(key, site.kind) for key, site in by_key.items()])  # type: ignore[misc]
    await store_rows(db, [(by_key[row.site].id, row) for row in rows])
    first_site = sites[0].id
    worn = await db.scalars(
        select(Asset.id).where(Asset.site_id == first_site).order_by(Asset.external_id).limit(REPLACED_LABELS)
    )
    for asset_id, code in zip(list(worn), await unused_codes(db, REPLACED_LABELS), strict=True):
        await replace_tag(db, asset_id, code, "演示：标签损坏后重新贴标 (demo: damaged label replaced)")
