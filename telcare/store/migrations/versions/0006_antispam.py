"""antispam

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "sp_violation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("access_code", sa.String(length=20), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sp_violation")),
    )
    with op.batch_alter_table("sp_violation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sp_violation_access_code"), ["access_code"], unique=False
        )

    op.create_table(
        "spam_action",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("sender", sa.String(length=21), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spam_action")),
    )
    with op.batch_alter_table("spam_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spam_action_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_spam_action_sender"), ["sender"], unique=False)

    op.create_table(
        "spam_feedback",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("sender", sa.String(length=21), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("label", sa.String(length=4), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spam_feedback")),
    )
    op.create_table(
        "spam_message",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=21), nullable=False),
        sa.Column("recipient", sa.String(length=11), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "action in ('deliver','quarantine','stop')", name=op.f("ck_spam_message_action")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spam_message")),
        sa.UniqueConstraint("message_id", name=op.f("uq_spam_message_message_id")),
    )
    with op.batch_alter_table("spam_message", schema=None) as batch_op:
        batch_op.create_index("ix_spam_message_created", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_spam_message_recipient_action", ["recipient", "action", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_spam_message_recipient_hash", ["recipient", "text_hash"], unique=False
        )

    op.create_table(
        "spam_report",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reporter", sa.String(length=11), nullable=False),
        sa.Column("sender", sa.String(length=21), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status in ('open','handled')", name=op.f("ck_spam_report_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spam_report")),
        sa.UniqueConstraint(
            "reporter", "sender", "text_hash", name=op.f("uq_spam_report_reporter")
        ),
    )
    with op.batch_alter_table("spam_report", schema=None) as batch_op:
        batch_op.create_index(
            "ix_spam_report_sender_created", ["sender", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_spam_report_status_created", ["status", "created_at"], unique=False
        )

    op.create_table(
        "spam_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind in ('allow','number','prefix','keyword')", name=op.f("ck_spam_rule_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spam_rule")),
        sa.UniqueConstraint("msisdn", "kind", "value", name=op.f("uq_spam_rule_msisdn")),
    )
    op.create_table(
        "spam_sender",
        sa.Column("sender", sa.String(length=21), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=True),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("flagged_by", sa.String(length=40), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=40), nullable=True),
        sa.CheckConstraint(
            "status in ('clear','flagged','restricted')", name=op.f("ck_spam_sender_status")
        ),
        sa.PrimaryKeyConstraint("sender", name=op.f("pk_spam_sender")),
    )
    op.create_table(
        "spam_setting",
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("sensitivity", sa.String(length=10), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "sensitivity in ('strict','normal','off')", name=op.f("ck_spam_setting_sensitivity")
        ),
        sa.PrimaryKeyConstraint("msisdn", name=op.f("pk_spam_setting")),
    )


def downgrade() -> None:

    op.drop_table("spam_setting")
    op.drop_table("spam_sender")
    op.drop_table("spam_rule")
    with op.batch_alter_table("spam_report", schema=None) as batch_op:
        batch_op.drop_index("ix_spam_report_status_created")
        batch_op.drop_index("ix_spam_report_sender_created")

    op.drop_table("spam_report")
    with op.batch_alter_table("spam_message", schema=None) as batch_op:
        batch_op.drop_index("ix_spam_message_recipient_hash")
        batch_op.drop_index("ix_spam_message_recipient_action")
        batch_op.drop_index("ix_spam_message_created")

    op.drop_table("spam_message")
    op.drop_table("spam_feedback")
    with op.batch_alter_table("spam_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spam_action_sender"))
        batch_op.drop_index(batch_op.f("ix_spam_action_created_at"))

    op.drop_table("spam_action")
    with op.batch_alter_table("sp_violation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sp_violation_access_code"))

    op.drop_table("sp_violation")
