"""Product specifications (TMF620): one per product kind (seeded, linked to the products
of that kind) and those HQ catalog staff add."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import catalog
from telcare.domain.access import Principal
from telcare.domain.errors import NotFound
from telcare.domain.inputs import check_plain
from telcare.domain.messages import N_
from telcare.services.api_queries import Page
from telcare.services.catalog_admin.drafts import _number, _require_staff
from telcare.store import models as m
from telcare.store import tmf_models as t
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class SpecView:
    id: int
    name: str
    description: str
    brand: str
    lifecycle: str
    last_update: datetime


def _spec_view(r: t.ProductSpec) -> SpecView:
    return SpecView(r.id, r.name, r.description, r.brand, r.lifecycle_status, r.last_update)


KIND_SPECS = {
    catalog.ProductKind.BASE_PLAN: ("Base plan", "套餐：月租、通话、数据与短信"),
    catalog.ProductKind.ADDON: ("Add-on pack", "叠加包：在套餐之上增加的通话、数据或短信"),
    catalog.ProductKind.PROMOTION: ("Promotion", "优惠活动：限时或限定人群的资费"),
}


def ensure_kind_specs(s: Session, now: datetime) -> None:
    """One specification per product kind, linked to the products without one."""
    for kind, (name, description) in KIND_SPECS.items():
        row = s.scalar(
            select(t.ProductSpec).where(t.ProductSpec.name == name, t.ProductSpec.brand == "")
        )
        if row is None:
            row = t.ProductSpec(
                name=name,
                description=description,
                brand="",
                lifecycle_status="launched",
                created_by="telcare",
                created_at=now,
                last_update=now,
            )
            s.add(row)
            s.flush()
        for p in s.scalars(
            select(m.Product).where(m.Product.kind == kind.value, m.Product.spec_id.is_(None))
        ):
            p.spec_id = row.id


def create_spec(db: Database, who: Principal, name: str, description: str, brand: str) -> SpecView:
    _require_staff(who)
    check_plain(name + brand)
    check_plain(description, multiline=True)
    now = clock.now()
    with db.uow() as uow:
        row = t.ProductSpec(
            name=name,
            description=description,
            brand=brand,
            lifecycle_status="inStudy",
            created_by=who.subject,
            created_at=now,
            last_update=now,
        )
        uow.session.add(row)
        uow.commit()
        return _spec_view(row)


def spec(db: Database, spec_id: str) -> SpecView:
    with db.uow() as uow:
        row = uow.session.get(t.ProductSpec, _number(spec_id))
        if row is None:
            raise NotFound(N_("api.not_found"))
        return _spec_view(row)


def specs(db: Database, offset: int, limit: int) -> Page[SpecView]:
    with db.uow() as uow:
        s = uow.session
        total = s.scalar(select(func.count()).select_from(t.ProductSpec)) or 0
        rows = s.scalars(
            select(t.ProductSpec).order_by(t.ProductSpec.id).offset(offset).limit(limit)
        )
        return Page([_spec_view(r) for r in rows], total)
