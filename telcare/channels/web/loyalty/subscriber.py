"""The subscriber's points mall in the business hall (``/hall/points``): gifts, address,
the two-step redemption, orders and codes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from telcare import clock
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import RowId, lang_of
from telcare.domain import loyalty as rules
from telcare.domain.errors import DomainError
from telcare.domain.provinces import PROVINCES
from telcare.services import loyalty, orders, selfcare

from .shared import CSRF, HALL, Db, Msisdn, Text, _error

router = APIRouter(include_in_schema=False)


@router.get(HALL, response_class=HTMLResponse)
def mall(
    request: Request, db: Db, msisdn: Msisdn, q: Annotated[str, Query(max_length=60)] = ""
) -> Response:
    loyalty.accrue(db, msisdn=msisdn)  # points earned since the last run show at once
    return page(
        request,
        "loyalty/mall.html",
        {
            "info": selfcare.overview(db, msisdn),
            "gifts": loyalty.mall(db, msisdn, q),
            "q": q,
            "pending": loyalty.pending_redemption(db, msisdn),
            "address": loyalty.default_address(db, msisdn),
            "history": loyalty.points_history(db, msisdn, 10),
            "provinces": PROVINCES,
        },
    )


def _address(recipient: str, phone: str, province: str, city: str, street: str) -> rules.Address:
    return rules.Address(recipient, phone, province, city, street)


@router.post(HALL + "/address", dependencies=CSRF)
def save_address(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    recipient: Text = "",
    phone: Text = "",
    province: Text = "",
    city: Text = "",
    street: Text = "",
) -> Response:
    try:
        loyalty.save_address(db, msisdn, _address(recipient, phone, province, city, street))
        flash(request, "ok", "web.points.saved")
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


@router.post(HALL + "/redeem", dependencies=CSRF)
def redeem(
    request: Request, db: Db, msisdn: Msisdn, code: Annotated[str, Form(max_length=20)]
) -> Response:
    """First step: hold the redemption (physical gifts go to the default address)."""
    try:
        loyalty.request_redemption(db, msisdn, code, channel="web")
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


@router.post(HALL + "/confirm", dependencies=CSRF)
def confirm(request: Request, db: Db, msisdn: Msisdn) -> Response:
    """Second step: spend the points; show the order's timeline or the code."""
    try:
        done = loyalty.confirm_redemption(db, msisdn)
    except DomainError as err:
        _error(request, err)
        return redirect(HALL)
    flash(request, "ok", done.message_key, **_params(done, lang_of(request)))
    return redirect(HALL + ("/orders" if done.order_id else "/codes"))


def _params(done: loyalty.Redeemed, lang: str) -> dict[str, object]:
    """The confirmer's reply is in the subscriber's SMS language; the page uses its own."""
    params = dict(done.message_params)
    params["name"] = done.offer.name(lang)
    if done.warehouse:
        params["warehouse"] = _province(done.warehouse, lang)
    return params


def _province(code: str, lang: str) -> str:
    p = next((p for p in PROVINCES if p.code == code), None)
    return code if p is None else (p.name_en if lang == "en" else p.name_zh)


@router.post(HALL + "/decline", dependencies=CSRF)
def decline(request: Request, db: Db, msisdn: Msisdn) -> Response:
    try:
        orders.decline(db, msisdn)
        flash(request, "ok", "web.points.declined")
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


@router.get(HALL + "/orders", response_class=HTMLResponse)
def my_orders(request: Request, db: Db, msisdn: Msisdn) -> Response:
    return page(request, "loyalty/orders.html", {"orders": loyalty.my_orders(db, msisdn)})


@router.post(HALL + "/orders/{order_id}/cancel", dependencies=CSRF)
def cancel(request: Request, db: Db, msisdn: Msisdn, order_id: RowId) -> Response:
    try:
        done = loyalty.cancel_order(db, msisdn, order_id)
        flash(request, "ok", "web.points.cancelled", points=done.points)
    except DomainError as err:
        _error(request, err)
    return redirect(HALL + "/orders")


@router.get(HALL + "/codes", response_class=HTMLResponse)
def my_codes(request: Request, db: Db, msisdn: Msisdn) -> Response:
    codes = loyalty.my_codes(db, msisdn)
    now = clock.now()
    return page(
        request,
        "loyalty/codes.html",
        {
            "codes": [(c, c.status(now), Markup(c.qr_svg) if c.status(now) == "valid" else "")
                      for c in codes],
        },
    )  # fmt: skip
