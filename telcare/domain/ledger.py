"""Account and points ledger rules: signed entries, from which balances are derived."""

from __future__ import annotations

import enum
from collections.abc import Iterable

from telcare.domain.errors import InsufficientFunds, InvalidAmount
from telcare.domain.messages import N_
from telcare.domain.money import MAX_BALANCE_FEN, require_amount


class EntryKind(enum.StrEnum):
    RECHARGE = "recharge"  # money in: card, online payment, transfer
    CHARGE = "charge"  # money out: package fee, usage
    REFUND = "refund"  # money back for an earlier charge
    ADJUSTMENT = "adjustment"  # staff correction, either sign


_SIGN = {EntryKind.RECHARGE: 1, EntryKind.CHARGE: -1, EntryKind.REFUND: 1}


def signed_amount(kind: EntryKind, amount_fen: int, *, credit: bool | None = None) -> int:
    """The ledger delta for an operation of ``amount_fen`` (always given positive).

    Adjustments need ``credit`` (True adds, False removes); other kinds have a fixed sign.
    """
    require_amount(amount_fen)
    if kind is EntryKind.ADJUSTMENT:
        if credit is None:
            raise InvalidAmount(N_("adjustment.direction_missing"))
        return amount_fen if credit else -amount_fen
    return _SIGN[kind] * amount_fen


def available(balance_fen: int, held_fen: int) -> int:
    """What a line may spend: its balance less what live reservations hold on it."""
    return balance_fen - max(held_fen, 0)


def apply_delta(
    balance_fen: int, delta_fen: int, *, allow_negative: bool = False, held_fen: int = 0
) -> int:
    """The balance after ``delta_fen``; a debit may not take more than is
    :func:`available` (``held_fen`` is held by reservations) unless allowed (usage)."""
    after = balance_fen + delta_fen
    spendable = available(balance_fen, held_fen)
    if delta_fen < 0 and spendable + delta_fen < 0 and not allow_negative:
        raise InsufficientFunds(N_("balance.insufficient"), balance=spendable, needed=-delta_fen)
    if abs(after) > MAX_BALANCE_FEN:
        raise InvalidAmount(N_("amount.too_large"), value=after, limit=MAX_BALANCE_FEN)
    return after


def barring_after(balance_fen: int, pending: bool, *, may_mark: bool) -> bool:
    """Whether a prepaid account is marked for barring after a posting.

    A balance back above zero lifts the mark (a recharge restores service); one at
    or below zero keeps it, and sets it where the posting may mark (usage charges).
    """
    if balance_fen > 0:
        return False
    return pending or may_mark


def balance_of(deltas: Iterable[int]) -> int:
    """A balance is the sum of its ledger."""
    return sum(deltas)


class PointsKind(enum.StrEnum):
    ACCRUAL = "accrual"  # earned from spending
    REDEMPTION = "redemption"  # spent on a gift or a merchant
    REVERSAL = "reversal"  # a cancelled redemption gives points back
    ADJUSTMENT = "adjustment"
    EXPIRY = "expiry"
