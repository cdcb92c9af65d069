"""One-time merchant codes: making one, reading what a merchant types, judging it."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime, timedelta

CODE_DIGITS = 8
CODE_TTL = timedelta(days=30)


def new_code() -> str:
    """A fresh short numeric code (``CODE_DIGITS`` digits, from the system's CSPRNG)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def normalise_code(text: str) -> str:
    """Digits only (spaces and dashes a merchant may type are dropped)."""
    return "".join(ch for ch in text if ch.isascii() and ch.isdigit())[: CODE_DIGITS + 4]


class CodeVerdict(enum.StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"  # no such code, or another merchant's
    USED = "used"
    EXPIRED = "expired"


def judge_code(
    *,
    found: bool,
    merchant_matches: bool,
    used_at: datetime | None,
    expires_at: datetime | None,
    now: datetime,
) -> CodeVerdict:
    """Whether a merchant may honour a code now. Another merchant's code is "unknown"
    to them (a merchant learns nothing about codes that are not theirs)."""
    if not found or not merchant_matches:
        return CodeVerdict.UNKNOWN
    if used_at is not None:
        return CodeVerdict.USED
    if expires_at is not None and now >= expires_at:
        return CodeVerdict.EXPIRED
    return CodeVerdict.OK
