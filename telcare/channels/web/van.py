"""The G3 after-sales service van: its schedule and the subscriber's bookings on the
business hall (``/hall/van``), and the van staff's bookings (``/staff/van/``), which
they close with an outcome like a ticket.

Handlers parse the form, call one service of :mod:`telcare.services.service_van` and
redirect; who may see which stop is decided there.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.api.deps import get_db
from telcare.channels.guards import requires
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import lang_of, require_csrf, require_msisdn, require_staff
from telcare.channels.web.staff import CONSOLES
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError, InvalidInput
from telcare.domain.messages import N_
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import selfcare
from telcare.services import service_van as svc
from telcare.store.uow import Database

router = APIRouter(include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
Staff = Annotated[Principal, Depends(require_staff)]
CSRF = [Depends(require_csrf)]
HALL = "/hall/van"
CONSOLE = "/staff/van"

CONSOLES.append((f"{CONSOLE}/", N_("web.van.console")))


def _error(request: Request, err: DomainError) -> None:
    flash(request, "error", err.key, **err.params)


def _hm(when: datetime) -> str:
    return when.astimezone(OPERATOR_TZ).strftime("%H:%M")


# --- business hall ---------------------------------------------------------------------


@router.get(HALL, response_class=HTMLResponse)
def hall_page(request: Request, db: Db, msisdn: Msisdn) -> Response:
    """The van's stops: the subscriber's own province first, the others after."""
    home = selfcare.overview(db, msisdn).province
    stops = svc.schedule(db)
    return page(
        request,
        "van/hall.html",
        {
            "home": home,
            "stops": [s for s in stops if s.province == home],
            "elsewhere": [s for s in stops if s.province != home],
            "mine": svc.my_bookings(db, msisdn),
            "hm": _hm,
        },
    )


@router.post(HALL + "/book", dependencies=CSRF)
def book(
    request: Request, db: Db, msisdn: Msisdn, slot: Annotated[int, Form(ge=1, le=2**62)]
) -> Response:
    """Book a slot (booking the same slot again changes nothing)."""
    try:
        done = svc.book(db, msisdn, slot)
        when = done.starts_at.astimezone(OPERATOR_TZ).strftime("%Y-%m-%d %H:%M")
        flash(request, "ok", "van.booked", city=done.city, place=done.place, when=when)
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


@router.post(HALL + "/cancel", dependencies=CSRF)
def cancel(
    request: Request, db: Db, msisdn: Msisdn, booking: Annotated[str, Form(max_length=24)]
) -> Response:
    try:
        svc.cancel(db, msisdn, booking)
        flash(request, "ok", "web.van.cancelled")
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


# --- the van's staff --------------------------------------------------------------------


@router.get(CONSOLE + "/", response_class=HTMLResponse, dependencies=[requires("van.view")])
def staff_page(
    request: Request,
    db: Db,
    who: Staff,
    state: Annotated[str, Query(pattern="^(booked|cancelled|closed)?$")] = "booked",
    day: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    error = None
    rows: list[svc.BookingView] = []
    try:
        rows = svc.bookings(db, who, state=state or None, day=_day(day))
    except DomainError as err:
        error = err
    return page(
        request,
        "van/staff.html",
        {
            "staff": who,
            "rows": rows,
            "filters": {"state": state, "day": day},
            "error": error,
            "lang": lang_of(request),
        },
    )


@router.post(CONSOLE + "/{booking_id}/close", dependencies=[*CSRF, requires("van.booking.close")])
def close(
    request: Request,
    db: Db,
    who: Staff,
    booking_id: str,
    outcome: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        svc.close_booking(db, who, booking_id, outcome)
        flash(request, "ok", "web.van.closed", id=booking_id)
    except DomainError as err:
        _error(request, err)
    return redirect(CONSOLE + "/")


def _day(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(N_("web.bad_date"), value=value) from exc
