"""the monthly cycle: job_run (one row per periodic job and period), renewal (one row per
subscription and month renewed) and product.first_month (the first month's terms)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("product") as batch:
        batch.add_column(
            sa.Column("first_month", sa.String(10), server_default="full", nullable=False)
        )
    op.execute("UPDATE product SET first_month = 'prorated' WHERE code IN ('QQT88', 'WLT')")
    op.create_table(
        "job_run",
        sa.Column("id", _BIGID, primary_key=True),
        sa.Column("job", sa.String(40), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("owner", sa.String(80), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.UniqueConstraint("job", "period", name="uq_job_run_job_period"),
        sa.CheckConstraint("status in ('running','done','failed')", name="ck_job_run_status"),
    )
    op.create_table(
        "renewal",
        sa.Column(
            "subscription_id", sa.Integer(), sa.ForeignKey("subscription.id"), primary_key=True
        ),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("subscriber_id", sa.Integer(), sa.ForeignKey("subscriber.id"), nullable=False),
        sa.Column("product_code", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("fee_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("outcome in ('charged','free','lapsed')", name="ck_renewal_outcome"),
    )
    op.create_index("ix_renewal_subscriber_month", "renewal", ["subscriber_id", "month"])


def downgrade() -> None:
    op.drop_index("ix_renewal_subscriber_month", "renewal")
    op.drop_table("renewal")
    op.drop_table("job_run")
    with op.batch_alter_table("product") as batch:
        batch.drop_column("first_month")
