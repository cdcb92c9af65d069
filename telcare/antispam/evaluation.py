"""The classifier on today's messages: the validation set by category and language.

The set (:data:`~telcare.antispam.paths.VALIDATION_PATH`, ``label<TAB>category<TAB>text``)
was written for this project and is never used for training. Two cuts are reported: the
model's own label threshold (what ``telcare spam eval`` measures) and the firewall's
quarantine score (:data:`telcare.domain.antispam_rules.QUARANTINE_SCORE`, what holds a message).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from telcare.antispam.model import SpamModel
from telcare.antispam.paths import VALIDATION_PATH
from telcare.domain.antispam_rules import QUARANTINE_SCORE

PERSONAL = "personal"
LINK_FRAUD = "fraud_link"


@dataclass(frozen=True)
class Row:
    """One category (or summary) of the validation set at both cuts."""

    name: str
    label: str
    n: int
    flagged: int
    """Labelled spam at the model's threshold."""
    held: int
    """At or above the firewall's quarantine score."""

    @property
    def flagged_rate(self) -> float:
        return self.flagged / self.n if self.n else 0.0

    @property
    def held_rate(self) -> float:
        return self.held / self.n if self.n else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "label": self.label,
            "n": self.n,
            "flagged": self.flagged,
            "held": self.held,
        }


@dataclass(frozen=True)
class Report:
    rows: list[Row]
    """Per category and language, then the summaries."""
    accuracy: float
    """At the model's threshold, over the whole set."""
    ham_fpr: float
    transactional_fpr_held: float
    """Transactional ham (every ham category but personal) held by the firewall."""
    link_fraud_recall_held: float
    """Fraud carrying a link held by the firewall."""
    n: int

    def as_dict(self) -> dict[str, object]:
        return {
            "accuracy": self.accuracy,
            "ham_fpr": self.ham_fpr,
            "transactional_fpr_held": self.transactional_fpr_held,
            "link_fraud_recall_held": self.link_fraud_recall_held,
            "quarantine_score": QUARANTINE_SCORE,
            "n": self.n,
            "rows": [r.as_dict() for r in self.rows],
        }


def load(path: str | Path = VALIDATION_PATH) -> list[tuple[str, str, str]]:
    """``(label, category, text)`` rows of a validation file."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            parts = line.rstrip("\n").split("\t", 2)
            if len(parts) != 3 or parts[0] not in ("spam", "ham"):
                raise ValueError(f"{path}:{lineno}: expected 'spam|ham<TAB>category<TAB>text'")
            out.append((parts[0], parts[1], parts[2]))
    return out


def evaluate(model: SpamModel, path: str | Path = VALIDATION_PATH) -> Report:
    """Score every message of ``path``; counts per category and language, and summaries."""
    rows = load(path)
    verdicts = model.classify_many([t for _, _, t in rows])
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for (label, category, _), v in zip(rows, verdicts, strict=True):
        held = v.score >= QUARANTINE_SCORE
        for key in ((f"{category} ({v.lang})", label), (f"all {label}", label)):
            c = counts[key]
            c[0] += 1
            c[1] += v.is_spam
            c[2] += held
        if label == "ham" and category != PERSONAL:
            c = counts[("transactional", label)]
            c[0], c[1], c[2] = c[0] + 1, c[1] + v.is_spam, c[2] + held
    table = [Row(name, label, *c) for (name, label), c in sorted(counts.items())]
    right = sum(v.is_spam == (lab == "spam") for (lab, _, _), v in zip(rows, verdicts, strict=True))
    by = {r.name: r for r in table}
    link = [r for r in table if r.name.startswith(LINK_FRAUD)]
    n_link = sum(r.n for r in link)
    return Report(
        rows=table,
        accuracy=right / len(rows) if rows else 0.0,
        ham_fpr=by["all ham"].flagged_rate if "all ham" in by else 0.0,
        transactional_fpr_held=by["transactional"].held_rate if "transactional" in by else 0.0,
        link_fraud_recall_held=sum(r.held for r in link) / n_link if n_link else 0.0,
        n=len(rows),
    )
