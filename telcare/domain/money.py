"""Money in integer fen (1 yuan = 100 fen). Yuan appear only when shown or parsed."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from telcare.domain.errors import InvalidAmount
from telcare.domain.messages import N_

FEN_PER_YUAN = 100
MAX_OPERATION_FEN = 10_000_000  # 100,000.00 yuan: the ceiling of any single operation
MAX_BALANCE_FEN = 2**62  # far beyond any account, still a signed 64-bit column


def require_amount(fen: object) -> int:
    """Return ``fen`` if it is a positive integer amount within the operation ceiling."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise InvalidAmount(N_("amount.not_integer_fen"), value=repr(fen))
    if fen <= 0:
        raise InvalidAmount(N_("amount.not_positive"), value=fen)
    if fen > MAX_OPERATION_FEN:
        raise InvalidAmount(N_("amount.too_large"), value=fen, limit=MAX_OPERATION_FEN)
    return fen


def yuan_to_fen(yuan: str | Decimal | int) -> int:
    """Parse a yuan amount such as ``"30"``, ``"0.50"`` or ``Decimal("1.5")`` exactly.

    Sub-fen precision is refused rather than rounded: ``"0.005"`` is an error.
    Floats are refused: they cannot carry an exact amount.
    """
    if isinstance(yuan, bool | float):
        raise InvalidAmount(N_("amount.not_exact"), value=repr(yuan))
    try:
        value = Decimal(str(yuan).strip())
    except InvalidOperation as exc:
        raise InvalidAmount(N_("amount.unreadable"), value=str(yuan)) from exc
    if not value.is_finite():
        raise InvalidAmount(N_("amount.unreadable"), value=str(yuan))
    fen = value * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise InvalidAmount(N_("amount.sub_fen"), value=str(yuan))
    return int(fen)


def fen_to_yuan(fen: int) -> str:
    """Show fen as yuan with two decimals: ``-5`` -> ``"-0.05"``."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{part:02d}"


def round_fen(amount: Decimal) -> int:
    """Round an exact fractional-fen amount once, half up (0.5 fen -> 1 fen)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
