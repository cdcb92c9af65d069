"""Chinese features compared: jieba word tokens vs character n-grams (documentation aid)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from telcare.antispam.features import _punct_table
from telcare.antispam.text import normalize
from telcare.antispam.training import Metrics, compute_metrics, load_tsv


def _tfidf(analyzer: str, ngrams: tuple[int, int]) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=ngrams,
        token_pattern=r"\S+" if analyzer == "word" else None,
        lowercase=False,
        sublinear_tf=True,
        min_df=2,
    )


def compare_zh_tokenizers(
    path: str | Path,
    folds: int = 5,
    strip_punct: bool = True,
    step: Callable[[str], None] | None = None,
) -> dict[str, Metrics]:
    """CV metrics of TF-IDF + LinearSVC(C=1) with char n-grams vs jieba tokens."""
    import jieba

    jieba.setLogLevel(60)
    texts, y = load_tsv(path)
    table = _punct_table() if strip_punct else {}
    norm = [normalize(t).translate(table) for t in texts]
    words = [" ".join(jieba.lcut(t)) for t in norm]
    variants = {
        "char 1-2": (_tfidf("char", (1, 2)), norm),
        "char 1-3": (_tfidf("char", (1, 3)), norm),
        "jieba 1": (_tfidf("word", (1, 1)), words),
        "jieba 1-2": (_tfidf("word", (1, 2)), words),
    }
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    results: dict[str, Metrics] = {}
    for name, (vec, docs) in variants.items():
        if step:
            step(name)
        pipe = make_pipeline(vec, LinearSVC(C=1.0))
        margins = cross_val_predict(
            pipe, np.asarray(docs, dtype=object), y, cv=cv, method="decision_function"
        )
        results[name] = compute_metrics(y, margins > 0)
    return results
