"""Subscribers' default delivery addresses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from telcare.domain import loyalty as rules
from telcare.services import lookups
from telcare.store import loyalty_models as lm
from telcare.store.uow import Database

from .days import _now


def _address_of(row: lm.DeliveryAddress) -> rules.Address:
    return rules.Address(row.recipient, row.phone, row.province_code, row.city, row.street)


def default_address(db: Database, msisdn: str) -> rules.Address | None:
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        row = uow.session.get(lm.DeliveryAddress, sub.id)
        return _address_of(row) if row else None


def save_address(
    db: Database, msisdn: str, address: rules.Address, *, now: datetime | None = None
) -> rules.Address:
    """Make ``address`` the subscriber's default delivery address."""
    clean = rules.check_address(address)
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        put_address(uow.session, sub.id, clean, _now(now))
        uow.commit()
    return clean


def put_address(s: Session, subscriber_id: int, a: rules.Address, now: datetime) -> None:
    """Make ``a`` the subscriber's default address, in the caller's session (no checks)."""
    row = s.get(lm.DeliveryAddress, subscriber_id)
    if row is None:
        row = lm.DeliveryAddress(subscriber_id=subscriber_id)
        s.add(row)
    row.recipient, row.phone, row.province_code = a.recipient, a.phone, a.province
    row.city, row.street, row.updated_at = a.city, a.street, now
