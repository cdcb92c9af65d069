"""Staff sign-in and the console's front page (``/staff``).

Staff sign in with username and password (:func:`telcare.services.auth.authenticate_staff`);
the session then holds a staff token, which every console page checks with
:func:`telcare.channels.web.security.require_staff`. What a member of staff sees is
scoped by their province (headquarters sees every province).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.api.deps import client_address, get_db
from telcare.channels.guards import public, requires
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import (
    current_staff,
    lang_of,
    log_in,
    log_out,
    require_csrf,
    require_staff,
)
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError
from telcare.domain.messages import N_
from telcare.services import auth
from telcare.store.uow import Database

router = APIRouter(prefix="/staff", include_in_schema=False)
CSRF = [Depends(require_csrf)]

CONSOLES: list[tuple[str, str]] = [("/staff/antispam/", N_("web.staff.console.antispam"))]
"""Console sections (path, title key); capabilities append theirs when their router loads."""


@router.get("/login", response_class=HTMLResponse, dependencies=[public("staff login")])
def login_page(request: Request) -> Response:
    if current_staff(request) is not None:
        return redirect("/staff/")
    return page(request, "staff/login.html")


@router.post("/login", dependencies=[*CSRF, public("staff login")])
def login(
    request: Request,
    db: Annotated[Database, Depends(get_db)],
    username: Annotated[str, Form(max_length=40)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        who = auth.authenticate_staff(
            db, username.strip(), password, address=client_address(request)
        )
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
        return redirect("/staff/login")
    log_in(request, who, lang_of(request))
    return redirect("/staff/")


@router.post("/logout", dependencies=[*CSRF, public("logging out")])
def logout(request: Request) -> Response:
    log_out(request)
    return redirect("/staff/login")


@router.get("/", response_class=HTMLResponse, dependencies=[requires("console.view")])
def console(request: Request, who: Annotated[Principal, Depends(require_staff)]) -> Response:
    return page(request, "staff/index.html", {"staff": who, "consoles": CONSOLES})
