"""signed records: index on record_hash

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21 16:02:00

The public verify page (GET /api/verify/{record_hash}, the QR on the paper forms) looks a
chain entry up by its record hash; without an index every lookup scanned the chain.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_signed_records_record_hash", "signed_records", ["record_hash"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_signed_records_record_hash", table_name="signed_records")
