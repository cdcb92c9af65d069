"""Vectorised hashed n-gram features (a fast, stateless HashingVectorizer).

Texts are concatenated into one code-point array with start/end markers per
message; n-gram and word hashes are computed with numpy in one pass for the
whole batch, so featurising costs a few microseconds per message.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

_P = np.uint64(1099511628211)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_START, _END = "\x02", "\x03"


@dataclass(frozen=True)
class FeatureSpec:
    """Which features to hash and into how many buckets (2**bits)."""

    char_min: int = 1
    char_max: int = 3
    word_max: int = 0
    bits: int = 20
    strip_punct: int = 0
    """1: drop punctuation and spaces first (the zh corpus's ham has none, spam has plenty)."""

    def as_dict(self) -> dict[str, int]:
        return {
            "char_min": self.char_min,
            "char_max": self.char_max,
            "word_max": self.word_max,
            "bits": self.bits,
            "strip_punct": self.strip_punct,
        }


@functools.cache
def _punct_table() -> dict[int, None]:
    """``str.translate`` table deleting BMP punctuation (P*) and separators (Z*)."""
    return {i: None for i in range(0x10000) if unicodedata.category(chr(i))[0] in "PZ"}


def _word_mask(c: np.ndarray) -> np.ndarray:
    """True for code points that belong to a word (ASCII alnum, ', or non-ASCII letters)."""
    ascii_word = ((c >= 97) & (c <= 122)) | ((c >= 48) & (c <= 57)) | (c == 39)
    other = (c >= 0xC0) & ~((c >= 0x2000) & (c <= 0x206F)) & ~((c >= 0x3000) & (c <= 0x303F))
    return ascii_word | other


def _bucket(h: np.ndarray, salt: int, bits: int) -> np.ndarray:
    h = (h ^ np.uint64(salt * 0x632BE59BD9B4E019 & 0xFFFFFFFFFFFFFFFF)) * _MIX
    return (h >> np.uint64(64 - bits)).astype(np.int64)


def hashed_counts(texts: Sequence[str], spec: FeatureSpec) -> tuple[np.ndarray, ...]:
    """Return ``(rows, cols, counts)`` of distinct (message, bucket) pairs."""
    n_docs = len(texts)
    if spec.strip_punct:
        table = _punct_table()
        texts = [t.translate(table) for t in texts]
    joined = "".join(f"{_START}{t}{_END}" for t in texts)
    raw = joined.encode("utf-32-le", "surrogatepass")
    c = np.frombuffer(raw, dtype=np.uint32).astype(np.uint64)
    lens = np.fromiter((len(t) + 2 for t in texts), dtype=np.int64, count=n_docs)
    doc = np.repeat(np.arange(n_docs, dtype=np.int64), lens)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    total = len(c)
    for n in range(spec.char_min, spec.char_max + 1):
        m = total - n + 1
        if m <= 0:
            continue
        h = c[:m].copy()
        for k in range(1, n):
            h = h * _P + c[k : k + m]
        ok = doc[:m] == doc[n - 1 : n - 1 + m]
        rows.append(doc[:m][ok])
        cols.append(_bucket(h[ok], n, spec.bits))
    if spec.word_max:
        _add_words(c, doc, spec, rows, cols)
    key = np.concatenate(rows) << np.int64(spec.bits) | np.concatenate(cols)
    if n_docs << spec.bits <= 1 << 32:  # half the bytes to sort
        key = key.astype(np.uint32)
    uniq, counts = np.unique(key, return_counts=True)
    uniq = uniq.astype(np.int64, copy=False)
    mask = np.int64((1 << spec.bits) - 1)
    return uniq >> np.int64(spec.bits), uniq & mask, counts


def _add_words(
    c: np.ndarray,
    doc: np.ndarray,
    spec: FeatureSpec,
    rows: list[np.ndarray],
    cols: list[np.ndarray],
) -> None:
    """Append word unigram (and bigram, if word_max >= 2) hashes."""
    inside = _word_mask(c)
    edge = np.diff(np.concatenate(([False], inside, [False])).astype(np.int8))
    starts = np.flatnonzero(edge == 1)
    ends = np.flatnonzero(edge == -1)
    if not len(starts):
        return
    # Polynomial prefix hash; P is odd, hence invertible modulo 2**64.
    pinv = np.uint64(pow(int(_P), -1, 1 << 64))
    n = len(c)
    pw = np.cumprod(np.concatenate(([np.uint64(1)], np.full(n, _P, dtype=np.uint64))))
    ipw = np.cumprod(np.concatenate(([np.uint64(1)], np.full(n, pinv, dtype=np.uint64))))
    pre = np.concatenate(([np.uint64(0)], np.cumsum(c * pw[:n])))
    wh = (pre[ends] - pre[starts]) * ipw[starts]
    wdoc = doc[starts]
    rows.append(wdoc)
    cols.append(_bucket(wh, 101, spec.bits))
    if spec.word_max >= 2 and len(wh) > 1:
        ok = wdoc[:-1] == wdoc[1:]
        rows.append(wdoc[:-1][ok])
        cols.append(_bucket(wh[:-1][ok] * _P + wh[1:][ok] * _MIX, 102, spec.bits))


def document_frequency(texts: Sequence[str], spec: FeatureSpec) -> np.ndarray:
    """Number of messages in which each bucket occurs."""
    _, cols, _ = hashed_counts(texts, spec)
    return np.bincount(cols, minlength=1 << spec.bits)


def idf_weights(df: np.ndarray, n_docs: int, min_df: int = 2) -> np.ndarray:
    """Smoothed idf as in scikit-learn; buckets seen in fewer than ``min_df`` messages get 0."""
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    idf[df < min_df] = 0.0
    return idf.astype(np.float32)


def weighted(
    texts: Sequence[str], spec: FeatureSpec, idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sublinear-tf x idf weights, L2-normalised per message: ``(rows, cols, values)``."""
    rows, cols, counts = hashed_counts(texts, spec)
    vals = (1.0 + np.log(counts)) * idf[cols]
    norm = np.sqrt(np.bincount(rows, vals * vals, minlength=len(texts)))
    norm[norm == 0] = 1.0
    return rows, cols, vals / norm[rows]


def matrix(texts: Sequence[str], spec: FeatureSpec, idf: np.ndarray) -> sp.csr_matrix:
    """TF-IDF matrix of ``texts`` (for training)."""
    rows, cols, vals = weighted(texts, spec, idf)
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), 1 << spec.bits))


def decision(
    texts: Sequence[str], spec: FeatureSpec, idf: np.ndarray, coef: np.ndarray, intercept: float
) -> np.ndarray:
    """Linear decision values without building a sparse matrix."""
    if not texts:
        return np.zeros(0)
    rows, cols, vals = weighted(texts, spec, idf)
    return np.bincount(rows, vals * coef[cols], minlength=len(texts)) + intercept
