"""Spam SMS classifier: ``spam_score(text)``, ``default_model().classify(text)``.

:func:`classifier` is the packaged model as the services'
:class:`~telcare.domain.spam_classifier.SpamClassifier`; the entry points hand it to
:func:`telcare.services.antispam.use_classifier`.
"""

from __future__ import annotations

from typing import Any

from telcare.domain.spam_classifier import SpamClassifier

__all__ = [
    "SpamModel",
    "Verdict",
    "classifier",
    "classify_texts",
    "default_model",
    "spam_score",
]


def classifier() -> SpamClassifier:
    """The packaged model (loaded once per process, on the first call)."""
    # Lazy: importing scikit-learn and the model costs ~0.5 s, only pay it when used.
    from telcare.antispam.model import default_model

    return default_model()


def __getattr__(name: str) -> Any:
    # Lazy: importing scikit-learn and the model costs ~0.5 s, only pay it when used.
    if name in __all__:
        from telcare.antispam import model

        return getattr(model, name)
    raise AttributeError(name)
