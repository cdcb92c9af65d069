"""outbox

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "outbound_sms",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=False),
        sa.Column("sender", sa.String(length=21), nullable=False),
        sa.Column("recipient", sa.String(length=21), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_sms")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbound_sms_dedupe_key")),
    )
    with op.batch_alter_table("outbound_sms", schema=None) as batch_op:
        batch_op.create_index("ix_outbound_sms_due", ["sent_at", "not_before"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("outbound_sms", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_sms_due")

    op.drop_table("outbound_sms")
