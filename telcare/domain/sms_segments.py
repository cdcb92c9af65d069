"""Splitting a reply into SMS segments of at most ``limit`` UCS-2 (UTF-16) code units.

Rule: fill each segment greedily; when the text does not end inside it, cut after the
last whitespace or punctuation mark (not an opening bracket or quote, nor one inside
an ASCII word or number such as ``88.00``) that leaves the segment at least
``limit - slack(limit)`` units long, else cut at the limit. A
character outside the BMP (two units) is never split, nor is a high/low surrogate
pair that arrives as two code points. Nothing is added or removed: the segments
joined are the text.

A signature that ends the text (``【中国移动】``, ``[China Mobile]``) never travels
alone: if it would fill the last segment by itself, the end of the segment before moves
into it (cut at a break where it can, within the bound below).

Bound: every segment but the last has at least ``limit - slack(limit)`` units, so
``len(segment(text, limit)) <= ceil(ucs2_units(text) / (limit - slack(limit)))``.
"""

from __future__ import annotations

import re
import unicodedata

MIN_LIMIT = 2
# A trailing signature, with the full stop or spaces that may come before it.
SIGNATURE = re.compile(r"[\s。.，,；;！!？?]*(?:【[^【】]{1,12}】|\[[^\[\]]{1,24}\])\s*")


def ucs2_units(text: str) -> int:
    """The length of ``text`` in UTF-16 code units (what an SMS's 70-character limit counts)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def slack(limit: int) -> int:
    """How many units short of ``limit`` a segment may end to break at punctuation."""
    return max(1, limit // 5)


def _units(ch: str) -> int:
    return 2 if ord(ch) > 0xFFFF else 1


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _breaks_after(text: str, end: int) -> bool:
    """May a segment end at ``end`` (after ``text[end - 1]``)?

    After whitespace, or after punctuation that is not an opening bracket/quote and
    does not sit inside an ASCII word or number (``88.00``, ``5.00/month``, ``e-mail``).
    """
    ch = text[end - 1]
    if ch.isspace():
        return True
    cat = unicodedata.category(ch)
    if cat[0] != "P" or cat in ("Ps", "Pi"):
        return False
    inside = end >= 2 and end < len(text) and _ascii_alnum(text[end - 2])
    return not (inside and _ascii_alnum(text[end]))


def _pair_inside(text: str, cut: int) -> bool:
    """True when ``cut`` falls between a high and a low surrogate code point."""
    return (
        0 < cut < len(text)
        and "\ud800" <= text[cut - 1] <= "\udbff"
        and "\udc00" <= text[cut] <= "\udfff"
    )


def segment(text: str, limit: int = 70) -> list[str]:
    """``text`` in order, as segments of at most ``limit`` UTF-16 units (``[]`` for ``""``).

    Raises ValueError when ``limit`` is below 2 (a non-BMP character could not fit).
    """
    if limit < MIN_LIMIT:
        raise ValueError(f"limit must be at least {MIN_LIMIT}, not {limit}")
    floor = limit - slack(limit)
    segments: list[str] = []
    start, size = 0, len(text)
    while start < size:
        end, units, soft = start, 0, 0
        while end < size and units + _units(text[end]) <= limit:
            units += _units(text[end])
            end += 1
            if units >= floor and _breaks_after(text, end):
                soft = end
        if end < size:
            if soft:
                end = soft
            elif _pair_inside(text, end) and end - 1 > start:
                end -= 1
        segments.append(text[start:end])
        start = end
    return _not_alone(segments, limit, floor)


def _not_alone(parts: list[str], limit: int, floor: int) -> list[str]:
    """Move the end of the last-but-one segment to a signature left alone in the last."""
    if len(parts) < 2 or not SIGNATURE.fullmatch(parts[-1]):
        return parts
    prev, last = parts[-2], parts[-1]
    room = limit - ucs2_units(last)
    joined = prev + last
    chosen = 0
    for cut in range(len(prev) - 1, 0, -1):
        if ucs2_units(prev[:cut]) < floor or ucs2_units(prev[cut:]) > room:
            break
        if _pair_inside(joined, cut) or SIGNATURE.fullmatch(joined[cut:]):
            continue  # (moving only a full stop would leave it as alone)
        chosen = chosen or cut  # the least that can move
        if _breaks_after(joined, cut):
            chosen = cut  # a whole clause where there is one
            break
    if not chosen:
        return parts
    return [*parts[:-2], prev[:chosen], prev[chosen:] + last]
