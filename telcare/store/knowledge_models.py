"""The knowledge base and the call centre's call records."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import BIG_ID, Base

KB_FTS = "kb_fts"
"""SQLite's FTS5 table over ``kb_article.search_text`` of the versions in force (rowid = id);
PostgreSQL searches an expression index on ``to_tsvector('simple', search_text)``."""


def managed_by_migrations(name: str | None, type_: str, parents: object = None) -> bool:
    """For Alembic's ``include_name``: the full-text tables (SQLite) and index (PostgreSQL)
    are made by the migration, not by a model."""
    if name is None:
        return True
    return not ((type_ == "table" and name.startswith(KB_FTS)) or name == "ix_kb_article_fts")


class KbArticle(Base):
    """One version of a knowledge-base article (``slug`` + ``language``); versions are kept."""

    __tablename__ = "kb_article"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(5))
    version: Mapped[int]
    category: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    sms_answer: Mapped[str] = mapped_column(String(300))
    questions: Mapped[list[Any]] = mapped_column(JSON)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10))
    author: Mapped[str] = mapped_column(String(60))
    approver: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]
    search_text: Mapped[str] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("slug", "language", "version"),
        CheckConstraint("status in ('draft','approved','superseded','retired')", name="status"),
        Index("ix_kb_article_status", "status", "language"),
    )


class CallRecord(Base):
    """One call offered to a 10086 agent queue, as the call centre's ACD exported it."""

    __tablename__ = "call_record"
    call_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    province: Mapped[str] = mapped_column(String(3))
    queue: Mapped[str] = mapped_column(String(20))
    offered_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    abandoned_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    agent: Mapped[str | None] = mapped_column(String(40))
    imported_at: Mapped[datetime]
    __table_args__ = (Index("ix_call_record_province_offered", "province", "offered_at"),)
