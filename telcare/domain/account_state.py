"""What a subscriber should be told about their balance: barred, low, or nothing."""

from __future__ import annotations

import enum

LOW_BALANCE_FEN = 10_00  # below 10 yuan the hall shows a "recharge soon" banner


class BalanceState(enum.StrEnum):
    BARRED = "barred"  # service stopped (the balance ran out)
    LOW = "low"  # below the threshold, or already owing: recharge soon


def balance_state(status: str, balance_fen: int) -> BalanceState | None:
    """The banner a line's pages carry (None: no banner)."""
    if status == "barred":
        return BalanceState.BARRED
    if balance_fen < LOW_BALANCE_FEN:
        return BalanceState.LOW
    return None
