"""The staff console's headquarters forms: gifts, accrual rules, campaigns, merchants
and their services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.guards import requires
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import lang_of
from telcare.domain import loyalty as rules
from telcare.domain.catalog import Brand
from telcare.domain.errors import DomainError, InvalidInput
from telcare.domain.messages import N_, render
from telcare.domain.provinces import PROVINCES
from telcare.services import loyalty

from .shared import CSRF, STAFF, Db, Staff, Text, _error

router = APIRouter(include_in_schema=False)

Code = Annotated[str, Form(max_length=20)]
Many = Annotated[list[str], Form()]
Flag = Annotated[str, Form(max_length=5)]


def _day(text: str) -> date | None:
    """An optional ISO day from a form; a bad one is refused."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(N_("web.staff.bad_date"), value=text[:20]) from exc


def _required_day(text: str) -> date:
    day = _day(text)
    if day is None:
        raise InvalidInput(N_("web.staff.bad_date"), value="-")
    return day


@router.get(
    STAFF + "/gift", response_class=HTMLResponse, dependencies=[requires("loyalty.catalog.edit")]
)
def staff_gift_form(
    request: Request, db: Db, who: Staff, code: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    """The gift form: empty for a new gift, filled in for ``code``."""
    form = None
    if code:
        try:
            form = loyalty.gift_form(db, code)
        except DomainError as err:
            _error(request, err)
            return redirect(STAFF)
    return page(
        request,
        "loyalty/staff_gift.html",
        {
            "form": form,
            "staff": who,
            "brands": list(Brand),
            "provinces": PROVINCES,
            "kinds": list(rules.GiftKind),
            "merchants": loyalty.merchants(db),
        },
    )


@router.post(STAFF + "/gift", dependencies=[*CSRF, requires("loyalty.catalog.edit")])
def staff_gift_save(
    request: Request,
    db: Db,
    who: Staff,
    code: Code,
    name_zh: Text,
    name_en: Text,
    points: Annotated[int, Form(ge=1, le=10_000_000)],
    kind: Annotated[str, Form(max_length=10)],
    brands: Many | None = None,
    provinces: Many | None = None,
    service: Annotated[str, Form(max_length=10)] = "",
    active: Flag = "",
    description_zh: Annotated[str, Form(max_length=2000)] = "",
    description_en: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Create or edit a gift (HQ)."""
    form = loyalty.GiftForm(
        code,
        name_zh,
        name_en,
        points,
        kind,
        brands or None,
        provinces or None,
        int(service) if service.isdigit() else None,
        bool(active),
        description_zh,
        description_en,
    )
    try:
        saved = loyalty.save_gift(db, who, form)
    except DomainError as err:
        _error(request, err)
        return redirect(STAFF + "/gift", code=code if who.is_headquarters else "")
    flash(request, "ok", "web.staff.gift_saved", code=saved.code)
    return redirect(STAFF)


@router.post(STAFF + "/gift/{code}/active", dependencies=[*CSRF, requires("loyalty.catalog.edit")])
def staff_gift_active(
    request: Request, db: Db, who: Staff, code: str, active: Flag = ""
) -> Response:
    """List (``active=1``) or withdraw a gift (HQ)."""
    try:
        loyalty.set_gift_active(db, who, code, bool(active))
        state = N_("web.staff.list") if active else N_("web.staff.withdraw")
        flash(
            request, "ok", "web.staff.listed_ok", code=code, state=render(state, lang_of(request))
        )
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF)


@router.get(
    STAFF + "/rules", response_class=HTMLResponse, dependencies=[requires("loyalty.rules.view")]
)
def staff_rules(
    request: Request,
    db: Db,
    who: Staff,
    rule: Annotated[int | None, Query()] = None,
    campaign: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """Accrual rules and campaigns; ``rule``/``campaign`` fill in their edit forms."""
    all_rules = loyalty.accrual_rules(db)
    all_campaigns = loyalty.campaigns(db)
    return page(
        request,
        "loyalty/staff_rules.html",
        {
            "staff": who,
            "rules": all_rules,
            "campaigns": all_campaigns,
            "rule": next((r for r in all_rules if r.id == rule), None),
            "campaign": next((c for c in all_campaigns if c.code == campaign), None),
            "tiers": loyalty.tiers(db),
            "brands": list(Brand),
            "sources": list(rules.Source),
        },
    )


@router.post(STAFF + "/rules", dependencies=[*CSRF, requires("loyalty.accrual_rules.edit")])
def staff_rule_save(
    request: Request,
    db: Db,
    who: Staff,
    source: Annotated[str, Form(max_length=10)],
    points_per_yuan: Annotated[str, Form(max_length=12)],
    valid_from: Annotated[str, Form(max_length=10)],
    valid_to: Annotated[str, Form(max_length=10)] = "",
    brand: Annotated[str, Form(max_length=10)] = "",
    tier: Annotated[str, Form(max_length=12)] = "",
    rule_id: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Create or edit an accrual rule (HQ)."""
    try:
        saved = loyalty.save_rule(
            db,
            who,
            rule_id=int(rule_id) if rule_id.isdigit() else None,
            source=source,
            brand=brand or None,
            tier=tier or None,
            points_per_yuan=points_per_yuan,
            valid_from=_required_day(valid_from),
            valid_to=_day(valid_to),
        )
        flash(request, "ok", "web.staff.rule_saved", id=saved.id)
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF + "/rules")


@router.post(STAFF + "/campaigns", dependencies=[*CSRF, requires("loyalty.campaign.edit")])
def staff_campaign_save(
    request: Request,
    db: Db,
    who: Staff,
    code: Code,
    name_zh: Text,
    name_en: Text,
    source: Annotated[str, Form(max_length=10)],
    starts_on: Annotated[str, Form(max_length=10)],
    ends_on: Annotated[str, Form(max_length=10)],
    multiplier: Annotated[str, Form(max_length=12)] = "1",
    bonus_per_yuan: Annotated[str, Form(max_length=12)] = "0",
    brands: Many | None = None,
) -> Response:
    """Create or edit a campaign (HQ)."""
    try:
        saved = loyalty.save_campaign(
            db,
            who,
            loyalty.CampaignView(
                code,
                name_zh,
                name_en,
                source,
                brands or None,
                _required_day(starts_on),
                _required_day(ends_on),
                _number(multiplier),
                _number(bonus_per_yuan),
            ),
        )
        flash(request, "ok", "web.staff.campaign_saved", code=saved.code)
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF + "/rules")


