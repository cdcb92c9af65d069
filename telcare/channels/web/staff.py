"""Staff sign-in and the console's front page (``/staff``).

Staff sign in with username and password (:func:`telcare.services.auth.authenticate_staff`);
the session then holds a staff token, which every console page checks with
:func:`telcare.channels.web.security.require_staff`. What a member of staff sees is
scoped by their province (headquarters sees every province).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import iter_route_contexts

from telcare.channels.api.deps import client_address, get_db
from telcare.channels.guard_marks import declaration
from telcare.channels.guards import caller, public, requires
from telcare.channels.web import codes as codes  # the code() of the console templates
from telcare.channels.web.render import flash, page, redirect, templates
from telcare.channels.web.security import (
    current_staff,
    lang_of,
    log_in,
    log_out,
    require_csrf,
    require_staff,
)
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import DomainError
from telcare.domain.messages import N_
from telcare.domain.roles import allowed
from telcare.services import auth
from telcare.store.uow import Database

router = APIRouter(prefix="/staff", include_in_schema=False)
CSRF = [Depends(require_csrf)]

CONSOLES: list[tuple[str, str]] = [("/staff/antispam/", N_("web.staff.console.antispam"))]
"""Console sections (path, title key); capabilities append theirs when their router loads."""


ORDER = (
    "/staff/complaints/", "/staff/quality/", "/staff/antispam/", "/staff/loyalty",
    "/staff/partners/", "/staff/surveys/", "/staff/club/", "/staff/chat/", "/staff/van/",
    "/staff/jobs/", "/staff/logins/",
)  # fmt: skip
"""The order of the menu (who sees a section is the matrix's answer, never this list)."""


@dataclass(frozen=True, slots=True)
class MenuItem:
    """One console section in the menu: its path, title key, and whether the page is in it."""

    href: str
    key: str
    current: bool
    exact: bool


def _route_action(dependant: Dependant) -> str | None:
    """The role-matrix action a route (or one of its sub-dependencies) declares."""
    for dep in dependant.dependencies:
        found = declaration(dep.call)
        if found is not None and found[0] == "action":
            return found[1]
        nested = _route_action(dep)
        if nested is not None:
            return nested
    return None


def section_actions(app: FastAPI) -> dict[str, str | None]:
    """Each console section's action, read from the GET route that serves its path (so the
    menu asks :data:`telcare.domain.roles.MATRIX`, never a list of its own); cached."""
    cached: dict[str, str | None] | None = getattr(app.state, "console_actions", None)
    if cached is None:
        routes = {
            r.path: r.dependant
            for r in iter_route_contexts(app.routes)
            if "GET" in (getattr(r, "methods", None) or ()) and getattr(r, "dependant", None)
        }
        cached = {
            href: (_route_action(routes[href]) if href in routes else None)
            for href, _key in CONSOLES
        }
        app.state.console_actions = cached
    return cached


def console_menu(request: Request) -> list[MenuItem]:
    """The sections the signed-in member of staff may open, the current one marked."""
    who = caller(request)
    if who is None or who.kind is not Kind.STAFF:
        return []
    actions = section_actions(request.app)
    path = request.url.path
    mine = sorted(
        (
            (href, key)
            for href, key in CONSOLES
            if (action := actions.get(href)) is not None and allowed(who, action)
        ),
        key=lambda item: ORDER.index(item[0]) if item[0] in ORDER else len(ORDER),
    )
    here = max((h for h, _ in mine if path.startswith(h)), key=len, default=None)
    return [MenuItem(h, k, h == here, h == path) for h, k in mine]


def staff_badge(request: Request) -> dict[str, Any] | None:
    """Who is signed in, for the console header (None: nobody from staff)."""
    who = caller(request)
    if who is None or who.kind is not Kind.STAFF:
        return None
    return {"user": who.subject, "province": who.province, "role": who.role}


templates.env.globals.update(console_menu=console_menu, staff_badge=staff_badge)


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
    return page(request, "staff/index.html", {"staff": who})
