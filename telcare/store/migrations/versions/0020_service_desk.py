"""service desk: knowledge base (kb_article, full-text search), call-centre call records,
online chats (chat_session, chat_message)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "kb_article",
        sa.Column("id", _BIGID, nullable=False),
        sa.Column("slug", sa.String(60), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sms_answer", sa.String(300), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("author", sa.String(60), nullable=False),
        sa.Column("approver", sa.String(60), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status in ('draft','approved','superseded','retired')",
            name=op.f("ck_kb_article_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_article")),
        sa.UniqueConstraint("slug", "language", "version", name=op.f("uq_kb_article_slug")),
    )
    op.create_index("ix_kb_article_status", "kb_article", ["status", "language"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_kb_article_fts ON kb_article "
            "USING gin (to_tsvector('simple', search_text))"
        )
    else:
        op.execute("CREATE VIRTUAL TABLE kb_fts USING fts5(search_text, tokenize='unicode61')")
    op.create_table(
        "call_record",
        sa.Column("call_id", sa.String(40), nullable=False),
        sa.Column("province", sa.String(3), nullable=False),
        sa.Column("queue", sa.String(20), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("abandoned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("agent", sa.String(40), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_call_record")),
    )
    op.create_index("ix_call_record_province_offered", "call_record", ["province", "offered_at"])
    op.create_table(
        "chat_session",
        sa.Column("id", _BIGID, nullable=False),
        sa.Column("msisdn", sa.String(20), nullable=False),
        sa.Column("province", sa.String(3), nullable=False),
        sa.Column("queue", sa.String(10), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("agent", sa.String(40), nullable=True),
        sa.Column("bot_misses", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_session")),
    )
    op.create_index("ix_chat_session_msisdn", "chat_session", ["msisdn"])
    op.create_index("ix_chat_session_queue", "chat_session", ["state", "province", "queued_at"])
    op.create_table(
        "chat_message",
        sa.Column("session_id", _BIGID, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("author", sa.String(40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["chat_session.id"],
            name=op.f("fk_chat_message_session_id_chat_session"),
        ),
        sa.PrimaryKeyConstraint("session_id", "seq", name=op.f("pk_chat_message")),
    )


def downgrade() -> None:
    op.drop_table("chat_message")
    op.drop_index("ix_chat_session_queue", table_name="chat_session")
    op.drop_index("ix_chat_session_msisdn", table_name="chat_session")
    op.drop_table("chat_session")
    op.drop_index("ix_call_record_province_offered", table_name="call_record")
    op.drop_table("call_record")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_kb_article_fts")
    else:
        op.execute("DROP TABLE kb_fts")
    op.drop_index("ix_kb_article_status", table_name="kb_article")
    op.drop_table("kb_article")
