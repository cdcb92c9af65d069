"""Product offering prices (TMF620): the prices of products on sale (read-only, the
product's code as id) and draft prices (``pop-<n>``) that charge once their offering is
launched."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain.access import Principal
from telcare.domain.errors import Conflict, NotFound
from telcare.domain.inputs import check_plain
from telcare.domain.messages import N_
from telcare.services.api_queries import Page
from telcare.services.catalog_admin.drafts import (
    DRAFT,
    PRICE,
    PriceView,
    _find_offering,
    _number,
    _require_staff,
    lifecycle,
)
from telcare.store import models as m
from telcare.store import tmf_models as t
from telcare.store.uow import Database


def _product_price(p: m.Product) -> PriceView:
    return PriceView(
        p.code,
        p.name_en,
        "recurring" if p.period == "monthly" else "oneTime",
        p.price_fen,
        "launched" if p.active else "retired",
        p.last_update,
        p.code,
    )


def _draft_price(s: Session, r: t.OfferingPriceDraft) -> PriceView:
    offering = None
    if r.offering_id is not None:
        draft = s.get_one(t.OfferingDraft, r.offering_id)
        offering = draft.product_code or f"{DRAFT}{draft.id}"
    return PriceView(
        f"{PRICE}{r.id}",
        r.name,
        r.price_type,
        r.price_fen,
        r.lifecycle_status,
        r.last_update,
        offering,
    )


def prices(db: Database, offset: int, limit: int) -> Page[PriceView]:
    """The prices of products on sale (by code), then the draft prices (by id)."""
    with db.uow() as uow:
        s = uow.session
        on_sale = m.Product.active.is_(True)
        n_products = s.scalar(select(func.count()).select_from(m.Product).where(on_sale)) or 0
        n_drafts = s.scalar(select(func.count()).select_from(t.OfferingPriceDraft)) or 0
        query = select(m.Product).where(on_sale).order_by(m.Product.code)
        views = [_product_price(p) for p in s.scalars(query.offset(offset).limit(limit))]
        if len(views) < limit:
            drafts = s.scalars(
                select(t.OfferingPriceDraft)
                .order_by(t.OfferingPriceDraft.id)
                .offset(max(0, offset - n_products))
                .limit(limit - len(views))
            )
            views.extend(_draft_price(s, r) for r in drafts)
        return Page(views, n_products + n_drafts)


def _find(s: Session, price_id: str) -> t.OfferingPriceDraft | m.Product:
    row: t.OfferingPriceDraft | m.Product | None
    if price_id.startswith(PRICE):
        row = s.get(t.OfferingPriceDraft, _number(price_id, PRICE))
    else:
        row = s.get(m.Product, price_id) if len(price_id) <= 20 else None
    if row is None:
        raise NotFound(N_("api.not_found"))
    return row


def price(db: Database, price_id: str) -> PriceView:
    with db.uow() as uow:
        s = uow.session
        row = _find(s, price_id)
        return _product_price(row) if isinstance(row, m.Product) else _draft_price(s, row)


def create_price(
    db: Database,
    who: Principal,
    *,
    name: str,
    price_type: str,
    price_fen: int | None,
    status: str,
    offering_id: str | None,
) -> PriceView:
    """A draft price, attached to a draft offering or not (yet)."""
    _require_staff(who)
    check_plain(name)
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        attach = None
        if offering_id is not None:
            draft, product = _find_offering(s, offering_id)
            if product is not None or draft is None:
                raise Conflict(N_("catalog.launched"))
            attach = draft.id
        row = t.OfferingPriceDraft(
            name=name,
            description="",
            price_type=price_type,
            price_fen=price_fen,
            lifecycle_status=lifecycle(status),
            offering_id=attach,
            created_by=who.subject,
            created_at=now,
            last_update=now,
        )
        s.add(row)
        uow.commit()
        return _draft_price(s, row)


def _draft_only(s: Session, price_id: str) -> t.OfferingPriceDraft:
    row = _find(s, price_id)
    if isinstance(row, m.Product) or row.lifecycle_status == "launched":
        raise Conflict(N_("catalog.launched"))
    return row


def update_price(db: Database, who: Principal, price_id: str, changes: dict[str, Any]) -> PriceView:
    """Change a draft price (a launched one keeps its price: the pricing history)."""
    _require_staff(who)
    check_plain(changes.get("name", ""))
    with db.uow() as uow:
        s = uow.session
        row = _draft_only(s, price_id)
        row.name = changes.get("name", row.name)
        row.price_type = changes.get("priceType", row.price_type)
        row.price_fen = changes.get("price_fen", row.price_fen)
        if "lifecycleStatus" in changes:
            row.lifecycle_status = lifecycle(changes["lifecycleStatus"])
        row.last_update = clock.now()
        uow.commit()
        return _draft_price(s, row)


def delete_price(db: Database, who: Principal, price_id: str) -> None:
    _require_staff(who)
    with db.uow() as uow:
        s = uow.session
        s.delete(_draft_only(s, price_id))
        uow.commit()
