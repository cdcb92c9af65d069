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
from telcare.domain.messages import register
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

CONSOLES.append((f"{CONSOLE}/", "web.van.console"))

register(
    {
        "web.van.console": ("G3售后服务车预约", "G3 service van bookings"),
        "web.van.title": ("G3售后服务车", "G3 after-sales service van"),
        "web.van.intro": (
            "G3绿色通道：售后服务车定期到各城市停靠，提供手机检测、G3设置和换卡服务。请预约时段。",
            "G3 green channel: the after-sales van visits each city for handset checks, G3 "
            "settings and SIM swaps. Book a slot.",
        ),
        "web.van.schedule": ("服务车行程", "Schedule"),
        "web.van.schedule_home": ("{province}服务车行程", "Schedule in {province}"),
        "web.van.schedule_other": ("其他省份", "Other provinces"),
        "web.van.none_home": (
            "近期没有在{province}的服务车行程。",
            "No stops in {province} coming up.",
        ),
        "web.van.none": ("暂无安排。", "Nothing scheduled."),
        "web.van.slot": ("{start}–{end}", "{start}–{end}"),
        "web.van.left": ("剩余{n}个名额", "{n} places left"),
        "web.van.full": ("已约满", "Full"),
        "web.van.book": ("预约 {place} {day} {start}", "Book {place} {day} {start}"),
        "web.van.book_short": ("预约", "Book"),
        "web.van.mine": ("我的预约", "My bookings"),
        "web.van.cancel": ("取消预约", "Cancel"),
        "web.van.cancelled": ("预约已取消。", "Booking cancelled."),
        "web.van.when": ("时间", "When"),
        "web.van.where": ("地点", "Where"),
        "web.van.state": ("状态", "State"),
        "web.van.state.booked": ("已预约", "Booked"),
        "web.van.state.cancelled": ("已取消", "Cancelled"),
        "web.van.state.closed": ("已完成", "Done"),
        "web.van.subscriber": ("用户号码", "Subscriber"),
        "web.van.outcome": ("服务结果", "Outcome"),
        "web.van.close": ("完成并关闭", "Close"),
        "web.van.closed": ("预约{id}已关闭。", "Booking {id} closed."),
        "web.van.day": ("日期", "Day"),
        "web.van.all": ("全部", "All"),
        "web.van.filter": ("筛选", "Filter"),
        "web.van.bookings": ("预约单", "Bookings"),
    }
)


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
        raise InvalidInput("web.bad_date", value=value) from exc
