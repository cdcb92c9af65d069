"""The spam classifier the use cases call, handed over by the entry point at start-up.

The model lives in :mod:`telcare.antispam`, outside the service layer; the API app, the
``telcare`` command and the test suite call :func:`use_classifier` with
:func:`telcare.antispam.classifier` (the packaged model, loaded on first use).
"""

from __future__ import annotations

from collections.abc import Callable

from telcare.domain.spam_classifier import SpamClassifier

_factory: Callable[[], SpamClassifier] | None = None


def use_classifier(factory: Callable[[], SpamClassifier]) -> None:
    """From now on the use cases get their classifier from ``factory()`` (called per use)."""
    global _factory
    _factory = factory


def current_classifier() -> SpamClassifier:
    """The classifier handed over by :func:`use_classifier`."""
    if _factory is None:
        raise RuntimeError(
            "no spam classifier: the entry point calls "
            "telcare.services.antispam.use_classifier(telcare.antispam.classifier)"
        )
    return _factory()
