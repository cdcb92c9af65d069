"""Text normalisation and a cheap language router for SMS."""

from __future__ import annotations

import re
import unicodedata

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ud800-\udfff\ufeff]")
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s+")

MAX_CHARS = 2000
"""Longer texts are truncated: real SMS (even concatenated) stay far below this."""


def normalize(text: str) -> str:
    """NFKC, lower case, digits masked as ``x``, control chars dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower()
    text = _CTRL.sub("", text)
    text = _DIGIT.sub("x", text)
    return _SPACE.sub(" ", text).strip()


def cjk_count(text: str) -> int:
    """Number of Han, kana or hangul characters."""
    return len(_CJK.findall(text))


def detect_lang(text: str) -> str:
    """``"zh"`` when the text contains CJK characters, else ``"en"``."""
    return "zh" if _CJK.search(text) else "en"
