"""Word segmentation for the knowledge base: jieba for Chinese, the same for texts and questions."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from telcare.domain import knowledge as kb


@lru_cache(maxsize=1)
def _jieba() -> Any:
    # jieba loads its dictionary on import (about a second): only when first needed
    import jieba  # type: ignore[import-untyped]

    jieba.setLogLevel(logging.WARNING)
    return jieba


def words(text: str) -> list[str]:
    """The meaningful words of ``text`` (search-engine mode: long words and their parts)."""
    return kb.words(_jieba().lcut_for_search(text))


def index_text(article: kb.Article) -> str:
    """What the full-text engine indexes for ``article``: title, questions and body."""
    text = "\n".join((article.title, *article.questions, article.body))
    return kb.index_text(_jieba().lcut_for_search(text))
