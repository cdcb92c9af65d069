"""What every route declares about its callers: public, one kind of caller, or an action
of the role matrix (:mod:`telcare.domain.roles`).

A route declares exactly one of

- ``dependencies=[requires("complaint.handle")]`` (or
  ``who: Annotated[Principal, requires(...)]``): the caller (bearer token, else the
  page session) must hold a role the matrix allows; nobody logged in (or, on a staff
  page, a subscriber's or SP's session) → 401 for the API and non-browser clients,
  the login page for a browser; a role the matrix refuses → 403 ``not-permitted``;
- ``dependencies=[public("why")]``: anyone, logged in or not (logins, the catalog,
  the home page, health);
- a dependency marked with :func:`kind_guard` that admits one kind of caller only
  (``require_msisdn`` of the hall pages, ``require_sp``, ``current_merchant``);
  mark it with ``@kind_guard(Role.X)`` from :mod:`telcare.channels.guard_marks`.

``tests/e2e/test_route_guards.py`` walks every route of the app and fails on any
route that declares none of these; the services check the same actions again.
"""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from fastapi.params import Depends as DependsParam

from telcare.channels.api.problems import API_PATHS
from telcare.channels.guard_marks import ATTRIBUTE as ATTRIBUTE
from telcare.channels.guard_marks import declaration as declaration
from telcare.channels.guard_marks import kind_guard as kind_guard
from telcare.config import secret_key
from telcare.domain import roles
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import DomainError
from telcare.services import auth

_CACHE = "telcare_caller"


def public(why: str) -> DependsParam:
    """Declare a route open to anyone; ``why`` says so for the reader."""

    def open_to_all() -> None:
        return None

    setattr(open_to_all, ATTRIBUTE, ("public", why))
    return Depends(open_to_all)


def socket_checks(kind: str, why: str) -> DependsParam:
    """Declare a WebSocket route for one kind of caller (a :class:`roles.Role` value, or
    ``"staff"``) that authenticates in its handler: it closes the socket with 4401
    before accepting anyone else, and the service checks the caller. ``why`` says how."""

    def checked_in_handler() -> None:
        return None

    setattr(checked_in_handler, ATTRIBUTE, ("kind", kind))
    checked_in_handler.__doc__ = why
    return Depends(checked_in_handler)


def caller(request: Request) -> Principal | None:
    """The caller of the request: the bearer token, else the page session's token
    (checked against its account); ``None`` when nobody valid is logged in."""
    if hasattr(request.state, _CACHE):
        cached: Principal | None = getattr(request.state, _CACHE)
        return cached
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    if token is None and "session" in request.scope:
        session_token = request.session.get("token")
        token = session_token if isinstance(session_token, str) else None
    who = None
    if token:
        try:
            who = auth.verify_token(request.app.state.db, token, secret_key())
        except DomainError:
            who = None
    setattr(request.state, _CACHE, who)
    return who


LOGIN_PAGES = (("/staff", "/staff/login"), ("/sp", "/sp/login"), ("/merchant", "/merchant?login"))


def _login_required(request: Request) -> HTTPException:
    """401 for the API and for non-browser clients; a browser goes to the login page."""
    path = request.url.path
    if path.startswith(API_PATHS) or "text/html" not in request.headers.get("accept", ""):
        challenge = {"WWW-Authenticate": 'Bearer realm="telcare"'}
        return HTTPException(401, "authentication required", headers=challenge)
    login = next((page for prefix, page in LOGIN_PAGES if path.startswith(prefix)), "/hall/login")
    return HTTPException(303, "login required", headers={"Location": login})


def _elsewhere(request: Request, who: Principal) -> bool:
    """A subscriber's or SP's page session on a staff page: the staff login, as before
    (staff turned away by their role get 403)."""
    path = request.url.path
    return path.startswith("/staff") and who.kind is not Kind.STAFF


def requires(action: str) -> DependsParam:
    """Declare (and check) that the route does ``action`` of the role matrix."""
    if action not in roles.MATRIX:
        raise KeyError(f"undeclared action {action!r}: add it to telcare.domain.roles.MATRIX")

    def guard(request: Request) -> Principal:
        who = caller(request)
        if who is None or _elsewhere(request, who):
            raise _login_required(request)
        roles.require(who, action)
        return who

    setattr(guard, ATTRIBUTE, ("action", action))
    guard.__name__ = f"requires_{action.replace('.', '_')}"
    return Depends(guard)


# Public paths the app serves without FastAPI dependencies (FastAPI's own, mounts, plain
# Starlette routes): the route-coverage test accepts these paths as declared public.
PUBLIC_PATHS = frozenset({"/openapi.json", "/static", "/static/docs"})
