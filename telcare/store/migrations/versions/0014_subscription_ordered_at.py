"""subscription.ordered_at: the time of the order a subscription came from

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25 15:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    column = sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=True)
    op.add_column("subscription", column)


def downgrade() -> None:
    with op.batch_alter_table("subscription") as batch:
        batch.drop_column("ordered_at")
