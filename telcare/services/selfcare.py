"""Self-service queries and actions shared by SMS, the business hall and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from telcare.domain.catalog import Brand
from telcare.domain.errors import DomainError
from telcare.services import lookups
from telcare.store.models import Product, Subscription
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class Overview:
    msisdn: str
    brand: Brand
    province: str
    language: str
    status: str
    balance_fen: int
    points: int


@dataclass(frozen=True, slots=True)
class PackageInForce:
    subscription_id: int
    code: str
    name_zh: str
    name_en: str
    price_fen: int
    charged: bool
    starts_at: datetime
    ends_at: datetime | None

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def overview(db: Database, msisdn: str) -> Overview:
    """Balance, points and identity of one subscriber."""
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        return Overview(
            msisdn=sub.msisdn,
            brand=Brand(sub.brand),
            province=sub.province_code,
            language=sub.language,
            status=sub.status,
            balance_fen=sub.account.balance_fen,
            points=sub.account.points,
        )


def language_of(db: Database, msisdn: str) -> str:
    """The subscriber's reply language; ``zh`` for anyone unknown."""
    try:
        return overview(db, msisdn).language
    except DomainError:  # an unknown sender still gets a zh reply
        return "zh"


def packages(db: Database, msisdn: str) -> list[PackageInForce]:
    """Subscriptions in force (active), base plan first."""
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        rows = uow.session.execute(
            select(Subscription, Product)
            .join(Product, Product.code == Subscription.product_code)
            .where(Subscription.subscriber_id == sub.id, Subscription.state == "active")
            .order_by(Product.kind != "base_plan", Subscription.starts_at)
        ).all()
        return [
            PackageInForce(
                s.id, p.code, p.name_zh, p.name_en, p.price_fen, p.charged, s.starts_at, s.ends_at
            )
            for s, p in rows
        ]
