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

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    @classmethod
    def of(cls, p: Product | m.Product) -> Offer:
        period = p.period.value if isinstance(p, Product) else p.period
        return cls(p.code, p.name_zh, p.name_en, p.price_fen, period, p.validity_days)


@dataclass(frozen=True, slots=True)
class Pending:
    """A charged order waiting for the subscriber's confirmation."""

    offer: Offer
    expires_at: datetime
    replaced: Offer | None  # the earlier pending order this one replaced


@dataclass(frozen=True, slots=True)
class Subscribed:
    offer: Offer
    subscription_id: int
    balance_fen: int
    ends_at: datetime | None


@dataclass(frozen=True, slots=True)
class Cancelled:
    offer: Offer
    effective_at: datetime
