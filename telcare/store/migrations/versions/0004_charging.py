"""charging

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("lines", sa.BigInteger(), nullable=False),
        sa.Column("rated", sa.BigInteger(), nullable=False),
        sa.Column("duplicates", sa.BigInteger(), nullable=False),
        sa.Column("rejected", sa.BigInteger(), nullable=False),
        sa.Column("charged_fen", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status in ('running','done')", name=op.f("ck_ingest_job_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_job")),
    )
    with op.batch_alter_table("ingest_job", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ingest_job_fingerprint"), ["fingerprint"], unique=False
        )

    op.create_table(
        "usage_record",
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("service", sa.String(length=5), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("volume", sa.BigInteger(), nullable=False),
        sa.Column("roaming", sa.Boolean(), nullable=False),
        sa.Column("peer", sa.String(length=32), nullable=False),
        sa.Column("units", sa.BigInteger(), nullable=False),
        sa.Column("covered", sa.BigInteger(), nullable=False),
        sa.Column("charge_ufen", sa.BigInteger(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_usage_record")),
    )
    op.create_table(
        "data_reminder_sent",
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("threshold", sa.String(length=40), nullable=False),
        sa.Column("sent", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscriber.id"],
            name=op.f("fk_data_reminder_sent_subscriber_id_subscriber"),
        ),
        sa.PrimaryKeyConstraint(
            "subscriber_id", "month", "threshold", name=op.f("pk_data_reminder_sent")
        ),
    )
    op.create_table(
        "usage_day",
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("data_kb", sa.BigInteger(), nullable=False),
        sa.Column("voice_min", sa.BigInteger(), nullable=False),
        sa.Column("sms", sa.BigInteger(), nullable=False),
        sa.Column("data_ufen", sa.BigInteger(), nullable=False),
        sa.Column("voice_ufen", sa.BigInteger(), nullable=False),
        sa.Column("sms_ufen", sa.BigInteger(), nullable=False),
        sa.Column("charged_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"], ["subscriber.id"], name=op.f("fk_usage_day_subscriber_id_subscriber")
        ),
        sa.PrimaryKeyConstraint("subscriber_id", "day", name=op.f("pk_usage_day")),
    )
    op.create_table(
        "allowance_usage",
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("data_kb", sa.BigInteger(), nullable=False),
        sa.Column("voice_min", sa.BigInteger(), nullable=False),
        sa.Column("sms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscription.id"],
            name=op.f("fk_allowance_usage_subscription_id_subscription"),
        ),
        sa.PrimaryKeyConstraint("subscription_id", "period", name=op.f("pk_allowance_usage")),
    )


def downgrade() -> None:
    op.drop_table("allowance_usage")
    op.drop_table("usage_day")
    op.drop_table("data_reminder_sent")
    op.drop_table("usage_record")
    with op.batch_alter_table("ingest_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ingest_job_fingerprint"))

    op.drop_table("ingest_job")
