"""photo events: photos rows become the work orders' / inspections' photo events

Revision ID: 0009
Revises: 0004
Create Date: 2026-11-21 12:25:55.302912

One row per photo event (id = the client's event id, up to 64 characters), with its clock
and tombstone; a removal that arrives before its addition is a row without data, so the
hash, phase and time become nullable; sync-written rows name their taker through the clock.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.db

revision: str = "0009"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("item", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hlc", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("removed_hlc", sa.String(length=100), nullable=True))
        batch_op.alter_column(
            "id", existing_type=sa.String(length=36), type_=sa.String(length=64), existing_nullable=False
        )
        batch_op.alter_column("blob_sha256", existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column("phase", existing_type=sa.String(length=10), nullable=True)
        batch_op.alter_column("captured_at", existing_type=backend.db.UTCDateTime(), nullable=True)
        batch_op.alter_column("taken_by", existing_type=sa.String(length=36), nullable=True)


def downgrade() -> None:
    # Rows without data (removals that overtook their additions) have no form in 0004.
    op.execute("DELETE FROM photos WHERE blob_sha256 IS NULL OR taken_by IS NULL")
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.alter_column("taken_by", existing_type=sa.String(length=36), nullable=False)
        batch_op.alter_column("captured_at", existing_type=backend.db.UTCDateTime(), nullable=False)
        batch_op.alter_column("phase", existing_type=sa.String(length=10), nullable=False)
        batch_op.alter_column("blob_sha256", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column(
            "id", existing_type=sa.String(length=64), type_=sa.String(length=36), existing_nullable=False
        )
        batch_op.drop_column("removed_hlc")
        batch_op.drop_column("hlc")
        batch_op.drop_column("item")
