"""card_attempt: wrong recharge-card PINs per card number and operator day

Revision ID: 0017
Revises: 0015
Create Date: 2026-11-26 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card_attempt",
        sa.Column("card", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("card", "day", name=op.f("pk_card_attempt")),
    )


def downgrade() -> None:
    op.drop_table("card_attempt")
