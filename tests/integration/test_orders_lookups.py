"""Ordering's combined lookups name what is missing, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Executable, func, select, update

from telcare.domain.errors import NothingPending, UnknownProduct, UnknownSubscriber
from telcare.services import orders
from telcare.store import models as m
from telcare.store.uow import Database

BJ = "13800138000"


def set_(db: Database, statement: Executable) -> None:
    with db.uow() as uow:
        uow.session.execute(statement)
        uow.commit()


def pending_rows(db: Database) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(m.PendingConfirmation)) or 0


@pytest.mark.parametrize(
    ("msisdn", "code", "error"),
    [
        ("13800138001", "G3YH", UnknownSubscriber),  # no such line
        (BJ, "NOPE", UnknownProduct),  # no such product
        ("13800138001", "NOPE", UnknownSubscriber),  # both: the line is named first
    ],
)
def test_an_order_names_what_is_missing(
    db: Database, msisdn: str, code: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        orders.request_subscription(db, msisdn, code, channel="sms")
    assert pending_rows(db) == 0


def test_a_withdrawn_product_or_a_closed_line_cannot_order(db: Database) -> None:
    set_(db, update(m.Product).where(m.Product.code == "G3YH").values(active=False))
    with pytest.raises(UnknownProduct):
        orders.request_subscription(db, BJ, "G3YH", channel="sms")
    set_(db, update(m.Subscriber).where(m.Subscriber.msisdn == BJ).values(status="closed"))
    with pytest.raises(UnknownSubscriber):
        orders.request_subscription(db, BJ, "G3YH", channel="sms")


def test_a_confirmation_names_what_is_missing_and_keeps_the_order(db: Database) -> None:
    with pytest.raises(UnknownSubscriber):
        orders.confirm(db, "13800138001")
    with pytest.raises(NothingPending):
        orders.confirm(db, BJ)
    orders.request_subscription(db, BJ, "G3YH", channel="sms")
    set_(db, update(m.Subscriber).where(m.Subscriber.msisdn == BJ).values(status="closed"))
    with pytest.raises(UnknownSubscriber):
        orders.confirm(db, BJ)
    assert pending_rows(db) == 1  # a closed line's order is neither taken nor charged
    set_(db, update(m.Subscriber).where(m.Subscriber.msisdn == BJ).values(status="active"))
    done = orders.confirm(db, BJ)
    assert isinstance(done, orders.Subscribed) and done.offer.code == "G3YH"
    assert pending_rows(db) == 0
