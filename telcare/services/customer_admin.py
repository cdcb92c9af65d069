"""Customers created and renamed by staff (TMF629 ``POST``/``PATCH customer``): counter
staff and admins of a province for their province, headquarters for any."""

from __future__ import annotations

from telcare import clock
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden, InvalidInput, NotFound
from telcare.domain.inputs import check_plain
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ, is_province
from telcare.services.api_queries import CustomerView, customer
from telcare.store import models as m
from telcare.store.uow import Database

CUSTOMER_ROLES = frozenset({"admin", "agent"})


def _province(who: Principal, wanted: str | None) -> str:
    if who.kind is not Kind.STAFF or who.role not in CUSTOMER_ROLES:
        raise Forbidden(N_("api.role"))
    if who.province != HQ:
        if wanted not in (None, who.province):
            raise Forbidden(N_("access.denied"))
        return who.province
    if wanted is None or wanted == HQ or not is_province(wanted):
        raise InvalidInput(N_("customer.province"))
    return wanted


def _name(name: str) -> str:
    cleaned = " ".join(check_plain(name).split())
    if not cleaned:
        raise InvalidInput(N_("customer.name"))
    return cleaned[:80]


def create_customer(db: Database, who: Principal, name: str, province: str | None) -> CustomerView:
    """A new customer (no lines yet) in the staff member's province (HQ: ``province``)."""
    code = _province(who, province)
    with db.uow() as uow:
        row = m.Customer(name=_name(name), province_code=code, created_at=clock.now())
        uow.session.add(row)
        uow.commit()
        new_id = row.id
    return customer(db, who, new_id)


def rename_customer(db: Database, who: Principal, customer_id: int, name: str) -> CustomerView:
    """Change a visible customer's name (staff of their province or HQ)."""
    with db.uow() as uow:
        row = uow.session.get(m.Customer, customer_id)
        if row is None:
            raise NotFound(N_("api.not_found"))
        _province(who, row.province_code)
        row.name = _name(name)
        uow.commit()
    return customer(db, who, customer_id)
