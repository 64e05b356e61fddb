"""A blob row per content hash: an unfinished upload (`uploading`) or accepted bytes (`present`).

While uploading, the row points to `uploads/<sha256>.part`; once present, to its three clean
renditions under `blobs/` (each named by its own SHA-256). The original bytes are not kept: they
carry EXIF/GPS/XMP; the identity hash was verified before the renditions were made.
"""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, utcnow


class Blob(Base):
    __tablename__ = "blobs"
    # Offset updates per chunk would flood the audit log; creation, completion and rejection
    # are recorded explicitly by the service.
    __audited__ = False

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    length: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(12))  # uploading | present
    received: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    # Filled when present: the renditions' media type, hashes and the full size in pixels.
    rendition_type: Mapped[str | None] = mapped_column(String(20))
    full_sha256: Mapped[str | None] = mapped_column(String(64))
    display_sha256: Mapped[str | None] = mapped_column(String(64))
    thumb_sha256: Mapped[str | None] = mapped_column(String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]

    def rendition(self, name: str) -> str | None:
        return {"full": self.full_sha256, "display": self.display_sha256, "thumb": self.thumb_sha256}[name]
