"""A subscriber's month: use, allowances left and out-of-package charges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from telcare import clock
from telcare.domain import rating
from telcare.domain.errors import InvalidInput
from telcare.domain.months import month_of
from telcare.services import lookups
from telcare.services.charging.allowances import _buckets, _month_bounds, _used
from telcare.services.charging.records import SERVICE_NAMES, UFEN_COLUMNS, UNIT_COLUMNS
from telcare.store.charging_models import UsageDay
from telcare.store.models import Product, Subscription
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class AllowanceLeft:
    """One allowance of one package in force in the month."""

    subscription_id: int
    code: str
    name_zh: str
    name_en: str
    service: str  # data | voice | sms
    total: int  # KB, minutes or messages
    used: int
    ends_at: datetime | None

    @property
    def left(self) -> int:
        return max(self.total - self.used, 0)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True, slots=True)
class UsageSummary:
    """A subscriber's month: use, allowances left and out-of-package charges (fen).

    ``*_charge_fen`` are the month's exact charges per service rounded once for
    display; ``charged_fen`` is what the ledger holds (rounded per day).
    """

    msisdn: str
    month: str
    data_kb: int
    voice_min: int
    sms: int
    data_charge_fen: int
    voice_charge_fen: int
    sms_charge_fen: int
    charged_fen: int
    allowances: tuple[AllowanceLeft, ...]

    def left(self, service: str) -> int:
        return sum(a.left for a in self.allowances if a.service == service)


def usage_summary(db: Database, msisdn: str, month: str | None = None) -> UsageSummary:
    """This (or ``month``, ``YYYY-MM``) month's use, allowances left and charges."""
    month = month or month_of(clock.now())
    try:
        m_start, m_end = _month_bounds(month)
    except ValueError as exc:
        raise InvalidInput("usage.bad_month", month=month) from exc
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        sums = s.execute(
            select(
                *(
                    func.coalesce(func.sum(getattr(UsageDay, c)), 0)
                    for c in (*UNIT_COLUMNS, *UFEN_COLUMNS, "charged_fen")
                )
            ).where(
                UsageDay.subscriber_id == sub.id,
                UsageDay.day >= m_start.date(),
                UsageDay.day < m_end.date(),
            )
        ).one()
        totals = [int(x) for x in sums]
        allowances: list[AllowanceLeft] = []
        buckets = [b for b in _buckets(s, [sub.id], [month]) if b.start < m_end and b.end > m_start]
        used = _used(s, buckets)
        products = {
            sid: (code, zh, en, ends)
            for sid, code, zh, en, ends in s.execute(
                select(
                    Subscription.id,
                    Product.code,
                    Product.name_zh,
                    Product.name_en,
                    Subscription.ends_at,
                )
                .join(Product, Product.code == Subscription.product_code)
                .where(Subscription.id.in_({b.subscription_id for b in buckets}))
            )
        }
        for b in sorted(buckets, key=lambda b: (b.end, b.subscription_id, b.service)):
            code, zh, en, ends = products[b.subscription_id]
            allowances.append(
                AllowanceLeft(
                    b.subscription_id,
                    code,
                    zh,
                    en,
                    SERVICE_NAMES[b.service],
                    b.total,
                    used.get((b.subscription_id, b.period), (0, 0, 0))[b.service],
                    ends,
                )
            )
        return UsageSummary(
            msisdn=sub.msisdn,
            month=month,
            data_kb=totals[0],
            voice_min=totals[1],
            sms=totals[2],
            data_charge_fen=rating.ufen_to_fen(totals[3]),
            voice_charge_fen=rating.ufen_to_fen(totals[4]),
            sms_charge_fen=rating.ufen_to_fen(totals[5]),
            charged_fen=totals[6],
            allowances=tuple(allowances),
        )
