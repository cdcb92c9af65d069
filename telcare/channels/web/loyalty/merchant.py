"""The partner merchant's page (``/merchant``): log in, check and honour a code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.api.deps import client_address
from telcare.channels.guard_marks import kind_guard
from telcare.channels.guards import public
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import end_session, ensure_session_id, lang_of
from telcare.domain.errors import DomainError
from telcare.domain.roles import Role
from telcare.services import loyalty
from telcare.store.uow import Database

from .shared import CSRF, MERCHANT, Db, _error

router = APIRouter(include_in_schema=False)


def _merchant(request: Request, db: Database) -> loyalty.MerchantInfo | None:
    token = request.session.get("merchant")
    if not isinstance(token, str):
        return None
    try:
        return loyalty.read_merchant_token(db, token)
    except DomainError:
        return None


@router.get(MERCHANT, response_class=HTMLResponse, dependencies=[public("merchant login page")])
def merchant_home(request: Request, db: Db) -> Response:
    who = _merchant(request, db)
    recent = loyalty.merchant_codes(db, who.code, 20) if who else []
    return page(request, "loyalty/merchant.html", {"merchant": who, "recent": recent})


@router.post(MERCHANT + "/login", dependencies=[*CSRF, public("merchant login")])
def merchant_login(
    request: Request,
    db: Db,
    merchant: Annotated[str, Form(max_length=20)] = "",
    password: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        who = loyalty.authenticate_merchant(db, merchant, password, address=client_address(request))
        ensure_session_id(request)
        request.session["merchant"] = loyalty.issue_merchant_token(who)
    except DomainError as err:
        _error(request, err)
    return redirect(MERCHANT)


@router.post(MERCHANT + "/logout", dependencies=[*CSRF, public("logging out")])
def merchant_logout(request: Request) -> Response:
    """End the session on the server (a copy of its cookie opens nothing any more); a
    staff or subscriber login in the same browser goes on under a new session id."""
    end_session(request)
    request.session.pop("merchant", None)
    if "token" in request.session:
        ensure_session_id(request)
    return redirect(MERCHANT)


@kind_guard(Role.MERCHANT)
def require_merchant(request: Request, db: Db) -> loyalty.MerchantInfo:
    """The session's merchant, or back to the merchant login."""
    who = _merchant(request, db)
    if who is None:
        raise HTTPException(
            303, "merchant login required", headers={"Location": MERCHANT + "?login"}
        )
    return who


@router.post(MERCHANT + "/verify", dependencies=CSRF)
def merchant_verify(
    request: Request,
    who: Annotated[loyalty.MerchantInfo, Depends(require_merchant)],
    db: Db,
    code: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    """Honour a code once; a used, expired or another merchant's code is refused."""
    try:
        done = loyalty.verify_code(db, who.code, code)
        flash(
            request,
            "ok",
            "web.merchant.ok",
            service=done.service(lang_of(request)),
            msisdn=done.msisdn_masked,
            points=done.points,
        )
    except DomainError as err:
        _error(request, err)
    return redirect(MERCHANT)
