"""Subscription rules: when packages start and end, and the confirmation window."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from telcare.domain.catalog import Period, Product

OPERATOR_TZ = ZoneInfo("Asia/Shanghai")
CONFIRMATION_TTL = timedelta(hours=24)


def ends_at(product: Product, starts_at: datetime) -> datetime | None:
    """A monthly package runs until cancelled; a one-off runs ``validity_days``."""
    if product.period is Period.ONCE and product.validity_days:
        return starts_at + timedelta(days=product.validity_days)
    return None


def last_day(ends_at: datetime) -> date:
    """The last local day of something that ends at ``ends_at`` (an exclusive instant:
    a package cancelled in December ends at 1 January 00:00, its last day is 31 December)."""
    return (ends_at.astimezone(OPERATOR_TZ) - timedelta(microseconds=1)).date()


def month_end(now: datetime) -> datetime:
    """The first instant of the next calendar month in the operator's time zone.

    Cancelling a monthly package takes effect then: the month is paid for.
    """
    local = now.astimezone(OPERATOR_TZ)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return datetime(year, month, 1, tzinfo=OPERATOR_TZ)


def in_force(starts_at: datetime, ends: datetime | None, when: datetime) -> bool:
    """A subscription is in force over ``[starts_at, ends)``, whatever its state label."""
    return starts_at <= when and (ends is None or when < ends)


def confirmation_expired(created_at: datetime, now: datetime) -> bool:
    return now >= created_at + CONFIRMATION_TTL
