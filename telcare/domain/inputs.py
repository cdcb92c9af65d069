"""Input from outside: text without NUL or other control characters, days and months in range.

PostgreSQL refuses a NUL in any text column and Python's dates stop at year 9999, so a
value that breaks either must be refused where it comes in, with a 4xx and a message,
never reach the store or a date computation.
"""

from __future__ import annotations

from datetime import date

from telcare.domain.errors import InvalidInput
from telcare.domain.messages import register

# C0 controls and DEL; tab, line feed and carriage return are allowed in multi-line text.
CONTROL = frozenset(chr(code) for code in range(0x20)) | {"\x7f"}
LINE_BREAKS = frozenset("\t\n\r")
FIRST_YEAR = 2000
LAST_YEAR = 2100

TEXTS: dict[str, tuple[str, str]] = {
    "input.control_chars": (
        "输入含有不允许的控制字符，请删除后重试。",
        "The input contains control characters that are not allowed; remove them and retry.",
    ),
    "input.date_range": (
        "日期{value}超出范围（{first}年至{last}年）。",
        "The date {value} is out of range (years {first} to {last}).",
    ),
    "input.month_range": (
        "月份“{value}”无效或超出范围（{first}-01 至 {last}）。",
        "The month '{value}' is not valid or out of range ({first}-01 to {last}).",
    ),
}
register(TEXTS)


def has_control(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds a control character (tab and line breaks pass if ``multiline``)."""
    found = CONTROL.intersection(text)
    if multiline:
        found -= LINE_BREAKS
    return bool(found)


def check_plain(text: str, *, multiline: bool = False) -> str:
    """``text`` unchanged, or :class:`InvalidInput` if it holds a control character."""
    if has_control(text, multiline=multiline):
        raise InvalidInput("input.control_chars")
    return text


def check_day(day: date) -> date:
    """``day`` unchanged if its year is between 2000 and 2100, else :class:`InvalidInput`."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(
            "input.date_range", value=day.isoformat(), first=FIRST_YEAR, last=LAST_YEAR
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
        raise InvalidInput("input.month_range", value=month, first=FIRST_YEAR, last=last)
    return int(year), int(mon)
