"""The online business hall: login by SMS code, overview, packages, recharge, ledger.

Each handler parses its form, calls one service and answers: GET renders a page,
POST redirects (303) to the page that shows the outcome, with a flash message.
The subscriber is always the logged-in one; no URL names a number.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from telcare.channels.api.deps import client_address, get_db
from telcare.channels.guards import public
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import (
    FormKey,
    lang_of,
    log_in,
    log_out,
    require_csrf,
    require_msisdn,
    set_lang,
)
from telcare.domain import charts
from telcare.domain.errors import DomainError
from telcare.domain.messages import N_
from telcare.domain.money import fen_to_yuan
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import auth, cards, charging, hall, loyalty, orders, payments, selfcare
from telcare.services.charging.history import usage_history
from telcare.store.uow import Database

router = APIRouter(prefix="/hall", include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
CSRF = [Depends(require_csrf)]


def _error(request: Request, err: DomainError) -> None:
    flash(request, "error", err.key, **err.params)


# --- login ------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse, dependencies=[public("subscriber login")])
def login_page(request: Request, msisdn: str = "") -> Response:
    return page(request, "hall/login.html", {"msisdn": msisdn[:20]})


@router.post("/login/code", dependencies=[*CSRF, public("subscriber login")])
def send_code(request: Request, db: Db, msisdn: Annotated[str, Form()] = "") -> Response:
    """Send a one-time code by SMS (rate-limited by :mod:`auth`); a well-formed number
    that is not a subscriber's gets the same answer (and no code)."""
    try:
        auth.request_login_code(db, msisdn, address=client_address(request))
    except DomainError as err:
        _error(request, err)
        step = msisdn if err.key == N_("login.too_many_codes") else ""
        return redirect("/hall/login", msisdn=step)
    flash(request, "ok", "web.code_sent")
    return redirect("/hall/login", msisdn=msisdn.strip())


@router.post("/login", dependencies=[*CSRF, public("subscriber login")])
def login(
    request: Request,
    db: Db,
    msisdn: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
) -> Response:
    try:
        who = auth.verify_login_code(db, msisdn, code)
    except DomainError as err:
        _error(request, err)
        return redirect("/hall/login", msisdn=msisdn.strip())
    log_in(request, who, selfcare.overview(db, who.subject).language)
    return redirect("/hall/")


@router.post("/logout", dependencies=[*CSRF, public("logging out")])
def logout(request: Request) -> Response:
    log_out(request)
    return redirect("/hall/login")


@router.post("/lang", dependencies=[*CSRF, public("the language switch")])
def switch_language(
    request: Request, lang: Annotated[str, Form()] = "zh", next: Annotated[str, Form()] = "/"
) -> Response:
    """The language switch: zh-CN or English for this browser session."""
    set_lang(request, lang, chosen=True)
    safe = next if next.startswith("/") and not next.startswith("//") else "/"
    return RedirectResponse(safe, status_code=303)


# --- overview ------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, db: Db, msisdn: Msisdn) -> Response:
    return page(
        request,
        "hall/overview.html",
        {
            "info": replace(
                selfcare.overview(db, msisdn), points=loyalty.spendable_points(db, msisdn)
            ),
            "packages": selfcare.packages(db, msisdn),
            "usage": charging.usage_summary(db, msisdn),
            "reminder_on": charging.reminder_enabled(db, msisdn),
            **_history(db, msisdn),
        },
    )


def _history(db: Database, msisdn: str) -> dict[str, object]:
    """The last six months of use and the data chart's bars (drawn as SVG by the page)."""
    months = usage_history(db, msisdn, 6)
    points = [(m.month[2:], m.data_kb / 1024, _mb(m.data_kb)) for m in months]
    return {"history": months, "chart": charts.bars(points), "chart_box": charts}


def _mb(kb: int) -> str:
    return f"{kb / 1024:.0f}"


@router.post("/reminder", dependencies=CSRF)
def reminder(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    on: Annotated[bool, Form()],
    key: FormKey,
) -> Response:
    try:
        charging.set_data_reminder(db, msisdn, on, idempotency_key=key)
        flash(request, "ok", N_("web.reminder_on") if on else N_("web.reminder_off"))
    except DomainError as err:
        _error(request, err)
    return redirect("/hall/")


# --- packages ------------------------------------------------------------------------------


@router.get("/packages", response_class=HTMLResponse)
def packages(request: Request, db: Db, msisdn: Msisdn) -> Response:
    return page(
        request,
        "hall/packages.html",
        {
            "info": selfcare.overview(db, msisdn),
            "pending": orders.pending(db, msisdn),
            "plan_change": orders.pending_change(db, msisdn),
            "in_force": selfcare.packages(db, msisdn),
            "offers": hall.eligible_offers(db, msisdn),
            "base_plans": hall.base_plans(db),
        },
    )


