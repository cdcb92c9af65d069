"""Spam SMS classifier: ``spam_score(text)``, ``default_model().classify(text)``."""

from __future__ import annotations

from typing import Any

__all__ = ["SpamModel", "Verdict", "classify_texts", "default_model", "spam_score"]


def __getattr__(name: str) -> Any:
    # Lazy: importing scikit-learn and the model costs ~0.5 s, only pay it when used.
    if name in __all__:
        from telcare.antispam import model

        return getattr(model, name)
    raise AttributeError(name)
