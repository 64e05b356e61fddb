"""World extension: an asset with an active tag and a retired one on each side."""

from backend.assets.models import Asset, AssetTag
from backend.assets.tags import new_tag_code
from backend.db import utcnow


async def add_assets(session, world) -> None:
    for tag, side in (("a", world.a), ("b", world.b)):
        asset = Asset(
            site_id=side.site_id,
            system="surveillance",
            device_type="fixed_camera",
            name=f"Camera {tag}",
            serial=f"SN-{tag.upper()}-0001",
            external_id=f"EXT-{tag.upper()}-0001",
        )
        session.add(asset)
        await session.flush()
        code, retired = new_tag_code(), new_tag_code()
        session.add(
            AssetTag(
                code=retired, asset_id=asset.id, active=False, retired_at=utcnow(), replaced_by_code=code
            )
        )
        session.add(AssetTag(code=code, asset_id=asset.id, active=True))
        await session.flush()
        world.extra[tag].update(
            asset_id=asset.id,
            tag_code=code,
            retired_code=retired,
            asset_serial=asset.serial,
            asset_external_id=asset.external_id,
        )
