"""SMS firewall: person-to-person messages carry a kind and a MinHash signature, an index on
(sender, created_at) for sender standing, and the registered enterprise senders

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("spam_message") as batch:
        batch.add_column(sa.Column("p2p", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("minhash", sa.LargeBinary(), nullable=True))
        batch.create_index("ix_spam_message_sender_created", ["sender", "created_at"])
    op.create_table(
        "spam_enterprise_sender",
        sa.Column("sender", sa.String(21), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("sender", name=op.f("pk_spam_enterprise_sender")),
    )


def downgrade() -> None:
    op.drop_table("spam_enterprise_sender")
    with op.batch_alter_table("spam_message") as batch:
        batch.drop_index("ix_spam_message_sender_created")
        batch.drop_column("minhash")
        batch.drop_column("p2p")
