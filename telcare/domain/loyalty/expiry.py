"""Points expiry: earned in year Y, unused by the end of Y+1, expire first in, first out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class PointsMove:
    """One points-ledger entry as expiry sees it: its sign, size and local day."""

    points: int
    day: date
    kind: str


EARNING_KINDS = frozenset({"accrual", "adjustment", "reversal"})


def expiry_day(earned_year: int) -> date:
    """Points earned in ``earned_year`` expire when ``earned_year + 2`` begins."""
    return date(earned_year + 2, 1, 1)


def points_to_expire(moves: Sequence[PointsMove], earned_year: int, balance: int) -> int:
    """Points earned up to ``earned_year`` and still unused at its expiry (FIFO).

    Credits (positive entries) dated up to the end of ``earned_year`` form the
    expiring pool; every debit before the expiry day (redemptions, negative
    adjustments) and every expiry is taken from the oldest points first. A
    reversal credits back points that were spent, so it counts as a credit on its
    day. Never more than the current ``balance``.
    """
    cutoff = expiry_day(earned_year)
    old_credits = sum(mv.points for mv in moves if mv.points > 0 and mv.day.year <= earned_year)
    debits = sum(
        -mv.points for mv in moves if mv.points < 0 and (mv.day < cutoff or mv.kind == "expiry")
    )
    return max(0, min(old_credits - debits, balance))
