"""The subscriber's SP services on the business hall (``/hall/sp``): order (held pending),
confirm (the only step that charges), decline and cancel, each once per form key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.guard_marks import kind_guard
from telcare.channels.web.partners.common import CSRF, HALL, Db, Key, Msisdn, _error, _principal
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import LoginRequired, lang_of
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import DomainError, NothingPending, NotSubscribed
from telcare.domain.messages import N_
from telcare.domain.roles import Role
from telcare.services import orders, partners
from telcare.services.idempotency import check_key, run_once
from telcare.store.uow import Database, UnitOfWork

router = APIRouter(include_in_schema=False)


@kind_guard(Role.SUBSCRIBER)
def require_subscriber(request: Request, msisdn: Msisdn) -> Principal:
    """The logged-in subscriber as a principal (hall pages; no login → the hall login)."""
    who = _principal(request)
    if who is None or who.kind is not Kind.SUBSCRIBER or who.subject != msisdn:
        raise LoginRequired
    return who


Subscriber = Annotated[Principal, Depends(require_subscriber)]


class _NotRecorded(Exception):
    pass


def _recorded(db: Database, op: str, key: str, payload: dict[str, str]) -> dict[str, Any] | None:
    def missing(_uow: UnitOfWork) -> dict[str, Any]:
        raise _NotRecorded

    try:
        return run_once(db, op, key, payload, missing)
    except _NotRecorded:
        return None


def _once(
    db: Database,
    op: str,
    key: str,
    subject: str,
    call: Callable[[], dict[str, Any]],
    repeat: type[DomainError] | None,
) -> dict[str, Any]:
    """Run ``call`` once per form key; a repeated form gets the first outcome back
    (also when it loses a race and the service answers ``repeat``)."""
    check_key(key)
    payload = {"subject": subject}
    earlier = _recorded(db, op, key, payload)
    if earlier is not None:
        return earlier
    try:
        result = call()
    except DomainError as err:
        if repeat is None or not isinstance(err, repeat):
            raise
        earlier = _recorded(db, op, key, payload)
        if earlier is None:
            raise
        return earlier
    return run_once(db, op, key, payload, lambda _uow: result)


def _flash_outcome(request: Request, out: dict[str, Any]) -> None:
    params = dict(out["params"])
    if "names" in out:
        params["name"] = out["names"][1 if lang_of(request) == "en" else 0]
    flash(request, "ok", out["msg"], **params)


@router.get(HALL, response_class=HTMLResponse)
def hall_page(request: Request, db: Db, who: Subscriber) -> Response:
    subs = partners.subscriptions(db, who, who.subject)
    pending = orders.pending(db, who.subject)
    waiting = {s.service_code: s for s in subs if s.state == "pending" or s.needs_reconfirm}
    sp_pending = waiting.get(pending.offer.code) if pending else None
    return page(
        request,
        "partners/hall.html",
        {
            "subs": subs,
            "pending": pending if sp_pending else None,
            "pending_sp": sp_pending,
            "catalog": partners.catalog(db),
            "mine": {s.service_code for s in subs if s.state == "active" and not s.needs_reconfirm},
        },
    )


@router.post(HALL + "/order", dependencies=CSRF)
def hall_order(
    request: Request,
    db: Db,
    who: Subscriber,
    access_code: Annotated[str, Form(max_length=20)],
    code: Annotated[str, Form(max_length=12)],
    key: Key,
) -> Response:
    """First step: the order is held pending; the page then shows the confirm step."""

    def call() -> dict[str, Any]:
        partners.request(db, who.subject, access_code, code, channel="web")
        return {"msg": N_("web.sp.pending"), "params": {}}

    try:
        _flash_outcome(request, _once(db, N_("web.sp.order"), key, who.subject, call, None))
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


@router.post(HALL + "/confirm", dependencies=CSRF)
def hall_confirm(request: Request, db: Db, who: Subscriber, key: Key) -> Response:
    """Second step, the only one that charges: :func:`orders.confirm` (as ``Y``)."""

    def call() -> dict[str, Any]:
        subs = partners.subscriptions(db, who, who.subject)
        pending = orders.pending(db, who.subject)
        if pending is None:
            raise NothingPending(N_("order.nothing_pending"))
        if not any(s.service_code == pending.offer.code and s.state != "cancelled" for s in subs):
            return {"msg": N_("web.sp.other_pending"), "params": {}}
        done = orders.confirm(db, who.subject)
        names = [pending.offer.name_zh, pending.offer.name_en]
        if isinstance(done, orders.Subscribed):  # a package replaced the SP order meanwhile
            return {"msg": N_("web.sp.other_pending"), "params": {}}
        return {"msg": done.message_key, "params": dict(done.message_params), "names": names}

    try:
        _flash_outcome(
            request, _once(db, N_("web.sp.confirm"), key, who.subject, call, NothingPending)
        )
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


@router.post(HALL + "/decline", dependencies=CSRF)
def hall_decline(request: Request, db: Db, who: Subscriber, key: Key) -> Response:
    """Drop the pending order; nothing is charged."""

    def call() -> dict[str, Any]:
        offer = orders.decline(db, who.subject)
        return {"msg": N_("web.sp.declined"), "params": {}, "names": [offer.name_zh, offer.name_en]}

    try:
        _flash_outcome(
            request, _once(db, N_("web.sp.decline"), key, who.subject, call, NothingPending)
        )
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


@router.post(HALL + "/cancel", dependencies=CSRF)
def hall_cancel(
    request: Request,
    db: Db,
    who: Subscriber,
    subscription: Annotated[int, Form(ge=1, le=2**62)],
    key: Key,
) -> Response:
    """Cancel one SP service at once (no further fee)."""

    def call() -> dict[str, Any]:
        done = partners.cancel_subscription(db, who, subscription, channel="web")
        sp = next((s.sp_name for s in partners.subscriptions(db, who, who.subject,
                                                              include_cancelled=True)
                   if s.id == subscription), "")  # fmt: skip
        names = [done.offer.name_zh, done.offer.name_en]
        return {"msg": N_("sp.cancelled"), "params": {"sp": sp}, "names": names}

    try:
        _flash_outcome(
            request, _once(db, N_("web.sp.cancel"), key, who.subject, call, NotSubscribed)
        )
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)
