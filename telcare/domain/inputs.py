"""Input from outside: text without NUL or other control characters, days and months in range.

PostgreSQL refuses a NUL in any text column and Python's dates stop at year 9999, so a
value that breaks either must be refused where it comes in, with a 4xx and a message,
never reach the store or a date computation.
"""

from __future__ import annotations

from datetime import date

from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_

# C0 controls and DEL; tab, line feed and carriage return are allowed in multi-line text.
CONTROL = frozenset(chr(code) for code in range(0x20)) | {"\x7f"}
LINE_BREAKS = frozenset("\t\n\r")
FIRST_YEAR = 2000
LAST_YEAR = 2100


def has_control(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds a control character (tab and line breaks pass if ``multiline``)."""
    found = CONTROL.intersection(text)
    if multiline:
        found -= LINE_BREAKS
    return bool(found)


def check_plain(text: str, *, multiline: bool = False) -> str:
    """``text`` unchanged, or :class:`InvalidInput` if it holds a control character."""
    if has_control(text, multiline=multiline):
        raise InvalidInput(N_("input.control_chars"))
    return text


def check_day(day: date) -> date:
    """``day`` unchanged if its year is between 2000 and 2100, else :class:`InvalidInput`."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(
            N_("input.date_range"), value=day.isoformat(), first=FIRST_YEAR, last=LAST_YEAR
        )
    return day


def check_month(month: str, latest: str | None = None) -> tuple[int, int]:
    """``YYYY-MM`` as (year, month), from 2000-01 up to ``latest`` (``YYYY-MM``, default
    2100-12); anything else is :class:`InvalidInput`."""
    last = latest or f"{LAST_YEAR}-12"
    year, _, mon = month.partition("-")
    digits = year + mon
    well_formed = len(year) == 4 and len(mon) == 2 and digits.isascii() and digits.isdigit()
    if not (well_formed and 1 <= int(mon) <= 12 and f"{FIRST_YEAR}-01" <= month <= last):
        raise InvalidInput(N_("input.month_range"), value=month, first=FIRST_YEAR, last=last)
    return int(year), int(mon)
