"""Monthly statement rules: each ledger entry's heading, and totals that equal the ledger.

A statement covers one line and one calendar month (Asia/Shanghai). Its opening
balance is the sum of the line's ledger before the month, its closing balance the
opening plus every entry of the month, and each entry falls under exactly one
heading, so ``opening + recharges + refunds + adjustments - fees - usage ==
closing`` to the fen (:meth:`Totals.balanced`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Heading(enum.StrEnum):
    FEES = "fees"  # package and SP fees: monthly renewals, orders
    USAGE = "usage"  # rated usage, one entry per day
    RECHARGES = "recharges"
    REFUNDS = "refunds"  # money back: refunds and discounts
    ADJUSTMENTS = "adjustments"  # staff corrections, either sign


def heading(kind: str, reference: str | None) -> Heading:
    """The heading of a ledger entry of ``kind`` with ``reference``."""
    if kind == "recharge":
        return Heading.RECHARGES
    if kind == "refund":
        return Heading.REFUNDS
    if kind == "adjustment":
        return Heading.ADJUSTMENTS
    return Heading.USAGE if (reference or "").startswith("usage:") else Heading.FEES


@dataclass(frozen=True, slots=True)
class Totals:
    """A month's totals in fen; charges (fees, usage) positive, the rest signed."""

    opening_fen: int
    closing_fen: int
    fees_fen: int = 0
    usage_fen: int = 0
    recharges_fen: int = 0
    refunds_fen: int = 0
    adjustments_fen: int = 0

    @property
    def balanced(self) -> bool:
        moved = (
            self.recharges_fen
            + self.refunds_fen
            + self.adjustments_fen
            - self.fees_fen
            - self.usage_fen
        )
        return self.opening_fen + moved == self.closing_fen


def totals(opening_fen: int, entries: Iterable[tuple[str, str | None, int]]) -> Totals:
    """The totals of a month from its opening balance and its ``(kind, reference,
    signed amount)`` entries."""
    sums = dict.fromkeys(Heading, 0)
    closing = opening_fen
    for kind, reference, amount in entries:
        sums[heading(kind, reference)] += amount
        closing += amount
    return Totals(
        opening_fen,
        closing,
        -sums[Heading.FEES],
        -sums[Heading.USAGE],
        sums[Heading.RECHARGES],
        sums[Heading.REFUNDS],
        sums[Heading.ADJUSTMENTS],
    )