@router.post("/packages/order", dependencies=CSRF)
def order(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    code: Annotated[str, Form()],
    key: FormKey,
) -> Response:
    """Start an order: a charged package waits for the confirm step on the page."""
    try:
        step = hall.request_order(db, msisdn, code, idempotency_key=key)
    except DomainError as err:
        _error(request, err)
        return redirect("/hall/packages")
    if step.action == "subscribed":
        flash(request, "ok", "sms.subscribed_free", name=step.name(lang_of(request)))
    elif step.replaced and step.replaced != step.code:
        flash(request, "ok", "web.order_replaced", old=step.replaced)
    return redirect("/hall/packages")


@router.post("/packages/confirm", dependencies=CSRF)
def confirm(request: Request, db: Db, msisdn: Msisdn, key: FormKey) -> Response:
    """The second step: charge and subscribe."""
    try:
        done = hall.confirm_order(db, msisdn, idempotency_key=key)
    except DomainError as err:
        _error(request, err)
        return redirect("/hall/packages")
    if done.action == "scheduled" and done.effective_at is not None:
        day = done.effective_at.astimezone(OPERATOR_TZ).date().isoformat()
        name = done.name(lang_of(request))
        flash(request, "ok", "order.plan_change_scheduled", name=name, date=day)
        return redirect("/hall/packages")
    flash(
        request,
        "ok",
        "sms.subscribed",
        name=done.name(lang_of(request)),
        price=fen_to_yuan(done.price_fen),
        balance=fen_to_yuan(done.balance_fen or 0),
    )
    return redirect("/hall/packages")


@router.post("/packages/cancel-change", dependencies=CSRF)
def cancel_change(request: Request, db: Db, msisdn: Msisdn, key: FormKey) -> Response:
    """Drop the base-plan change waiting for the 1st (the current plan runs on)."""
    try:
        done = hall.cancel_plan_change(db, msisdn, idempotency_key=key)
        flash(request, "ok", "order.plan_change_cancelled", name=done.name(lang_of(request)))
    except DomainError as err:
        _error(request, err)
    return redirect("/hall/packages")


@router.post("/packages/decline", dependencies=CSRF)
def decline(request: Request, db: Db, msisdn: Msisdn, key: FormKey) -> Response:
    try:
        done = hall.decline_order(db, msisdn, idempotency_key=key)
        flash(request, "ok", "sms.declined", name=done.name(lang_of(request)))
    except DomainError as err:
        _error(request, err)
    return redirect("/hall/packages")


@router.post("/packages/cancel", dependencies=CSRF)
def cancel(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    code: Annotated[str, Form()],
    key: FormKey,
) -> Response:
    """Cancel a package; it stays in force until the end of the month."""
    try:
        done = hall.cancel_package(db, msisdn, code, idempotency_key=key)
        when = done.effective_at.date().isoformat() if done.effective_at else ""
        flash(request, "ok", "sms.cancelled", name=done.name(lang_of(request)), date=when)
    except DomainError as err:
        _error(request, err)
    return redirect("/hall/packages")


# --- recharge ------------------------------------------------------------------------------


@router.get("/recharge", response_class=HTMLResponse)
def recharge_page(request: Request, db: Db, msisdn: Msisdn) -> Response:
    return page(
        request,
        "hall/recharge.html",
        {
            "info": selfcare.overview(db, msisdn),
            "amounts": payments.AMOUNTS_FEN,
            "receipt_id": request.session.pop("receipt", None),  # the recharge just made
        },
    )


@router.post("/recharge/online", dependencies=CSRF)
def recharge_online(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    key: FormKey,
    amount: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Recharge by (simulated, demo-mode) online payment: the amount is credited through
    the ledger as any top-up; the flash links the receipt."""
    try:
        fen = int(amount) if amount.isdigit() else 0
        posting = payments.pay_demo(
            db, msisdn, fen, idempotency_key=key, demo=bool(request.app.state.demo)
        )
    except DomainError as err:
        _error(request, err)
        return redirect("/hall/recharge")
    flash(
        request,
        "ok",
        "web.paid",
        amount=fen_to_yuan(posting.amount_fen),
        balance=fen_to_yuan(posting.balance_fen),
    )
    request.session["receipt"] = posting.entry_id
    return redirect("/hall/recharge")


@router.post("/recharge", dependencies=CSRF)
def recharge(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    card: Annotated[str, Form()],
    pin: Annotated[str, Form()],
    key: FormKey,
) -> Response:
    try:
        posting = cards.recharge_with_card(
            db, msisdn, card.replace(" ", ""), pin.strip(), idempotency_key=key
        )
    except DomainError as err:
        _error(request, err)
        return redirect("/hall/recharge")
    flash(
        request,
        "ok",
        "sms.recharged",
        amount=fen_to_yuan(posting.amount_fen),
        balance=fen_to_yuan(posting.balance_fen),
    )
    request.session["receipt"] = posting.entry_id
    return redirect("/hall/recharge")
