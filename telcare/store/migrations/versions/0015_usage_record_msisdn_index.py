"""usage_record: an index on msisdn, for a subscriber's itemised usage (TMF635)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-25 18:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_usage_record_msisdn", "usage_record", ["msisdn"])


def downgrade() -> None:
    op.drop_index("ix_usage_record_msisdn", table_name="usage_record")
