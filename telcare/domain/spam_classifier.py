"""The spam classifier as the anti-spam services see it: a score and a verdict for one text.

:mod:`telcare.antispam` (the trained model) implements it; the services receive it from
the entry point (:func:`telcare.services.antispam.use_classifier`) and never import it.
"""

from __future__ import annotations

from typing import Protocol


class SpamVerdict(Protocol):
    """One text judged: its spam probability and whether it passes the threshold."""

    @property
    def score(self) -> float: ...

    @property
    def is_spam(self) -> bool: ...


class SpamClassifier(Protocol):
    """What the services call: a score, and a verdict at a threshold (None: the model's own)."""

    def score(self, text: str) -> float: ...

    def classify(self, text: str, threshold: float | None = None) -> SpamVerdict: ...
