"""Load the labelled TSV files, fit per-language models, cross-validate, metrics."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from telcare.antispam import features as F
from telcare.antispam import signals as S
from telcare.antispam.paths import DEFAULT_DATA_DIR, LANGS, MODERN_TRAIN_PATH
from telcare.antispam.text import detect_lang, normalize

DEFAULT_THRESHOLD = 0.5
Step = Callable[[str], None]
Extra = tuple[list[str], np.ndarray]
"""Normalised texts and labels that train only the combiner (today's SMS, not the corpora's)."""

EXTRA_SHARE = 0.25
"""The extra messages together weigh this share of the corpus in the combiner's fit."""
CORPUS_FPR_CAP = 0.002
"""The label threshold keeps the corpus's out-of-fold ham false-positive rate at or below this."""


@dataclass(frozen=True)
class LangConfig:
    """Feature spec and SVM regularisation for one language."""

    spec: F.FeatureSpec
    C: float
    min_df: int = 2


CONFIGS: dict[str, LangConfig] = {
    "zh": LangConfig(F.FeatureSpec(char_min=1, char_max=3, bits=20, strip_punct=1), C=1.0),
    "en": LangConfig(F.FeatureSpec(char_min=1, char_max=4, word_max=2, bits=19), C=1.0),
}


@dataclass(frozen=True)
class Metrics:
    """Binary metrics with spam as the positive class; ``fpr`` is the ham false-positive rate."""

    accuracy: float
    precision: float
    recall: float
    f1: float
    mcc: float
    fpr: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def compute_metrics(
    y_true: Sequence[bool] | np.ndarray, y_pred: Sequence[bool] | np.ndarray
) -> Metrics:
    """Accuracy, precision, recall, F1, MCC and FPR (0.0 where undefined)."""
    t = np.asarray(y_true, dtype=bool)
    p = np.asarray(y_pred, dtype=bool)
    tp = int(np.sum(t & p))
    tn = int(np.sum(~t & ~p))
    fp = int(np.sum(~t & p))
    fn = int(np.sum(t & ~p))
    n = tp + tn + fp + fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    denom = math.sqrt(float(tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    mcc = (tp * tn - fp * fn) / denom if denom else 0.0
    return Metrics(
        accuracy=(tp + tn) / n if n else 0.0,
        precision=precision,
        recall=recall,
        f1=f1,
        mcc=mcc,
        fpr=fp / (fp + tn) if fp + tn else 0.0,
        n=n,
    )


def load_tsv(path: str | Path, limit: int | None = None) -> tuple[list[str], np.ndarray]:
    """Read ``spam|ham<TAB>text`` lines (split on the first tab); return texts and bool labels."""
    texts: list[str] = []
    labels: list[bool] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            label, sep, text = line.partition("\t")
            if not sep or label not in ("spam", "ham"):
                raise ValueError(f"{path}:{lineno}: expected 'spam|ham<TAB>text'")
            texts.append(text)
            labels.append(label == "spam")
            if limit is not None and len(texts) >= limit:
                break
    return texts, np.asarray(labels, dtype=bool)


@dataclass
class LangModel:
    """A fitted linear model on hashed n-grams, with Platt-scaled scores."""

    spec: F.FeatureSpec
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    platt: tuple[float, float] = (1.0, 0.0)
    threshold: float = DEFAULT_THRESHOLD
    n_train: int = 0
    weights: np.ndarray = field(default_factory=lambda: np.zeros(len(S.NAMES)))
    """Combiner weights of the signals (:data:`telcare.antispam.signals.NAMES`)."""
    _table: np.ndarray | None = field(default=None, repr=False, compare=False)

    def decision(self, norm_texts: Sequence[str]) -> np.ndarray:
        """Raw SVM margins for already-normalised texts."""
        if not norm_texts:
            return np.zeros(0)
        if self._table is None:
            self._table = np.stack([self.idf, self.idf * self.coef], axis=1).astype(np.float32)
        rows, cols, counts = F.hashed_counts(norm_texts, self.spec)
        tf = 1.0 + np.log(counts)
        w = self._table[cols]
        norm = np.sqrt(np.bincount(rows, (tf * w[:, 0]) ** 2, minlength=len(norm_texts)))
        num = np.bincount(rows, tf * w[:, 1], minlength=len(norm_texts))
        norm[norm == 0] = 1.0
        return num / norm + self.intercept

    def scores(self, norm_texts: Sequence[str]) -> np.ndarray:
        """Spam probabilities in [0, 1]."""
        a, b = self.platt
        logit = a * self.decision(norm_texts) + b + S.matrix(norm_texts) @ self.weights
        return 1.0 / (1.0 + np.exp(-logit))

    def to_state(self) -> dict[str, object]:
        return {
            "spec": self.spec.as_dict(),
            "idf": self.idf,
            "coef": self.coef,
            "intercept": float(self.intercept),
            "platt": [float(self.platt[0]), float(self.platt[1])],
            "threshold": float(self.threshold),
            "n_train": int(self.n_train),
            "signals": list(S.NAMES),
            "weights": np.asarray(self.weights, dtype=np.float64),
        }

    @classmethod
    def from_state(cls, state: dict[str, object]) -> LangModel:
        spec = state["spec"]
        platt = state["platt"]
        assert isinstance(spec, dict) and isinstance(platt, list)
        return cls(
            spec=F.FeatureSpec(**{k: int(v) for k, v in spec.items()}),
            idf=np.asarray(state["idf"], dtype=np.float32),
            coef=np.asarray(state["coef"], dtype=np.float32),
            intercept=float(state["intercept"]),  # type: ignore[arg-type]
            platt=(float(platt[0]), float(platt[1])),
            threshold=float(state["threshold"]),  # type: ignore[arg-type]
            n_train=int(state.get("n_train", 0)),  # type: ignore[call-overload]
            weights=_weights(state),
        )


def _weights(state: dict[str, object]) -> np.ndarray:
    """The signal weights by name (a model without signals: all 0)."""
    names = state.get("signals") or []
    given = np.asarray(state.get("weights", np.zeros(0)), dtype=np.float64)
    by_name = dict(zip(names, given, strict=True))  # type: ignore[call-overload]
    return np.array([float(by_name.get(n, 0.0)) for n in S.NAMES])


def _fit_svm(norm_texts: Sequence[str], y: np.ndarray, cfg: LangConfig) -> LangModel:
    idf = F.idf_weights(F.document_frequency(norm_texts, cfg.spec), len(norm_texts), cfg.min_df)
    svm = LinearSVC(C=cfg.C, random_state=0).fit(F.matrix(norm_texts, cfg.spec, idf), y)
    return LangModel(
        spec=cfg.spec,
        idf=idf,
        coef=svm.coef_[0].astype(np.float32),
        intercept=float(svm.intercept_[0]),
    )


def fit_lang(
    norm_texts: Sequence[str],
    y: np.ndarray,
    cfg: LangConfig,
    calib_folds: int = 3,
    seed: int = 0,
    extra: Extra | None = None,
) -> LangModel:
    """Fit the SVM on the corpus texts, then the combiner (margin + signals) on out-of-fold
    margins of the corpus and the full model's margins of the ``extra`` messages."""
    margins = np.zeros(len(y))
    texts = np.asarray(norm_texts, dtype=object)
    folds = StratifiedKFold(calib_folds, shuffle=True, random_state=seed)
    for tr, te in folds.split(texts, y):
        margins[te] = _fit_svm(list(texts[tr]), y[tr], cfg).decision(list(texts[te]))
    model = _fit_svm(norm_texts, y, cfg)
    x_texts, x_y = extra if extra is not None else ([], np.zeros(0, dtype=bool))
    X = np.column_stack(
        [np.concatenate([margins, model.decision(x_texts)]), S.matrix([*norm_texts, *x_texts])]
    )
    target = np.concatenate([y, x_y])
    weight = np.concatenate(
        [np.ones(len(y)), np.full(len(x_y), EXTRA_SHARE * len(y) / max(len(x_y), 1))]
    )
    lr = LogisticRegression(C=10.0, max_iter=1000).fit(X, target, sample_weight=weight)
    coef = lr.coef_[0]
    model.platt = (float(coef[0]), float(lr.intercept_[0]))
    model.weights = coef[1:].astype(np.float64)
    if model.platt[0] <= 0:  # degenerate (tiny or separable data): plain logistic of the margin
        model.platt, model.weights = (1.0, 0.0), np.zeros(len(S.NAMES))
    model.n_train = len(y)
    logit = X[:, 0] * model.platt[0] + model.platt[1] + X[:, 1:] @ model.weights
    model.threshold = _threshold(1.0 / (1.0 + np.exp(-logit)), target, len(y))
    return model


def _threshold(scores: np.ndarray, y: np.ndarray, n_corpus: int) -> float:
    """The most accurate cut on the corpus whose ham FPR stays under the cap (the extra
    messages are kept from high scores by the firewall's own, higher quarantine score)."""
    best, best_acc = 0.5, -1.0
    corpus = slice(0, n_corpus)
    for cut in np.unique(np.round(scores, 3)):
        pred = scores >= cut
        m = compute_metrics(y[corpus], pred[corpus])
        if m.fpr <= CORPUS_FPR_CAP and m.accuracy > best_acc:
            best, best_acc = float(cut), m.accuracy
    return best


def route(norm_texts: Sequence[str]) -> np.ndarray:
    """Language of each text as an array of ``"zh"``/``"en"``."""
    return np.array([detect_lang(t) for t in norm_texts], dtype=object)


def route_and_score(
    models: dict[str, LangModel], norm_texts: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Route each normalised text to its language model; return (probabilities, languages)."""
    out = np.zeros(len(norm_texts))
    langs = route(norm_texts)
    for lang, model in models.items():
        idx = np.flatnonzero(langs == lang)
        if len(idx):
            out[idx] = model.scores([norm_texts[i] for i in idx])
    return out, langs


def predict_scores(models: dict[str, LangModel], norm_texts: Sequence[str]) -> np.ndarray:
    """Spam probabilities of normalised texts."""
    return route_and_score(models, norm_texts)[0]


def predict_labels(
    models: dict[str, LangModel], norm_texts: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities and spam flags, each text judged by its language's threshold."""
    scores, langs = route_and_score(models, norm_texts)
    cuts = np.array([models[lang].threshold for lang in langs], dtype=float)
    return scores, scores >= cuts


@dataclass
class CVResult:
    """Out-of-fold scores and metrics for one language file."""

    lang: str
    metrics: Metrics
    scores: np.ndarray
    labels: np.ndarray


def cross_validate(
    lang: str,
    norm_texts: Sequence[str],
    y: np.ndarray,
    other: dict[str, LangModel],
    folds: int = 5,
    seed: int = 0,
    step: Step | None = None,
    extra: Extra | None = None,
) -> CVResult:
    """Stratified k-fold CV of the routed model: ``lang`` is refitted per fold, ``other`` fixed."""
    texts = np.asarray(norm_texts, dtype=object)
    scores = np.zeros(len(y))
    pred = np.zeros(len(y), dtype=bool)
    skf = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for k, (tr, te) in enumerate(skf.split(texts, y), 1):
        models = {
            **other,
            lang: fit_lang(list(texts[tr]), y[tr], CONFIGS[lang], seed=seed, extra=extra),
        }
        scores[te], pred[te] = predict_labels(models, list(texts[te]))
        if step:
            step(f"{lang} fold {k}/{folds}")
    return CVResult(lang, compute_metrics(y, pred), scores, y)


def load_extra(path: str | Path | None = MODERN_TRAIN_PATH) -> dict[str, Extra]:
    """The extra (today's) messages of ``path`` by language, normalised; none without a path."""
    out: dict[str, Extra] = {lang: ([], np.zeros(0, dtype=bool)) for lang in LANGS}
    if path is None:
        return out
    texts, y = load_tsv(path)
    norm = [normalize(t) for t in texts]
    langs = route(norm)
    for lang in LANGS:
        idx = np.flatnonzero(langs == lang)
        out[lang] = ([norm[i] for i in idx], y[idx])
    return out


def train(
    data_dir: str | Path = DEFAULT_DATA_DIR,
    folds: int = 5,
    limit: int | None = None,
    step: Step | None = None,
    extra_path: str | Path | None = MODERN_TRAIN_PATH,
) -> tuple[dict[str, LangModel], dict[str, Metrics]]:
    """Fit one model per language on ``<lang>_train.tsv`` (and the extra messages of
    ``extra_path`` for the combiner); CV metrics if ``folds >= 2``."""
    data_dir = Path(data_dir)
    extra = load_extra(extra_path)
    data: dict[str, tuple[list[str], np.ndarray]] = {}
    models: dict[str, LangModel] = {}
    for lang in LANGS:
        texts, y = load_tsv(data_dir / f"{lang}_train.tsv", limit=limit)
        data[lang] = ([normalize(t) for t in texts], y)
        models[lang] = fit_lang(data[lang][0], y, CONFIGS[lang], extra=extra[lang])
        if step:
            step(f"{lang} fit")
    metrics: dict[str, Metrics] = {}
    if folds >= 2:
        for lang in LANGS:
            others = {k: m for k, m in models.items() if k != lang}
            cv = cross_validate(
                lang, *data[lang], others, folds=folds, step=step, extra=extra[lang]
            )
            metrics[lang] = cv.metrics
    return models, metrics
