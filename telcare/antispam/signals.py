"""What a message carries, beyond its words: links and their domains, signatures, codes,
warnings and calls to action, read from the normalised text
(:func:`telcare.antispam.text.normalize`).

The classifier combines these with the n-gram model's margin in one logistic regression
(the "combiner", :mod:`telcare.antispam.training`), so each signal gets a learned weight.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

from telcare.antispam import text as T
from telcare.antispam.lexicon import CODE_WORDS, CTA_WORDS, NO_SHARE_WORDS

NAMES: tuple[str, ...] = (
    "link",
    "link_shortener",
    "link_unknown_domain",
    "link_known_domain",
    "signature_known",
    "code",
    "no_share",
    "call_to_action",
    "action_with_risky_link",
    "known_signature_with_risky_link",
    "amount",
    "phone_number",
)
"""One column per signal, in this order."""


def _any_of(words: Iterable[str]) -> re.Pattern[str]:
    """One pattern that finds any of ``words`` inside a text (a substring test, in C)."""
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


_CTA, _CODE_WORDS, _NO_SHARE = _any_of(CTA_WORDS), _any_of(CODE_WORDS), _any_of(NO_SHARE_WORDS)


def signals(norm: str) -> list[float]:
    """The signal vector of one normalised text (0/1 each)."""
    link = T.URL in norm
    short = T.DOMAIN_SHORT in norm
    other = T.DOMAIN_OTHER in norm
    cta = _CTA.search(norm) is not None
    code = T.CODE in norm and _CODE_WORDS.search(norm) is not None
    return [
        float(link),
        float(short),
        float(other),
        float(T.DOMAIN_KNOWN in norm),
        float(T.SIG_KNOWN in norm),
        float(code),
        float(_NO_SHARE.search(norm) is not None),
        float(cta),
        float(cta and (short or other)),
        float(T.SIG_KNOWN in norm and (short or other)),
        float(T.AMOUNT in norm),
        float(T.PHONE in norm),
    ]


def matrix(norm_texts: Sequence[str]) -> np.ndarray:
    """Signals of many normalised texts: shape ``(n, len(NAMES))``."""
    if not norm_texts:
        return np.zeros((0, len(NAMES)))
    return np.asarray([signals(t) for t in norm_texts], dtype=np.float64)
