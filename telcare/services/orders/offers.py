"""What an order is about and how it ends: Offer, Pending, Subscribed, Cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telcare.domain.catalog import Product
from telcare.store import models as m


@dataclass(frozen=True, slots=True)
class Offer:
    code: str
    name_zh: str
    name_en: str
    price_fen: int
    period: str = "monthly"
    validity_days: int | None = None
    first_month: str = "full"  # the catalog's FirstMonth terms, shown before ``Y``

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    @classmethod
    def of(cls, p: Product | m.Product) -> Offer:
        if isinstance(p, Product):
            period, first = p.period.value, p.first_month.value
        else:
            period, first = p.period, p.first_month
        return cls(p.code, p.name_zh, p.name_en, p.price_fen, period, p.validity_days, first)


@dataclass(frozen=True, slots=True)
class Pending:
    """A charged order waiting for the subscriber's confirmation."""

    offer: Offer
    expires_at: datetime
    replaced: Offer | None  # the earlier pending order this one replaced
    starts_at: datetime | None = None  # a base-plan change: the 1st it takes effect
    first_fee_fen: int | None = None  # what ``Y`` charges now (the first month's terms)


@dataclass(frozen=True, slots=True)
class Subscribed:
    offer: Offer
    subscription_id: int
    balance_fen: int
    ends_at: datetime | None
    starts_at: datetime | None = None  # later than now for a base-plan change
    charged_fen: int | None = None  # the first month's fee charged (None: the price)


@dataclass(frozen=True, slots=True)
class Cancelled:
    offer: Offer
    effective_at: datetime
