"""The full-text index of the versions in force: SQLite FTS5 rows, or PostgreSQL's
expression index (which needs no upkeep)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from telcare.store.knowledge_models import KB_FTS


def is_postgresql(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def index_add(s: Session, article_id: int, search_text: str) -> None:
    """Index a version put in force."""
    if not is_postgresql(s):
        s.execute(
            text(f"INSERT INTO {KB_FTS}(rowid, search_text) VALUES (:id, :t)"),
            {"id": article_id, "t": search_text},
        )


def index_remove(s: Session, article_id: int) -> None:
    """Take a superseded or retired version out of the index."""
    if not is_postgresql(s):
        s.execute(text(f"DELETE FROM {KB_FTS} WHERE rowid = :id"), {"id": article_id})
