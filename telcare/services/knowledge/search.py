"""Full-text search over the articles in force, and the answer an SMS question gets."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import text

from telcare import clock
from telcare.domain import knowledge as kb
from telcare.services.knowledge import segment
from telcare.services.knowledge.index import is_postgresql
from telcare.store.knowledge_models import KB_FTS
from telcare.store.uow import Database

_COLUMNS = (
    "a.id, a.slug, a.language, a.version, a.category, a.title, a.body, a.sms_answer, "
    "a.questions, a.valid_from, a.valid_to, a.search_text"
)
_IN_FORCE = (
    "a.status = 'approved' AND a.language = :lang "
    "AND (a.valid_from IS NULL OR a.valid_from <= :day) "
    "AND (a.valid_to IS NULL OR a.valid_to > :day)"
)
_SQLITE = (
    f"SELECT {_COLUMNS}, bm25({KB_FTS}) AS rank FROM {KB_FTS} "
    f"JOIN kb_article a ON a.id = {KB_FTS}.rowid "
    f"WHERE {KB_FTS} MATCH :q AND {_IN_FORCE} ORDER BY rank LIMIT :n"
)
_POSTGRESQL = (
    f"SELECT {_COLUMNS}, -ts_rank(to_tsvector('simple', a.search_text), q) AS rank "
    "FROM kb_article a, websearch_to_tsquery('simple', :q) q "
    f"WHERE to_tsvector('simple', a.search_text) @@ q AND {_IN_FORCE} ORDER BY rank LIMIT :n"
)


def language_of(subscriber_language: str) -> str:
    """The article language for a subscriber's language (``en`` or Chinese)."""
    return "en" if subscriber_language.lower().startswith("en") else "zh-CN"


def search(
    db: Database, query: str, language: str = "zh-CN", *, day: date | None = None, limit: int = 5
) -> list[kb.Hit]:
    """The articles in force on ``day`` that match ``query``, best first.

    Ranked by how much of the question they cover, then by the engine's relevance.
    """
    asked = segment.words(query)
    if not asked or language not in kb.LANGUAGES:
        return []
    params = {"lang": language, "day": day or clock.today(), "n": max(1, min(limit, 50))}
    with db.uow() as uow:
        s = uow.session
        if is_postgresql(s):
            sql, q = _POSTGRESQL, " or ".join(w.replace('"', " ") for w in asked)
        else:
            sql, q = _SQLITE, " OR ".join('"' + w.replace('"', '""') + '"' for w in asked)
        rows = s.execute(text(sql), {**params, "q": q}).mappings().all()
    hits = [
        kb.Hit(
            kb.Article(
                slug=r["slug"],
                language=r["language"],
                category=r["category"],
                title=r["title"],
                body=r["body"],
                sms_answer=r["sms_answer"],
                questions=tuple(_questions(r["questions"])),
                valid_from=r["valid_from"],
                valid_to=r["valid_to"],
            ),
            r["version"],
            float(r["rank"]),
            kb.confidence(asked, r["search_text"].split()),
        )
        for r in rows
    ]
    return sorted(hits, key=lambda h: (-h.confidence, h.rank))


def _questions(value: object) -> list[str]:
    if isinstance(value, str):  # raw SQL on SQLite hands JSON back as text
        value = json.loads(value)
    return [str(q) for q in value] if isinstance(value, list) else []


def answer(db: Database, question: str, language: str = "zh-CN") -> kb.Hit | None:
    """The one article that answers ``question`` by itself, or None (then: the help menu)."""
    hits = search(db, question, language, limit=5)
    if hits and hits[0].confidence >= kb.MIN_CONFIDENCE:
        return hits[0]
    return None
