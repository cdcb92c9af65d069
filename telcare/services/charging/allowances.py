"""Allowance buckets in force in a month and how much of each is used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import months
from telcare.store.charging_models import AllowanceUsage
from telcare.store.models import Product, Subscription

_month_bounds = months.bounds


@dataclass(frozen=True)
class _Bucket:
    subscriber_id: int
    subscription_id: int
    period: str
    service: int
    start: datetime
    end: datetime
    total: int
    name: str


def _buckets(s: Session, sub_ids: list[int], months: list[str]) -> list[_Bucket]:
    """Allowance buckets in force in ``months`` for these subscribers (consumption order
    is decided by the rating core: earliest end, then subscription id)."""
    out: list[_Bucket] = []
    if not sub_ids:
        return out
    far = datetime(9999, 1, 1, tzinfo=UTC)
    rows = s.execute(
        select(Subscription, Product)
        .join(Product, Product.code == Subscription.product_code)
        .where(
            Subscription.subscriber_id.in_(sub_ids),
            Subscription.state != "pending",
            (Product.data_kb > 0) | (Product.voice_min > 0) | (Product.sms > 0),
        )
    ).all()
    for sub, prod in rows:
        if sub.state in ("cancelled", "expired") and sub.ends_at is None:
            continue  # no known end: treat as never in force
        caps = (prod.data_kb, prod.voice_min, prod.sms)
        if prod.period == "once":
            days = prod.validity_days or 0
            end = sub.ends_at or (sub.starts_at + timedelta(days=days) if days else far)
            windows = [("once", sub.starts_at, end)]
        else:
            windows = []
            for month in months:
                m_start, m_end = _month_bounds(month)
                start = max(sub.starts_at, m_start)
                end = min(sub.ends_at or far, m_end)
                if start < end:
                    windows.append((month, start, end))
        for period, start, end in windows:
            for service, cap in enumerate(caps):
                if cap > 0:
                    out.append(
                        _Bucket(
                            sub.subscriber_id,
                            sub.id,
                            period,
                            service,
                            start,
                            end,
                            cap,
                            prod.name_zh,
                        )
                    )
    return out


def _used(s: Session, buckets: list[_Bucket]) -> dict[tuple[int, str], tuple[int, int, int]]:
    ids = sorted({b.subscription_id for b in buckets})
    out: dict[tuple[int, str], tuple[int, int, int]] = {}
    for i in range(0, len(ids), 5000):
        for row in s.scalars(
            select(AllowanceUsage).where(AllowanceUsage.subscription_id.in_(ids[i : i + 5000]))
        ):
            out[(row.subscription_id, row.period)] = (row.data_kb, row.voice_min, row.sms)
    return out
