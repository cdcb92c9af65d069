"""Scores: satisfaction rate with a Wilson interval and mean with a normal one, by dimension."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_
from telcare.domain.surveys.replies import SATISFIED_FROM

Z95 = 1.959963984540054

DIMENSIONS = ("province", "channel", "shop", "template", "version", "month")


@dataclass(frozen=True, slots=True)
class Scored:
    """One scored answer (the headline question of one survey) with its dimensions."""

    province: str
    channel: str
    shop: str
    template: str
    version: int
    month: str
    score: int


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One group: counts, satisfaction rate with Wilson 95% interval, mean with normal 95%."""

    key: tuple[str, ...]
    count: int
    satisfied: int
    rate: float
    rate_low: float
    rate_high: float
    mean: float
    mean_low: float
    mean_high: float
    histogram: tuple[int, int, int, int, int] = field(default=(0, 0, 0, 0, 0))


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (0, 1 when there is no data)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(scores: Sequence[int], z: float = Z95) -> tuple[float, float, float]:
    """Mean and normal-approximation interval (sample standard deviation), within 1–5;
    fewer than two scores give the whole scale."""
    n = len(scores)
    if n == 0:
        return 0.0, 1.0, 5.0
    mean = sum(scores) / n
    if n < 2:
        return mean, 1.0, 5.0
    var = sum((s - mean) ** 2 for s in scores) / (n - 1)
    half = z * math.sqrt(var / n)
    return mean, max(1.0, mean - half), min(5.0, mean + half)


def score_table(rows: Iterable[Scored], by: Sequence[str] = ("province",)) -> list[ScoreRow]:
    """Group ``rows`` by the named dimensions (see :data:`DIMENSIONS`), sorted by key."""
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise InvalidInput(N_("survey.bad_dimension"), value=",".join(unknown))
    groups: dict[tuple[str, ...], list[int]] = {}
    for r in rows:
        key = tuple(str(getattr(r, d)) for d in by)
        groups.setdefault(key, []).append(r.score)
    out = []
    for key in sorted(groups):
        scores = groups[key]
        n = len(scores)
        good = sum(s >= SATISFIED_FROM for s in scores)
        low, high = wilson(good, n)
        mean, m_low, m_high = mean_interval(scores)
        c = scores.count
        hist = (c(1), c(2), c(3), c(4), c(5))
        out.append(ScoreRow(key, n, good, good / n, low, high, mean, m_low, m_high, hist))
    return out
