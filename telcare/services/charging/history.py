"""A subscriber's use month by month (the hall's usage chart)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from telcare import clock
from telcare.domain.months import bounds, month_of
from telcare.services import lookups
from telcare.store.charging_models import UsageDay
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class MonthUse:
    month: str  # YYYY-MM
    data_kb: int
    voice_min: int
    sms: int
    charged_fen: int  # out-of-package charges posted to the ledger


def last_months(now_month: str, count: int) -> list[str]:
    """``count`` months ending with ``now_month``, oldest first."""
    year, mon = (int(x) for x in now_month.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year, mon - 1) if mon > 1 else (year - 1, 12)
    return out[::-1]


def usage_history(db: Database, msisdn: str, months: int = 6) -> list[MonthUse]:
    """The last ``months`` months (this one included) of use, oldest first; a month
    without use is there with zeros."""
    wanted = last_months(month_of(clock.now()), months)
    start, _ = bounds(wanted[0])
    with db.read() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        rows = s.execute(
            select(
                UsageDay.day,
                UsageDay.data_kb,
                UsageDay.voice_min,
                UsageDay.sms,
                UsageDay.charged_fen,
            ).where(UsageDay.subscriber_id == sub.id, UsageDay.day >= start.date())
        ).all()
    sums = {m: [0, 0, 0, 0] for m in wanted}  # in Python: at most ~186 day rows
    for day, kb, mins, sms, fen in rows:
        key = f"{day.year:04d}-{day.month:02d}"
        if key in sums:
            for i, v in enumerate((kb, mins, sms, fen)):
                sums[key][i] += int(v or 0)
    return [MonthUse(m, *sums[m]) for m in wanted]
