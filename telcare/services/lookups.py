"""Loading the aggregates use cases start from, with the domain's errors for misses.

The statements of the SMS hot path are built once, at import, with bound parameters:
building a statement costs more CPU than running it (docs/benchmarks.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, bindparam, select, true
from sqlalchemy.orm import Session

from telcare.domain import catalog
from telcare.domain.errors import UnknownProduct, UnknownSubscriber
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.store.models import Account, Product, Subscriber


def subscriber(session: Session, msisdn: str, *, allow_closed: bool = False) -> Subscriber:
    number = normalise_msisdn(msisdn)
    found = session.scalar(select(Subscriber).where(Subscriber.msisdn == number))
    if found is None or (found.status == "closed" and not allow_closed):
        raise UnknownSubscriber(N_("subscriber.unknown"), msisdn=number)
    return found


@dataclass(frozen=True, slots=True)
class Holder:
    """What an order needs to know of its subscriber (no ORM object: the hot path)."""

    id: int
    msisdn: str
    brand: str
    province_code: str


_SUB = Subscriber.__table__.c
_ACCOUNT = Account.__table__.c
_PRODUCT = Product.__table__
_HOLDER_COLUMNS = (_SUB.id, _SUB.msisdn, _SUB.brand, _SUB.province_code)  # Holder's fields
_OPEN_LINE = (_SUB.msisdn == bindparam("msisdn"), _SUB.status != "closed")
_HOLDER = select(*_HOLDER_COLUMNS).where(*_OPEN_LINE)
OPEN_LINE_ID = select(_SUB.id).where(*_OPEN_LINE).scalar_subquery()
"""The id of the line whose number is the bound ``msisdn``, unless closed (a subquery)."""
_BALANCE = select(_ACCOUNT.balance_fen).where(_ACCOUNT.subscriber_id == bindparam("subscriber_id"))
_PRODUCT_BY_CODE = select(_PRODUCT).where(_PRODUCT.c.code == bindparam("code"))


def holder(session: Session, msisdn: str) -> Holder:
    """The subscriber's identity columns only (no ORM object): the order hot path."""
    number = normalise_msisdn(msisdn)
    found = session.execute(_HOLDER, {"msisdn": number}).first()
    if found is None:
        raise UnknownSubscriber(N_("subscriber.unknown"), msisdn=number)
    return Holder(*found)


_HOLDER_AND_PRODUCT = (
    select(*_HOLDER_COLUMNS, _PRODUCT)  # no product column shares a holder column's name
    .select_from(Subscriber.__table__.join(_PRODUCT, true()))  # one row of each
    .where(*_OPEN_LINE, _PRODUCT.c.code == bindparam("code"))
)


def holder_and_product(session: Session, msisdn: str, code: str) -> tuple[Holder, catalog.Product]:
    """:func:`holder` and :func:`product` in one statement (the order hot path); a miss
    is looked up again one by one, to raise the error that names what is missing."""
    number = normalise_msisdn(msisdn)
    row = session.execute(_HOLDER_AND_PRODUCT, {"msisdn": number, "code": code.upper()}).first()
    if row is None or not row.active:
        return holder(session, number), product(session, code)
    return Holder(*row[: len(_HOLDER_COLUMNS)]), to_domain(row)


def balance(session: Session, subscriber_id: int) -> int:
    """The subscriber's balance in fen, as read (no lock: to show it, not to move it;
    :func:`telcare.services.accounts.debit` moves it)."""
    return int(session.execute(_BALANCE, {"subscriber_id": subscriber_id}).scalar_one())


def account_for_update(session: Session, subscriber_id: int) -> Account:
    """The subscriber's account, row-locked until the transaction ends (PostgreSQL)."""
    return session.scalars(
        select(Account).where(Account.subscriber_id == subscriber_id).with_for_update()
    ).one()


def product(session: Session, code: str) -> catalog.Product:
    row = session.execute(_PRODUCT_BY_CODE, {"code": code.upper()}).first()
    if row is None or not row.active:
        raise UnknownProduct(N_("product.unknown"), code=code)
    return to_domain(row)


def to_domain(row: Product | Row[Any]) -> catalog.Product:
    """The domain product of a catalog row (an ORM object or a plain row)."""
    return catalog.Product(
        code=row.code,
        name_zh=row.name_zh,
        name_en=row.name_en,
        kind=catalog.ProductKind(row.kind),
        price_fen=row.price_fen,
        period=catalog.Period(row.period),
        validity_days=row.validity_days,
        allowance=catalog.Allowance(row.data_kb, row.voice_min, row.sms),
        brands=frozenset(catalog.Brand(b) for b in row.brands),
        provinces=frozenset(row.provinces) if row.provinces is not None else None,
        charged=row.charged,
        description_zh=row.description_zh,
        first_month=catalog.FirstMonth(row.first_month),
        description_en=row.description_en,
        last_update=getattr(row, "last_update", None),
    )
