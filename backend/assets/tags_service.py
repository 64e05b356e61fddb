"""Tag lookup (scan or typed code), re-tagging and tag images."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assets import qr, tags
from backend.assets.models import Asset, AssetTag
from backend.assets.schemas import AssetOut, RetagRequest, TagLookupOut
from backend.assets.service import active_code, record_event, retired_codes, to_out, unused_codes
from backend.auth.schemas import CurrentUser
from backend.db import utcnow
from backend.errors import Conflict, Invalid, NotFound
from backend.inspections.service import last_inspection
from backend.sites.scope import get_scoped, scoped


class TagReplaced(Conflict):
    """An old label was scanned: the asset carries a newer tag now."""

    code = "tag_replaced"


class DidYouMean(Invalid):
    code = "did_you_mean"


class InvalidTagCode(Invalid):
    code = "invalid_code"


async def work_context(db: AsyncSession, asset_id: str) -> tuple[list[dict[str, Any]], dict | None]:
    """SEAM for the work-order and inspection domains: (open work orders, last inspection).

    The caller has checked the asset's scope. Open work orders stay empty until that domain
    fills them in here.
    """
    return [], await last_inspection(db, asset_id)


async def visible_codes(db: AsyncSession, codes: list[str], user: CurrentUser) -> list[str]:
    """The codes among `codes` that exist on a site the caller may see, in the given order."""
    found = set(
        await db.scalars(scoped(select(AssetTag.code).where(AssetTag.code.in_(codes)), AssetTag, user))
    )
    return [c for c in codes if c in found]


async def resolve_code(db: AsyncSession, entered: str, user: CurrentUser) -> AssetTag:
    match tags.validate(entered):
        case tags.InvalidCode(reason=reason):
            raise InvalidTagCode(f"This is not a tag code: {reason}.", {"entered": entered, "reason": reason})
        case tags.DidYouMean(candidates=candidates):
            existing = await visible_codes(db, candidates, user)
            if not existing:
                reason = "the check character does not match and no tag one typo away exists"
                raise InvalidTagCode(
                    f"This is not a tag code: {reason}.", {"entered": entered, "reason": reason}
                )
            raise DidYouMean(
                "This code has a typo. Did you mean one of these?",
                {"entered": entered, "candidates": existing},
            )
        case tags.ValidCode(code=code):
            tag = await db.scalar(scoped(select(AssetTag).where(AssetTag.code == code), AssetTag, user))
            if tag is None:
                raise NotFound(f"No tag {code}.")
            return tag
    raise AssertionError("unreachable")


async def lookup_tag(db: AsyncSession, entered: str, user: CurrentUser, base_url: str) -> TagLookupOut:
    tag = await resolve_code(db, entered, user)
    current = await active_code(db, tag.asset_id)
    if not tag.active:
        raise TagReplaced(
            f"This tag was replaced by {tags.format_code(current or tag.replaced_by_code or '')}.",
            {
                "code": tag.code,
                "replaced_by": tag.replaced_by_code,
                "current_code": current,
                "asset_id": tag.asset_id,
            },
        )
    asset = await db.get_one(Asset, tag.asset_id)
    open_work_orders, last_inspection = await work_context(db, asset.id)
    retired = (await retired_codes(db, [asset.id])).get(asset.id)
    out = to_out(asset, tag.code, retired)
    return TagLookupOut(tag.code, tags.tag_url(base_url, tag.code), out, open_work_orders, last_inspection)


async def chosen_code(db: AsyncSession, wanted: str | None) -> str:
    if wanted is None:
        return (await unused_codes(db, 1))[0]
    check = tags.validate(wanted)
    if not isinstance(check, tags.ValidCode):
        raise InvalidTagCode("The new label's code is not a valid tag code.", {"entered": wanted})
    if await db.get(AssetTag, check.code):
        raise Conflict(f"Tag {check.code} is already in use.", code="code_taken")
    return check.code


async def retag(db: AsyncSession, asset_id: str, data: RetagRequest, user: CurrentUser) -> AssetOut:
    asset = await get_scoped(db, Asset, asset_id, user)
    new_code = await chosen_code(db, data.code)
    await replace_tag(db, asset.id, new_code, data.reason)
    return to_out(asset, new_code, (await retired_codes(db, [asset.id])).get(asset.id))


async def replace_tag(db: AsyncSession, asset_id: str, new_code: str, reason: str) -> None:
    """Retire the active code (it then answers "replaced by …") and issue `new_code`."""
    old = await db.scalar(select(AssetTag).where(AssetTag.asset_id == asset_id, AssetTag.active))
    if old is not None:
        old.active, old.retired_at, old.replaced_by_code = False, utcnow(), new_code
        await db.flush()  # the one-active-tag index must see the old tag retired first
    db.add(AssetTag(code=new_code, asset_id=asset_id, active=True))
    detail = {"old_code": old.code if old else None, "new_code": new_code, "reason": reason}
    record_event(db, asset_id, "tag_replaced", detail)
    await db.flush()


async def tag_of(db: AsyncSession, asset_id: str, user: CurrentUser) -> str:
    asset = await get_scoped(db, Asset, asset_id, user)
    code = await active_code(db, asset.id)
    if code is None:
        raise NotFound("This asset has no active tag.")
    return code


async def tag_png(db: AsyncSession, asset_id: str, user: CurrentUser, base_url: str) -> bytes:
    code = await tag_of(db, asset_id, user)
    return qr.png_bytes(tags.tag_url(base_url, code), caption=tags.format_code(code))


async def tag_svg(db: AsyncSession, asset_id: str, user: CurrentUser, base_url: str) -> bytes:
    code = await tag_of(db, asset_id, user)
    return qr.svg_bytes(tags.tag_url(base_url, code), module_size=0.5)
