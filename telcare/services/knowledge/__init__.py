"""The knowledge base: versioned articles and their full-text search.

- :mod:`.articles`: drafts, four-eyes approval, retirement, the built-in articles
  (``builtin_articles.yaml`` beside it)
- :mod:`.search`: full-text search (SQLite FTS5 / PostgreSQL) and the SMS answer
"""

from telcare.services.knowledge.articles import (
    ArticleVersion,
    approve,
    ensure_builtin,
    retire,
    versions,
    write_draft,
)
from telcare.services.knowledge.search import answer, search

__all__ = [
    "ArticleVersion",
    "answer",
    "approve",
    "ensure_builtin",
    "retire",
    "search",
    "versions",
    "write_draft",
]
