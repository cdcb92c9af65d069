"""surveys

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "club_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_club_event")),
    )
    op.create_table(
        "club_member",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_club_member")),
        sa.UniqueConstraint("msisdn", name=op.f("uq_club_member_msisdn")),
    )
    op.create_table(
        "opinion_campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opinion_campaign")),
        sa.UniqueConstraint("code", name=op.f("uq_opinion_campaign_code")),
    )
    op.create_table(
        "survey",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=False),
        sa.Column("trigger", sa.String(length=10), nullable=False),
        sa.Column("via", sa.String(length=3), nullable=False),
        sa.Column("shop_code", sa.String(length=20), nullable=True),
        sa.Column("template_code", sa.String(length=30), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("ticket_id", sa.String(length=40), nullable=True),
        sa.CheckConstraint(
            "status in ('open','answered','expired')", name=op.f("ck_survey_status")
        ),
        sa.CheckConstraint("via in ('sms','web')", name=op.f("ck_survey_via")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey")),
    )
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.create_index("ix_survey_msisdn_sent", ["msisdn", "sent_at"], unique=False)
        batch_op.create_index("ix_survey_status_expires", ["status", "expires_at"], unique=False)

    op.create_table(
        "survey_template",
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("owner", sa.String(length=2), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_survey_template")),
    )
    op.create_table(
        "club_attendance",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["club_event.id"], name=op.f("fk_club_attendance_event_id_club_event")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["club_member.id"], name=op.f("fk_club_attendance_member_id_club_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_club_attendance")),
        sa.UniqueConstraint("event_id", "member_id", name=op.f("uq_club_attendance_event_id")),
    )
    op.create_table(
        "opinion_submission",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moderated_by", sa.String(length=40), nullable=True),
        sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind in ('opinion','essay')", name=op.f("ck_opinion_submission_kind")),
        sa.CheckConstraint(
            "state in ('pending','approved','rejected','featured')",
            name=op.f("ck_opinion_submission_state"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["opinion_campaign.id"],
            name=op.f("fk_opinion_submission_campaign_id_opinion_campaign"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opinion_submission")),
    )
    with op.batch_alter_table("opinion_submission", schema=None) as batch_op:
        batch_op.create_index(
            "ix_opinion_submission_campaign_kind", ["campaign_id", "kind"], unique=False
        )

    op.create_table(
        "survey_contact",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source_key", sa.String(length=120), nullable=False),
        sa.Column("trigger", sa.String(length=10), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=False),
        sa.Column("shop_code", sa.String(length=20), nullable=True),
        sa.Column("agent", sa.String(length=40), nullable=True),
        sa.Column("ref", sa.String(length=60), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("survey_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_survey_contact_survey_id_survey")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_contact")),
        sa.UniqueConstraint("source_key", name=op.f("uq_survey_contact_source_key")),
    )
    with op.batch_alter_table("survey_contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_contact_msisdn"), ["msisdn"], unique=False)

    op.create_table(
        "survey_reply",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("survey_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_survey_reply_survey_id_survey")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_reply")),
    )
    with op.batch_alter_table("survey_reply", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_reply_msisdn"), ["msisdn"], unique=False)

    op.create_table(
        "survey_response",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "survey_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("question_id", sa.String(length=20), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_survey_response_survey_id_survey")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response")),
        sa.UniqueConstraint("survey_id", "question_id", name=op.f("uq_survey_response_survey_id")),
    )
    op.create_table(
        "survey_template_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_code", sa.String(length=30), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_code"],
            ["survey_template.code"],
            name=op.f("fk_survey_template_version_template_code_survey_template"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_template_version")),
        sa.UniqueConstraint(
            "template_code", "version", name=op.f("uq_survey_template_version_template_code")
        ),
    )


def downgrade() -> None:
    op.drop_table("survey_template_version")
    op.drop_table("survey_response")
    with op.batch_alter_table("survey_reply", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_reply_msisdn"))

    op.drop_table("survey_reply")
    with op.batch_alter_table("survey_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_contact_msisdn"))

    op.drop_table("survey_contact")
    with op.batch_alter_table("opinion_submission", schema=None) as batch_op:
        batch_op.drop_index("ix_opinion_submission_campaign_kind")

    op.drop_table("opinion_submission")
    op.drop_table("club_attendance")
    op.drop_table("survey_template")
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_status_expires")
        batch_op.drop_index("ix_survey_msisdn_sent")

    op.drop_table("survey")
    op.drop_table("opinion_campaign")
    op.drop_table("club_member")
    op.drop_table("club_event")
