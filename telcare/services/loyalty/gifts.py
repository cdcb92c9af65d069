"""The points mall: gifts as subscribers and staff see them, warehouse stock, listing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import loyalty as rules
from telcare.domain import roles
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden, InvalidInput, NotFound
from telcare.domain.messages import N_
from telcare.services import lookups
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class GiftView:
    code: str
    name_zh: str
    name_en: str
    points: int
    kind: str
    description_zh: str
    description_en: str
    stock: int | None  # physical gifts: units in all warehouses
    merchant: str | None
    affordable: bool = True
    active: bool = True
    stock_by_province: dict[str, int] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_zh

    @property
    def in_stock(self) -> bool:
        return self.stock is None or self.stock > 0


def _offer_of(gift: m.Gift, detail: lm.GiftDetail | None) -> rules.GiftOffer:
    if detail is None:
        kind = rules.GiftKind.PHYSICAL if gift.physical else rules.GiftKind.EVOUCHER
        return rules.GiftOffer(gift.code, gift.name_zh, gift.name_en, gift.points, kind)
    return rules.GiftOffer(
        gift.code,
        gift.name_zh,
        gift.name_en,
        gift.points,
        rules.GiftKind(detail.kind),
        frozenset(detail.brands) if detail.brands is not None else None,
        frozenset(detail.provinces) if detail.provinces is not None else None,
        detail.active,
    )


def _gift(s: Session, code: str) -> tuple[m.Gift, lm.GiftDetail | None, rules.GiftOffer]:
    gift = s.get(m.Gift, code.strip().upper()[:20])
    if gift is None:
        raise NotFound(N_("loyalty.gift_unknown"), code=code[:20])
    detail = s.get(lm.GiftDetail, gift.code)
    return gift, detail, _offer_of(gift, detail)


def _stock(s: Session, code: str) -> dict[str, int]:
    return dict(
        (r[0], r[1])
        for r in s.execute(
            select(m.GiftStock.province_code, m.GiftStock.quantity).where(
                m.GiftStock.gift_code == code
            )
        )
    )


def _views(s: Session, gifts: Iterable[m.Gift], points: int | None) -> list[GiftView]:
    gifts = list(gifts)
    codes = [g.code for g in gifts]
    details = {
        d.gift_code: d
        for d in s.scalars(select(lm.GiftDetail).where(lm.GiftDetail.gift_code.in_(codes)))
    }
    stock: dict[str, dict[str, int]] = defaultdict(dict)
    for code, province, qty in s.execute(
        select(m.GiftStock.gift_code, m.GiftStock.province_code, m.GiftStock.quantity).where(
            m.GiftStock.gift_code.in_(codes)
        )
    ):
        stock[code][province] = qty
    merchants = dict(
        (r[0], r[1])
        for r in s.execute(
            select(lm.MerchantService.id, lm.Merchant.name_zh).join(
                lm.Merchant, lm.Merchant.code == lm.MerchantService.merchant_code
            )
        )
    )
    out = []
    for g in gifts:
        d = details.get(g.code)
        offer = _offer_of(g, d)
        out.append(
            GiftView(
                g.code,
                g.name_zh,
                g.name_en,
                g.points,
                offer.kind.value,
                d.description_zh if d else "",
                d.description_en if d else "",
                sum(stock[g.code].values()) if offer.delivered else None,
                merchants.get(d.service_id) if d and d.service_id else None,
                affordable=points is None or points >= g.points,
                active=offer.active,
                stock_by_province=dict(sorted(stock[g.code].items())),
            )
        )
    return out


def mall(db: Database, msisdn: str, query: str = "") -> list[GiftView]:
    """Gifts the subscriber may redeem (brand, province, active), cheapest first;
    ``query`` keeps those whose code or name has every word of it."""
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        gifts = s.scalars(select(m.Gift).order_by(m.Gift.points, m.Gift.code)).all()
        details = {d.gift_code: d for d in s.scalars(select(lm.GiftDetail))}
        offers = [_offer_of(g, details.get(g.code)) for g in gifts]
        fitting = {
            o.code
            for o in rules.search(offers, query[:60])
            if o.active
            and (o.brands is None or sub.brand in o.brands)
            and (o.provinces is None or sub.province_code in o.provinces)
        }
        return _views(s, [g for g in gifts if g.code in fitting], sub.account.points)


def catalog(db: Database) -> list[GiftView]:
    """Every gift with its stock per warehouse (the staff console)."""
    with db.uow() as uow:
        s = uow.session
        return _views(s, s.scalars(select(m.Gift).order_by(m.Gift.code)).all(), None)


def _staff_for(who: Principal, province: str) -> None:
    roles.require(who, "loyalty.stock.edit")
    if who.kind is not Kind.STAFF or not (who.is_headquarters or who.province == province):
        raise Forbidden(N_("access.denied"))


def set_stock(db: Database, who: Principal, gift_code: str, province: str, quantity: int) -> int:
    """Set a warehouse's stock of a physical gift (staff of that province or HQ)."""
    province = province.strip().upper()
    _staff_for(who, province)
    if province not in rules.CAPITALS:
        raise InvalidInput(N_("loyalty.address_province"), value=province[:10])
    if not 0 <= quantity <= 1_000_000:
        raise InvalidInput(N_("loyalty.bad_quantity"), value=quantity)
    with db.uow() as uow:
        s = uow.session
        gift, _detail, offer = _gift(s, gift_code)
        if not offer.delivered:
            raise InvalidInput(N_("loyalty.not_physical"), code=gift.code)
        row = s.get(m.GiftStock, (gift.code, province), with_for_update=True)
        if row is None:
            s.add(m.GiftStock(gift_code=gift.code, province_code=province, quantity=quantity))
        else:
            row.quantity = quantity
        uow.commit()
        return quantity


def set_gift_active(db: Database, who: Principal, gift_code: str, active: bool) -> None:
    """List or withdraw a gift from the mall (headquarters staff)."""
    roles.require(who, "loyalty.catalog.edit")
    with db.uow() as uow:
        gift, detail, offer = _gift(uow.session, gift_code)
        if detail is None:
            detail = lm.GiftDetail(
                gift_code=gift.code,
                kind=offer.kind.value,
                brands=None,
                provinces=None,
                service_id=None,
                description_zh="",
                description_en="",
            )
            uow.session.add(detail)
        detail.active = active
        uow.commit()
