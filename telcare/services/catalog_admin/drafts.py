"""Offerings (TMF620): the catalog on sale plus the drafts not launched, and what the
specifications and prices share (ids, lifecycle statuses, who may change the catalog).

IDs: a product on sale is its code (``G3YH``, or ``API<n>`` for one launched through the
API); a draft offering not yet launched is ``draft-<n>``; a draft price ``pop-<n>``, and
the price of a product on sale its code. Reads are public; changes need headquarters
staff of a catalog role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import catalog
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from telcare.domain.inputs import check_plain
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.services import lookups
from telcare.services.api_queries import Page
from telcare.store import models as m
from telcare.store import tmf_models as t
from telcare.store.uow import Database

CATALOG_ROLES = frozenset({"admin", "catalog"})
LIFECYCLES: tuple[str, ...] = ("inStudy", "inDesign", "inTest", "active", "launched")
LIFECYCLES += ("retired", "obsolete", "rejected")
DRAFT, PRICE, API = "draft-", "pop-", "API"


def lifecycle(text: str) -> str:
    """The canonical lifecycle status of ``text`` (``In study``, ``Launched``… any case)."""
    key = text.replace(" ", "").lower()
    for status in LIFECYCLES:
        if status.lower() == key:
            return status
    raise InvalidInput(N_("catalog.lifecycle"), status=text[:20])


def _require_staff(who: Principal) -> None:
    if who.kind is not Kind.STAFF or who.province != HQ or who.role not in CATALOG_ROLES:
        raise Forbidden(N_("catalog.staff"))


@dataclass(frozen=True, slots=True)
class OfferingView:
    id: str
    name_zh: str
    name_en: str
    description: str
    lifecycle: str
    last_update: datetime | None
    spec_id: int | None = None
    product: catalog.Product | None = None  # on sale (or retired) as this product


@dataclass(frozen=True, slots=True)
class PriceView:
    id: str
    name: str
    price_type: str
    price_fen: int | None
    lifecycle: str
    last_update: datetime | None
    offering_id: str | None = None


def _number(raw: str, prefix: str = "") -> int:
    digits = raw.removeprefix(prefix) if prefix and raw.startswith(prefix) else None
    if prefix and digits is None:
        raise NotFound(N_("api.not_found"))
    digits = digits if prefix else raw
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 9:
        raise NotFound(N_("api.not_found"))
    return int(digits)


# --- offerings -------------------------------------------------------------------------


def _product_view(p: m.Product, draft: t.OfferingDraft | None) -> OfferingView:
    return OfferingView(
        p.code,
        p.name_zh,
        p.name_en,
        p.description_en,
        "launched" if p.active else "retired",
        draft.last_update if draft is not None else p.last_update,
        p.spec_id,
        lookups.to_domain(p),
    )


def _draft_view(s: Session, d: t.OfferingDraft) -> OfferingView:
    if d.product_code is not None:
        return _product_view(s.get_one(m.Product, d.product_code), d)
    return OfferingView(
        f"{DRAFT}{d.id}",
        d.name,
        d.name,
        d.description,
        d.lifecycle_status,
        d.last_update,
        d.spec_id,
    )


def _draft_of(s: Session, code: str) -> t.OfferingDraft | None:
    return s.scalar(select(t.OfferingDraft).where(t.OfferingDraft.product_code == code))


def offerings(db: Database, offset: int, limit: int) -> Page[OfferingView]:
    """Products on sale (by code), then the drafts not launched (by id)."""
    with db.uow() as uow:
        s = uow.session
        on_sale = m.Product.active.is_(True)
        unlaunched = t.OfferingDraft.product_code.is_(None)
        n_products = s.scalar(select(func.count()).select_from(m.Product).where(on_sale)) or 0
        n_drafts = s.scalar(select(func.count()).select_from(t.OfferingDraft).where(unlaunched))
        views = [
            _product_view(p, _draft_of(s, p.code))
            for p in s.scalars(
                select(m.Product)
                .where(on_sale)
                .order_by(m.Product.code)
                .offset(offset)
                .limit(limit)
            )
        ]
        if len(views) < limit:
            drafts = s.scalars(
                select(t.OfferingDraft)
                .where(unlaunched)
                .order_by(t.OfferingDraft.id)
                .offset(max(0, offset - n_products))
                .limit(limit - len(views))
            )
            views.extend(_draft_view(s, d) for d in drafts)
        return Page(views, n_products + (n_drafts or 0))


def _find_offering(s: Session, offering_id: str) -> tuple[t.OfferingDraft | None, m.Product | None]:
    if offering_id.startswith(DRAFT):
        draft = s.get(t.OfferingDraft, _number(offering_id, DRAFT))
        if draft is None:
            raise NotFound(N_("api.not_found"))
        product = s.get(m.Product, draft.product_code) if draft.product_code else None
        return draft, product
    product = s.get(m.Product, offering_id) if len(offering_id) <= 20 else None
    if product is None:
        raise NotFound(N_("api.not_found"))
    return _draft_of(s, product.code), product


def offering(db: Database, offering_id: str) -> OfferingView:
    with db.uow() as uow:
        s = uow.session
        draft, product = _find_offering(s, offering_id)
        if product is not None:
            return _product_view(product, draft)
        assert draft is not None
        return _draft_view(s, draft)


def create_offering(
    db: Database, who: Principal, name: str, description: str, spec_id: str | None, status: str
) -> OfferingView:
    """A new offering: a draft until launched (``PATCH lifecycleStatus=launched``)."""
    _require_staff(who)
    check_plain(name)
    check_plain(description, multiline=True)
    status = lifecycle(status)
    if status in ("launched", "retired"):
        raise Conflict(N_("catalog.no_price"))
    spec_number = _number(spec_id) if spec_id is not None else None
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        if spec_number is not None and s.get(t.ProductSpec, spec_number) is None:
            raise NotFound(N_("api.not_found"))
        draft = t.OfferingDraft(
            name=name,
            description=description,
            lifecycle_status=status,
            spec_id=spec_number,
            created_by=who.subject,
            created_at=now,
            last_update=now,
        )
        s.add(draft)
        uow.commit()
        return _draft_view(s, draft)


def _prices_of(s: Session, draft: t.OfferingDraft) -> list[t.OfferingPriceDraft]:
    query = select(t.OfferingPriceDraft).where(t.OfferingPriceDraft.offering_id == draft.id)
    return list(s.scalars(query.order_by(t.OfferingPriceDraft.id)))


def _launch(s: Session, draft: t.OfferingDraft, now: datetime) -> None:
    """Put the draft on sale: a ``product`` with its (first priced) price."""
    priced = s.scalars(
        select(t.OfferingPriceDraft)
        .where(
            t.OfferingPriceDraft.offering_id == draft.id,
            t.OfferingPriceDraft.price_fen.is_not(None),
        )
        .order_by(t.OfferingPriceDraft.id)
    ).first()
    if priced is None or priced.price_fen is None:
        raise Conflict(N_("catalog.no_price"))
    recurring = priced.price_type == "recurring"
    product = m.Product(
        code=f"{API}{draft.id}",
        name_zh=draft.name[:60],
        name_en=draft.name,
        kind=catalog.ProductKind.ADDON.value,
        price_fen=priced.price_fen,
        period=(catalog.Period.MONTHLY if recurring else catalog.Period.ONCE).value,
        validity_days=None if recurring else 30,
        data_kb=0,
        voice_min=0,
        sms=0,
        brands=sorted(b.value for b in catalog.Brand),
        provinces=None,
        charged=priced.price_fen > 0,
        active=True,
        description_zh=draft.description,
        description_en=draft.description,
        last_update=now,
        spec_id=draft.spec_id,
    )
    s.add(product)
    s.flush()
    draft.product_code = product.code
    for p in s.scalars(
        select(t.OfferingPriceDraft).where(t.OfferingPriceDraft.offering_id == draft.id)
    ):
        p.lifecycle_status, p.last_update = "launched", now


def update_offering(
    db: Database, who: Principal, offering_id: str, changes: dict[str, Any]
) -> OfferingView:
    """Rename, describe, or move along the lifecycle (``launched`` puts it on sale,
    ``retired`` takes it off)."""
    _require_staff(who)
    check_plain(changes.get("name", ""))
    check_plain(changes.get("description", ""), multiline=True)
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        draft, product = _find_offering(s, offering_id)
        status = lifecycle(changes["lifecycleStatus"]) if "lifecycleStatus" in changes else None
        if draft is not None:
            draft.name = changes.get("name", draft.name)
            draft.description = changes.get("description", draft.description)
            draft.last_update = now
            if status is not None:
                if status == "launched" and product is None:
                    _launch(s, draft, now)
                    product = s.get_one(m.Product, draft.product_code)
                draft.lifecycle_status = status
        if product is not None:
            if "name" in changes:
                product.name_zh, product.name_en = changes["name"][:60], changes["name"]
            if "description" in changes:
                product.description_zh = product.description_en = changes["description"]
            if status in ("launched", "retired", "obsolete"):
                product.active = status == "launched"
            product.last_update = now
        uow.commit()
        return _product_view(product, draft) if product is not None else _draft_view(s, draft)  # type: ignore[arg-type]


def delete_offering(db: Database, who: Principal, offering_id: str) -> None:
    """Delete a draft never launched (its prices become unattached drafts)."""
    _require_staff(who)
    with db.uow() as uow:
        s = uow.session
        draft, product = _find_offering(s, offering_id)
        if product is not None or draft is None:
            raise Conflict(N_("catalog.launched"))
        for p in s.scalars(
            select(t.OfferingPriceDraft).where(t.OfferingPriceDraft.offering_id == draft.id)
        ):
            p.offering_id = None
        s.delete(draft)
        uow.commit()
