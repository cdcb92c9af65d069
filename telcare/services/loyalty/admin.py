"""HQ edits the gift catalog; the HQ check and the field checks every HQ form shares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from telcare.domain import loyalty as rules
from telcare.domain import roles
from telcare.domain.access import Principal
from telcare.domain.catalog import Brand
from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store.uow import Database

from .gifts import GiftView, _gift, _views


def _hq(who: Principal, action: str) -> None:
    """HQ forms: the caller's role must allow ``action`` (the role matrix)."""
    roles.require(who, action)


def _bad(field_name: str, value: object) -> InvalidInput:
    return InvalidInput(N_("loyalty.bad_field"), field=field_name, value=str(value)[:40])


def _code_of(text: str, field_name: str = "code") -> str:
    code = text.strip().upper()
    if (
        not code
        or len(code) > 20
        or not all(c.isascii() and (c.isalnum() or c == "-") for c in code)
    ):
        raise _bad(field_name, text)
    return code


def _name(text: str, limit: int, field_name: str) -> str:
    value = " ".join(text.split())
    if not value or len(value) > limit:
        raise _bad(field_name, text)
    return value


def _brands(values: Iterable[str] | None) -> list[str] | None:
    chosen = sorted({v.strip().upper() for v in values or () if v.strip()})
    for b in chosen:
        if b not in {x.value for x in Brand}:
            raise _bad("brand", b)
    return chosen or None


def _provinces(values: Iterable[str] | None) -> list[str] | None:
    chosen = sorted({v.strip().upper() for v in values or () if v.strip()})
    for p in chosen:
        if p not in rules.CAPITALS:
            raise _bad("province", p)
    return chosen or None


def _decimal(text: str, field_name: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        value = Decimal(text.strip())
    except ArithmeticError as exc:
        raise _bad(field_name, text) from exc
    if not value.is_finite() or not low <= value <= high or value != round(value, 4):
        raise _bad(field_name, text)
    return value


@dataclass(frozen=True, slots=True)
class GiftForm:
    """A gift as staff enter it (brands/provinces ``None``: everyone)."""

    code: str
    name_zh: str
    name_en: str
    points: int
    kind: str
    brands: list[str] | None = None
    provinces: list[str] | None = None
    service_id: int | None = None
    active: bool = True
    description_zh: str = ""
    description_en: str = ""


def gift_form(db: Database, code: str) -> GiftForm:
    """A gift as its edit form shows it."""
    with db.uow() as uow:
        gift, detail, offer = _gift(uow.session, code)
        return GiftForm(
            gift.code,
            gift.name_zh,
            gift.name_en,
            gift.points,
            offer.kind.value,
            sorted(offer.brands) if offer.brands is not None else None,
            sorted(offer.provinces) if offer.provinces is not None else None,
            detail.service_id if detail else None,
            offer.active,
            detail.description_zh if detail else "",
            detail.description_en if detail else "",
        )


def save_gift(db: Database, who: Principal, form: GiftForm) -> GiftView:
    """Create a gift or edit one (HQ): names, points, kind, eligibility, merchant service
    (e-vouchers and partner services need one), listed or withdrawn. Stock is untouched."""
    _hq(who, "loyalty.catalog.edit")
    code = _code_of(form.code)
    name_zh = _name(form.name_zh, 60, "name_zh")
    name_en = _name(form.name_en, 80, "name_en")
    if not 1 <= form.points <= 10_000_000:
        raise _bad("points", form.points)
    try:
        kind = rules.GiftKind(form.kind)
    except ValueError as exc:
        raise _bad("kind", form.kind) from exc
    brands, provinces = _brands(form.brands), _provinces(form.provinces)
    with db.uow() as uow:
        s = uow.session
        service_id = None
        if kind is not rules.GiftKind.PHYSICAL:
            if form.service_id is None or s.get(lm.MerchantService, form.service_id) is None:
                raise InvalidInput(N_("loyalty.service_needed"))
            service_id = form.service_id
        gift = s.get(m.Gift, code, with_for_update=True)
        if gift is None:
            gift = m.Gift(code=code)
            s.add(gift)
        gift.name_zh, gift.name_en, gift.points = name_zh, name_en, form.points
        gift.physical = kind is rules.GiftKind.PHYSICAL
        s.flush()
        detail = s.get(lm.GiftDetail, code)
        if detail is None:
            detail = lm.GiftDetail(gift_code=code)
            s.add(detail)
        detail.kind, detail.brands, detail.provinces = kind.value, brands, provinces
        detail.service_id, detail.active = service_id, form.active
        detail.description_zh = form.description_zh.strip()[:2000]
        detail.description_en = form.description_en.strip()[:2000]
        s.flush()
        view = _views(s, [gift], None)[0]
        uow.commit()
        return view
