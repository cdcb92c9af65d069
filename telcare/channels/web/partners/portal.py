"""Pages without a subscriber or staff login: the public A-tier disclosure
(``/partners/disclosed``) and the SP portal (``/sp``: sign-in, the SP's own overview)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.api.deps import client_address
from telcare.channels.guard_marks import kind_guard
from telcare.channels.guards import public
from telcare.channels.web.partners.common import (
    CSRF,
    PORTAL,
    PUBLIC,
    Db,
    _denied,
    _error,
    _principal,
)
from telcare.channels.web.render import page, redirect
from telcare.channels.web.security import lang_of, log_in, log_out
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import DomainError
from telcare.domain.roles import Role
from telcare.services import partners

router = APIRouter(include_in_schema=False)


@kind_guard(Role.SP)
def require_sp(request: Request) -> Principal:
    """Dependency of the SP portal: the session's SP, or a redirect to the SP login."""
    who = _principal(request)
    if who is None or who.kind is not Kind.SP:
        raise HTTPException(303, headers={"Location": PORTAL + "/login"})
    return who


Sp = Annotated[Principal, Depends(require_sp)]


@router.get(
    PUBLIC,
    response_class=HTMLResponse,
    dependencies=[public("the public disclosure of SP violations")],
)
def disclosure(
    request: Request,
    db: Db,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = None,
) -> Response:
    """The A-tier SPs of ``month`` (default: the latest published); no login."""
    rows = partners.disclosed(db, month)
    return page(request, "partners/disclosed.html", {"rows": rows, "month": month})


@router.get(PORTAL + "/login", response_class=HTMLResponse, dependencies=[public("SP login")])
def sp_login_page(request: Request) -> Response:
    return page(request, "partners/sp_login.html")


@router.post(PORTAL + "/login", dependencies=[*CSRF, public("SP login")])
def sp_login(
    request: Request,
    db: Db,
    access_code: Annotated[str, Form(max_length=20)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        who = partners.authenticate_sp(
            db, access_code.strip(), password, address=client_address(request)
        )
    except DomainError as err:
        _error(request, err)
        return redirect(PORTAL + "/login")
    log_in(request, who, lang_of(request))
    return redirect(PORTAL + "/")


@router.post(PORTAL + "/logout", dependencies=[*CSRF, public("logging out")])
def sp_logout(request: Request) -> Response:
    log_out(request)
    return redirect(PORTAL + "/login")


@router.get(PORTAL + "/", response_class=HTMLResponse)
def sp_home(
    request: Request, db: Db, who: Sp, code: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    """The SP's own services, subscribers, complaints, violations and tiers; another
    SP's code (``?code=``) is refused by the service."""
    try:
        view = partners.overview(db, who, code or who.subject)
    except DomainError:
        return _denied(request)
    return page(request, "partners/sp_portal.html", {"sp": view})
