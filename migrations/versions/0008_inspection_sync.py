"""inspection sync: merge version and merge meta (clocks, answer events) on inspection_records

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-21 12:40:00

Inspection records become a syncable entity (sync/entities.py INSPECTION). The answer events
and per-field clocks live in `merge_meta` (JSON); photo events are rows of `photos`. Records
made before this revision have no events: the sync store reads their stored `answers` as one
answer event per item (backend/inspections/sync_records.py), so nothing needs converting here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inspection_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("merge_meta", sa.JSON(), server_default="{}", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("inspection_records", schema=None) as batch_op:
        batch_op.drop_column("merge_meta")
        batch_op.drop_column("version")
