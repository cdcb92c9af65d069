"""Self-service queries and actions shared by SMS, the business hall and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, bindparam, or_, select

from telcare import clock
from telcare.domain.catalog import Brand
from telcare.domain.errors import UnknownSubscriber
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.subscriptions import last_day
from telcare.services import lookups
from telcare.store.models import Account, Product, Subscriber, Subscription
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
    cancelled: bool = False  # cancelled, still in force until ``ends_at`` (month end)

    @property
    def last_day(self) -> date | None:
        """The last local day it can be used (``ends_at`` is the first instant after)."""
        return None if self.ends_at is None else last_day(self.ends_at)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


_S, _A = Subscriber.__table__, Account.__table__
_OVERVIEW = (
    select(
        _S.c.msisdn,
        _S.c.brand,
        _S.c.province_code,
        _S.c.language,
        _S.c.status,
        _A.c.balance_fen,
        _A.c.points,
    )
    .join_from(_S, _A, _A.c.subscriber_id == _S.c.id)
    .where(_S.c.msisdn == bindparam("msisdn"), _S.c.status != "closed")
)


def overview(db: Database, msisdn: str) -> Overview:
    """Balance, points and identity of one subscriber (one prebuilt query: the SMS hot
    path, run before every command)."""
    number = normalise_msisdn(msisdn)
    with db.read() as uow:
        row = uow.session.execute(_OVERVIEW, {"msisdn": number}).one_or_none()
    if row is None:
        raise UnknownSubscriber(N_("subscriber.unknown"), msisdn=number)
    return Overview(row[0], Brand(row[1]), *row[2:])


def packages(db: Database, msisdn: str) -> list[PackageInForce]:
    """Subscriptions in force now (a plan change waiting for the 1st is
    :func:`telcare.services.orders.pending_change`), base plan first.

    A package cancelled this month is still in force until the month ends: it is listed,
    marked ``cancelled``, until then (the hall's 在用套餐, ``CXTC`` and ``0000`` share this).
    """
    now = clock.now()
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        rows = uow.session.execute(
            select(Subscription, Product)
            .join(Product, Product.code == Subscription.product_code)
            .where(
                Subscription.subscriber_id == sub.id,
                or_(
                    Subscription.state == "active",
                    and_(Subscription.state == "cancelled", Subscription.ends_at.is_not(None)),
                ),
                Subscription.starts_at <= now,
                or_(Subscription.ends_at.is_(None), Subscription.ends_at > now),
            )
            .order_by(Product.kind != "base_plan", Subscription.starts_at)
        ).all()
        return [
            PackageInForce(
                s.id,
                p.code,
                p.name_zh,
                p.name_en,
                p.price_fen,
                p.charged,
                s.starts_at,
                s.ends_at,
                s.state == "cancelled",
            )
            for s, p in rows
        ]
