"""complaints

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applied_event",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_applied_event")),
    )
    op.create_table(
        "outbox_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_event")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_event_id")),
    )
    with op.batch_alter_table("outbox_event", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_event_pending", ["published_at", "id"], unique=False)

    op.create_table(
        "taxonomy_version",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("published_by", sa.String(length=40), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_taxonomy_version")),
    )
    op.create_table(
        "ticket",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("taxonomy_version", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("queue", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("summary", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("related_product", sa.String(length=20), nullable=True),
        sa.Column("related_sp", sa.String(length=20), nullable=True),
        sa.Column("major", sa.Boolean(), nullable=False),
        sa.Column("responsible_unit", sa.String(length=100), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("assigned_unit", sa.String(length=100), nullable=True),
        sa.Column("escalation", sa.Integer(), nullable=False),
        sa.Column("respond_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolve_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.Column("filed_by", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "severity in ('low','normal','high','critical')", name=op.f("ck_ticket_severity")
        ),
        sa.CheckConstraint(
            "status in ('new','acknowledged','inProgress','resolved','closed')",
            name=op.f("ck_ticket_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket")),
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_msisdn"), ["msisdn"], unique=False)
        batch_op.create_index("ix_ticket_province_status", ["province", "status"], unique=False)
        batch_op.create_index("ix_ticket_status_resolve_by", ["status", "resolve_by"], unique=False)

    op.create_table(
        "ticket_attachment",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("ticket_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_ticket_attachment_ticket_id_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_attachment")),
    )
    with op.batch_alter_table("ticket_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_attachment_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "ticket_audit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("ticket_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_ticket_audit_ticket_id_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_audit")),
        sa.UniqueConstraint("ticket_id", "seq", name=op.f("uq_ticket_audit_ticket_id")),
    )
    op.create_table(
        "ticket_note",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("ticket_id", sa.String(length=40), nullable=False),
        sa.Column("author", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_ticket_note_ticket_id_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_note")),
    )
    with op.batch_alter_table("ticket_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_note_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_note_ticket_id"))

    op.drop_table("ticket_note")
    op.drop_table("ticket_audit")
    with op.batch_alter_table("ticket_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_attachment_ticket_id"))

    op.drop_table("ticket_attachment")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_status_resolve_by")
        batch_op.drop_index("ix_ticket_province_status")
        batch_op.drop_index(batch_op.f("ix_ticket_msisdn"))

    op.drop_table("ticket")
    op.drop_table("taxonomy_version")
    with op.batch_alter_table("outbox_event", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_event_pending")

    op.drop_table("outbox_event")
    op.drop_table("applied_event")
