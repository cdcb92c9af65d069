"""The product catalog (TMF620): active offerings, paged, and one by code."""

from __future__ import annotations

from sqlalchemy import func, select

from telcare.domain import catalog
from telcare.services import lookups
from telcare.services.api_queries.views import Page
from telcare.store import models as m
from telcare.store.uow import Database


def offerings(db: Database, offset: int, limit: int) -> Page[catalog.Product]:
    """Active products, by code."""
    with db.uow() as uow:
        s = uow.session
        where = m.Product.active.is_(True)
        total = s.scalar(select(func.count()).select_from(m.Product).where(where)) or 0
        rows = s.scalars(
            select(m.Product).where(where).order_by(m.Product.code).offset(offset).limit(limit)
        ).all()
        return Page([lookups.to_domain(r) for r in rows], total)


def offering(db: Database, code: str) -> catalog.Product:
    with db.uow() as uow:
        return lookups.product(uow.session, code)
