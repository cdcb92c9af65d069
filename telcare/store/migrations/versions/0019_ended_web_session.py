"""ended_web_session: page sessions ended on the server at logout

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ended_web_session",
        sa.Column("sid", sa.String(64), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sid", name=op.f("pk_ended_web_session")),
    )
    op.create_index("ix_ended_web_session_ended_at", "ended_web_session", ["ended_at"])


def downgrade() -> None:
    op.drop_index("ix_ended_web_session_ended_at", table_name="ended_web_session")
    op.drop_table("ended_web_session")
