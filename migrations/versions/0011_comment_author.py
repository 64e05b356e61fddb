"""work-order comments: who wrote each one

Revision ID: 0011
Revises: 0007
Create Date: 2026-11-21 18:05:00

The sync engine now records who added an event (PROTOCOL.md §4, "by"); comments keep it in
this column (photos already had `taken_by`). Comments written before have no author.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("work_order_comments") as batch:
        batch.add_column(sa.Column("author_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("work_order_comments") as batch:
        batch.drop_column("author_id")
