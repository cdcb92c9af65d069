"""logins and tokens: token_version on staff, SP and merchant accounts, staff_user.active,
the login_attempt throttle table and the append-only audit_log

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    for table in ("staff_user", "sp_login", "merchant"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("token_version", sa.Integer(), server_default="0", nullable=False)
            )
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(
            sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        "login_attempt",
        sa.Column("id", _BIGID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("account", sa.String(60), nullable=False),
        sa.Column("address", sa.String(60), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.CheckConstraint(
            "outcome in ('failed','ok','sent','unlocked')", name=op.f("ck_login_attempt_outcome")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    op.create_index("ix_login_attempt_account", "login_attempt", ["kind", "account", "at"])
    op.create_index("ix_login_attempt_address", "login_attempt", ["address", "at"])
    op.create_table(
        "audit_log",
        sa.Column("id", _BIGID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("address", sa.String(60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_kind_at", "audit_log", ["kind", "at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("login_attempt")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("active")
    for table in ("merchant", "sp_login", "staff_user"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("token_version")
