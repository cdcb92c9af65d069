"""The key form of a message (NFKC, upper case, separators as spaces); reading codes and numbers."""

from __future__ import annotations

import re
import unicodedata

from telcare.domain.sms_grammar.commands import MAX_CODE


def _clean(text: str) -> str:
    """NFKC, zero-width/format characters dropped, other control characters as spaces."""
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        cat = unicodedata.category(ch)
        if cat == "Cf":
            continue
        out.append(" " if cat[0] == "C" else ch)
    return "".join(out)


def _is_sep(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "ZPSC"


def _key(clean: str) -> str:
    """Same length as ``clean``: separators become spaces, ASCII letters upper case."""
    return "".join(" " if _is_sep(ch) else ch.upper() if ch.isascii() else ch for ch in clean)


def _strip(text: str, kinds: str = "ZPSC", ascii_symbols: bool = False) -> str:
    """``text`` trimmed of characters whose category class is in ``kinds``.

    With ``ascii_symbols``, ASCII symbols such as ``+ # $ =`` are trimmed as well.
    """

    def trimmed(ch: str) -> bool:
        cat = unicodedata.category(ch)[0]
        return cat in kinds or (ascii_symbols and cat == "S" and ch.isascii())

    start, end = 0, len(text)
    while start < end and trimmed(text[start]):
        start += 1
    while end > start and trimmed(text[end - 1]):
        end -= 1
    return text[start:end]


_CODE = re.compile(r"[A-Z0-9]{0,11}[A-Z][A-Z0-9]{0,11}", re.ASCII)
_PHONE = re.compile(r"\+?[0-9][0-9\s\-()]*", re.ASCII)
_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)


def _code(rest_key: str) -> str | None:
    """A product/gift code: 1-12 ASCII letters and digits with at least one letter."""
    compact = rest_key.replace(" ", "")
    if len(compact) > MAX_CODE or not _CODE.fullmatch(compact):
        return None
    return compact


def phone_number(raw: str) -> str | None:
    """``raw`` as a sender number (5-20 digits, +86/0086/86 removed), or None.

    Spaces, dashes and brackets inside are ignored. A leading ``+86`` or ``0086`` is
    always removed; a bare ``86`` only in front of an 11-digit mobile number.
    """
    text = _strip(raw, "ZPC")
    if not _PHONE.fullmatch(text):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+") and digits.startswith("86"):
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        digits = digits[2:]
    return digits if 5 <= len(digits) <= 20 else None
