"""A photo belongs to one record (work order, inspection item) and one phase, at one site.

It may exist before its bytes arrive (`pending_blob`) and becomes `present` when the blob's
upload completes. Capture time and location are metadata here, never inside the stored file.

Photos are append-only EVENTS of their record (sync/PROTOCOL.md §4): one row per photo event,
`id` = the event id, `hlc` its clock; a removal is a tombstone (`state` "removed",
`removed_hlc`), and a removal that overtook its addition is a row without data (NULL hash,
phase and time) until the addition fills it in.
"""

from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, Index, Select, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, new_id, utcnow

PHASES = ("before", "during", "after", "other")
STATES = ("pending_blob", "present", "removed")


class Photo(Base):
    __tablename__ = "photos"
    __table_args__ = (Index("ix_photos_record", "record_kind", "record_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    blob_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    record_kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(64))
    phase: Mapped[str | None] = mapped_column(String(10))
    captured_at: Mapped[datetime | None]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    item: Mapped[str | None] = mapped_column(String(64))  # the checklist item (inspections)
    asset_code: Mapped[str | None] = mapped_column(String(64))
    asset_name: Mapped[str | None] = mapped_column(String(200))
    # NULL for photos written by a sync push: the taker is the user of the client id that is
    # the node of `hlc` (sync_clients), see photos.service.taker_of.
    taken_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(14))  # pending_blob | present | removed
    hlc: Mapped[str | None] = mapped_column(String(100))
    removed_hlc: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def in_scope(cls, site_ids: Select) -> ColumnElement[bool]:
        return cls.site_id.in_(site_ids)