def _number(text: str) -> Decimal:
    try:
        return Decimal(text.strip() or "0")
    except ArithmeticError as exc:
        raise InvalidInput(N_("loyalty.bad_field"), field="#", value=text[:20]) from exc


@router.get(
    STAFF + "/merchants", response_class=HTMLResponse, dependencies=[requires("merchant.view")]
)
def staff_merchants(
    request: Request, db: Db, who: Staff, code: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    """Partner merchants and their services; ``code`` fills in the merchant form."""
    all_merchants = loyalty.merchants(db)
    return page(
        request,
        "loyalty/staff_merchants.html",
        {
            "staff": who,
            "merchants": all_merchants,
            "merchant": next((mc for mc in all_merchants if mc.code == code), None),
            "provinces": PROVINCES,
        },
    )


@router.post(STAFF + "/merchants", dependencies=[*CSRF, requires("merchant.create")])
def staff_merchant_save(
    request: Request,
    db: Db,
    who: Staff,
    code: Code,
    name_zh: Text,
    name_en: Text,
    province: Annotated[str, Form(max_length=2)],
    settlement_fen_per_point: Annotated[str, Form(max_length=12)] = "1",
    active: Flag = "",
) -> Response:
    """Create (a password is shown once) or edit a partner merchant (HQ)."""
    try:
        password = loyalty.save_merchant(
            db,
            who,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            province=province,
            settlement_fen_per_point=settlement_fen_per_point,
            active=bool(active),
        )
        if password:
            flash(request, "ok", "web.staff.merchant_created", code=code.upper(), password=password)
        else:
            flash(request, "ok", "web.staff.merchant_saved", code=code.upper())
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF + "/merchants")


@router.post(STAFF + "/services", dependencies=[*CSRF, requires("merchant.service.edit")])
def staff_service_save(
    request: Request,
    db: Db,
    who: Staff,
    merchant: Code,
    code: Code,
    name_zh: Text,
    name_en: Text,
    valid_days: Annotated[int, Form(ge=1, le=3660)] = 30,
) -> Response:
    """Create or edit a merchant service (HQ)."""
    try:
        saved = loyalty.save_service(
            db,
            who,
            merchant_code=merchant,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            valid_days=valid_days,
        )
        flash(request, "ok", "web.staff.service_saved", code=saved.code)
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF + "/merchants")
