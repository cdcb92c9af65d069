"""Lines and customers (TMF629, TMF654 buckets): the ones the caller may see, paged or by id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden, InvalidInput, NotFound
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.services import lookups
from telcare.services.api_queries.views import Line, Page, _checked, _line, visible_lines
from telcare.store import models as m
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class CustomerView:
    id: int
    name: str
    province: str
    created_at: datetime
    lines: tuple[Line, ...]  # only the lines the caller may see


def line_by_id(db: Database, who: Principal, subscriber_id: int) -> Line:
    with db.uow() as uow:
        return _checked(who, uow.session.get(m.Subscriber, subscriber_id))


def line_by_msisdn(db: Database, who: Principal, msisdn: str) -> Line:
    with db.uow() as uow:
        return _checked(who, lookups.subscriber(uow.session, msisdn))


def line_for(db: Database, who: Principal, msisdn: str | None) -> Line:
    """The line named by ``msisdn``; a subscriber may leave it out (their own)."""
    if msisdn is None:
        if who.kind is not Kind.SUBSCRIBER:
            raise InvalidInput(N_("api.msisdn_required"))
        msisdn = who.subject
    return line_by_msisdn(db, who, msisdn)


def lines(db: Database, who: Principal, offset: int, limit: int) -> Page[Line]:
    """Every open line the caller may see, by id."""
    where = (visible_lines(who), m.Subscriber.status != "closed")
    with db.uow() as uow:
        s = uow.session
        total = s.scalar(select(func.count()).select_from(m.Subscriber).where(*where)) or 0
        rows = s.scalars(
            select(m.Subscriber).where(*where).order_by(m.Subscriber.id).offset(offset).limit(limit)
        ).all()
        return Page([_line(r) for r in rows], total)


def _customer_view(s: Session, who: Principal, row: m.Customer) -> CustomerView | None:
    subs = s.scalars(
        select(m.Subscriber)
        .where(m.Subscriber.customer_id == row.id, m.Subscriber.status != "closed")
        .order_by(m.Subscriber.id)
    ).all()
    visible = []
    for sub in subs:
        try:
            visible.append(_checked(who, sub))
        except Forbidden:
            continue
    staff_sees = who.kind is Kind.STAFF and who.province in (HQ, row.province_code)
    if not visible and not staff_sees:
        return None
    return CustomerView(row.id, row.name, row.province_code, row.created_at, tuple(visible))


def customer(db: Database, who: Principal, customer_id: int) -> CustomerView:
    """A customer whose province (staff) or one of whose lines (anyone) the caller may see."""
    with db.uow() as uow:
        row = uow.session.get(m.Customer, customer_id)
        if row is None:
            raise NotFound(N_("api.not_found"))
        view = _customer_view(uow.session, who, row)
        if view is None:
            raise Forbidden(N_("access.denied"))
        return view


def customers(db: Database, who: Principal, offset: int, limit: int) -> Page[CustomerView]:
    if who.kind is Kind.SUBSCRIBER:
        where: Any = m.Customer.id.in_(
            select(m.Subscriber.customer_id).where(m.Subscriber.msisdn == who.subject)
        )
    elif who.kind is Kind.STAFF:
        where = true() if who.province == HQ else m.Customer.province_code == who.province
    else:
        raise Forbidden(N_("access.denied"))
    with db.uow() as uow:
        s = uow.session
        total = s.scalar(select(func.count()).select_from(m.Customer).where(where)) or 0
        rows = s.scalars(
            select(m.Customer).where(where).order_by(m.Customer.id).offset(offset).limit(limit)
        ).all()
        views = [_customer_view(s, who, r) for r in rows]
        return Page([v for v in views if v is not None], total)
