"""MT state of notifications: outbound_sms.status (queued → sending → submitted →
delivered / failed), its claim, attempts, SMSC message id and error; outbound_sms_part maps
the SMSC's message ids to rows for delivery receipts; ingest_job.status 'failed' with its
error (a run stopped by an error, resumed by the next)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_STATUS = "status in ('queued','sending','submitted','delivered','failed')"


def upgrade() -> None:
    with op.batch_alter_table("outbound_sms") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=10), server_default="queued", nullable=False)
        )
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("claimed_by", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("smsc_message_id", sa.String(length=65), nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("done_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_check_constraint(op.f("ck_outbound_sms_status"), _STATUS)
        batch.create_index("ix_outbound_sms_status", ["status", "not_before"], unique=False)
    # rows handed to the link before this revision count as submitted
    op.execute("UPDATE outbound_sms SET status = 'submitted' WHERE sent_at IS NOT NULL")
    op.create_table(
        "outbound_sms_part",
        sa.Column("message_id", sa.String(length=65), nullable=False),
        sa.Column("outbound_sms_id", _BIGID, nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("receipt", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["outbound_sms_id"],
            ["outbound_sms.id"],
            name=op.f("fk_outbound_sms_part_outbound_sms_id_outbound_sms"),
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_outbound_sms_part")),
    )
    op.create_index("ix_outbound_sms_part_row", "outbound_sms_part", ["outbound_sms_id"])
    with op.batch_alter_table("ingest_job") as batch:
        batch.add_column(sa.Column("error", sa.String(length=500), nullable=True))
        batch.drop_constraint(op.f("ck_ingest_job_status"), type_="check")
        batch.create_check_constraint(
            op.f("ck_ingest_job_status"), "status in ('running','done','failed')"
        )


def downgrade() -> None:
    op.execute("UPDATE ingest_job SET status = 'running' WHERE status = 'failed'")
    with op.batch_alter_table("ingest_job") as batch:
        batch.drop_constraint(op.f("ck_ingest_job_status"), type_="check")
        batch.create_check_constraint(op.f("ck_ingest_job_status"), "status in ('running','done')")
        batch.drop_column("error")
    op.drop_index("ix_outbound_sms_part_row", table_name="outbound_sms_part")
    op.drop_table("outbound_sms_part")
    with op.batch_alter_table("outbound_sms") as batch:
        batch.drop_index("ix_outbound_sms_status")
        batch.drop_constraint(op.f("ck_outbound_sms_status"), type_="check")
        for column in (
            "done_at",
            "last_error",
            "smsc_message_id",
            "claimed_at",
            "claimed_by",
            "attempts",
            "status",
        ):
            batch.drop_column(column)
