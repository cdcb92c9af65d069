"""The shipped spam model: safe loading, scoring and classification."""

from __future__ import annotations

import functools
import hashlib
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import skops.io as sio

from telcare import clock
from telcare.antispam.paths import DEFAULT_MODEL_PATH, MODEL_VERSION
from telcare.antispam.text import normalize
from telcare.antispam.training import LangModel, Metrics, predict_scores, route_and_score

FORMAT = "telcare-spam"
FORMAT_VERSION = 1

ALLOWED_TYPES: frozenset[str] = frozenset(
    {"numpy.float32", "numpy.float64", "numpy.int64", "numpy.bool_", "numpy.dtype"}
)
"""Types a model file may contain beyond skops' defaults (plain containers and ndarrays)."""


class UntrustedModelError(ValueError):
    """The model file holds types outside :data:`ALLOWED_TYPES`."""


@dataclass(frozen=True)
class Verdict:
    """``label`` is ``"spam"`` or ``"ham"``; ``score`` is the spam probability."""

    label: str
    score: float
    lang: str

    @property
    def is_spam(self) -> bool:
        return self.label == "spam"


def safe_load(path: str | Path) -> dict[str, Any]:
    """Load a skops file, trusting only :data:`ALLOWED_TYPES`."""
    untrusted = sio.get_untrusted_types(file=path)
    bad = sorted(set(untrusted) - ALLOWED_TYPES)
    if bad:
        raise UntrustedModelError(f"refusing {path}: untrusted types {bad}")
    state = sio.load(path, trusted=list(untrusted))
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ValueError(f"{path} is not a telcare spam model")
    return state


class SpamModel:
    """Per-language linear models behind a CJK router."""

    def __init__(self, models: dict[str, LangModel], meta: dict[str, Any] | None = None) -> None:
        self.models = models
        self.meta = meta or {}

    @property
    def version(self) -> str:
        return str(self.meta.get("version", MODEL_VERSION))

    @classmethod
    def load(cls, path: str | Path | None = None) -> SpamModel:
        """Load ``path`` or the packaged default model."""
        state = safe_load(path or DEFAULT_MODEL_PATH)
        models = {lang: LangModel.from_state(s) for lang, s in state["langs"].items()}
        meta = {k: v for k, v in state.items() if k != "langs"}
        return cls(models, meta)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Spam probabilities for raw texts."""
        return predict_scores(self.models, [normalize(t) for t in texts])

    def score(self, text: str) -> float:
        """Spam probability of one raw text."""
        return float(self.scores([text])[0])

    def classify_many(self, texts: Sequence[str], threshold: float | None = None) -> list[Verdict]:
        """Verdicts for many texts; ``threshold`` overrides the per-language default."""
        scores, langs = route_and_score(self.models, [normalize(t) for t in texts])
        out = []
        for s, lang in zip(scores, langs, strict=True):
            cut = threshold if threshold is not None else self.models[lang].threshold
            out.append(Verdict("spam" if s >= cut else "ham", float(s), lang))
        return out

    def classify(self, text: str, threshold: float | None = None) -> Verdict:
        """Verdict for one text."""
        return self.classify_many([text], threshold)[0]

    def save(
        self, path: str | Path, metrics: dict[str, Metrics] | None = None, cv_folds: int = 0
    ) -> dict[str, Any]:
        """Write the skops model and a JSON sidecar (``.json``); return the metadata."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "version": path.stem,
            "created": clock.now().isoformat(timespec="seconds"),
            "cv_metrics": {k: m.as_dict() for k, m in (metrics or {}).items()},
            "cv_folds": cv_folds,
            "features": {k: m.spec.as_dict() for k, m in self.models.items()},
            "thresholds": {k: m.threshold for k, m in self.models.items()},
            "platt": {k: list(m.platt) for k, m in self.models.items()},
            "n_train": {k: m.n_train for k, m in self.models.items()},
            "libraries": {"scikit-learn": sklearn.__version__, "numpy": np.__version__},
        }
        state = {**meta, "langs": {k: m.to_state() for k, m in self.models.items()}}
        sio.dump(state, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        meta["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        meta["bytes"] = path.stat().st_size
        path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        self.meta = meta
        return meta


@functools.lru_cache(maxsize=1)
def default_model() -> SpamModel:
    """The packaged model, loaded once per process."""
    return SpamModel.load()


def spam_score(text: str) -> float:
    """Spam probability of ``text`` under the packaged model (0 = ham, 1 = spam)."""
    return default_model().score(text)


def classify_texts(texts: Iterable[str]) -> list[Verdict]:
    """Classify texts with the packaged model."""
    return default_model().classify_many(list(texts))
