"""Calendar months (``YYYY-MM``) in the operator's time zone, Asia/Shanghai."""

from __future__ import annotations

from datetime import datetime

from telcare.domain.subscriptions import OPERATOR_TZ


def month_of(when: datetime) -> str:
    """The calendar month of ``when`` in the operator's time zone."""
    return when.astimezone(OPERATOR_TZ).strftime("%Y-%m")


def bounds(month: str) -> tuple[datetime, datetime]:
    """``[start, end)`` of ``month`` in the operator's time zone; ValueError if unreadable."""
    year, mon = (int(part) for part in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=OPERATOR_TZ)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=OPERATOR_TZ)
    return start, end


def next_month(month: str) -> str:
    year, mon = (int(part) for part in month.split("-"))
    return f"{year + mon // 12}-{mon % 12 + 1:02d}"
