"""Who may read a blob: whoever may see a record that references it (photo or signature).

Blobs have no site of their own (the same bytes could serve two records), so the scope comes
from the referencing rows; a hash alone never opens a photo from another site.
"""

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.photos.models import Photo
from backend.signatures.models import SignedRecord
from backend.sites.scope import scoped
from backend.users.models import Role


async def may_read(db: AsyncSession, sha256: str, user: CurrentUser) -> bool:
    if user.role == Role.admin:
        return True
    photo = scoped(select(Photo.id).where(Photo.blob_sha256 == sha256), Photo, user)
    signed = scoped(
        select(SignedRecord.id).where(SignedRecord.signature_sha256 == sha256), SignedRecord, user
    )
    return bool(await db.scalar(select(or_(exists(photo), exists(signed)))))
