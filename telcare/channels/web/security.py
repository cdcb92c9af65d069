"""Session cookie, CSRF tokens, form keys and the logged-in subscriber of the web pages.

The session is Starlette's signed cookie (``itsdangerous``, ``TELCARE_SECRET_KEY``;
``HttpOnly``, ``SameSite=Lax``, and ``Secure`` over HTTPS or as ``TELCARE_COOKIE_SECURE``
says). It holds the signed login token of :mod:`telcare.services.auth` (which expires
on its own and is checked against its account on every request), a random session id
(``sid``, from the first login), the CSRF token, the chosen language and one flash
message. A logout ends the session id on the server (:mod:`telcare.services.auth.sessions`):
a cookie carrying it, even a copy made before, is read as an empty session. Every POST
must carry the CSRF token in the form field ``csrf_token`` or the ``X-CSRF-Token``
header (htmx sends it from ``<body hx-headers>``); anything else gets 403.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Annotated

from fastapi import Depends, FastAPI, Form, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from telcare.channels.guard_marks import kind_guard
from telcare.config import get_settings, secret_key
from telcare.domain import messages
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import DomainError
from telcare.domain.inputs import check_plain
from telcare.domain.messages import render
from telcare.domain.roles import Role
from telcare.services import auth

COOKIE = "telcare_session"
SESSION_AGE = auth.SESSION_AGE
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOGIN_PATH = "/hall/login"
STAFF_LOGIN_PATH = "/staff/login"


RowId = Annotated[int, Path(ge=1, le=2**62)]
"""A row id in a page's path: out of the database's range is a 422, never a 500."""


class LoginRequired(Exception):
    """The page needs a logged-in subscriber."""


class StaffLoginRequired(Exception):
    """The page needs a logged-in member of staff."""


class CsrfRefused(Exception):
    """A POST without the session's CSRF token."""


class EndedSessions:
    """ASGI middleware inside the session cookie's: a session whose id a logout ended is
    emptied before any route reads it (and its cookie deleted on the way out). Static
    files read no session and cost no lookup."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        static = scope["type"] == "http" and scope["path"].startswith("/static/")
        pages = scope["type"] in ("http", "websocket") and not static  # the chat's sockets too
        session = scope.get("session") if pages else None
        sid = session.get("sid") if session else None
        if isinstance(sid, str) and session is not None:
            db = scope["app"].state.db
            if await run_in_threadpool(auth.session_ended, db, sid):
                session.clear()
        await self.app(scope, receive, send)


class SessionCookie:
    """Starlette's session middleware with ``Secure`` chosen per request: always, never, or
    (``auto``) when the request came over HTTPS, directly or through a trusted proxy
    (uvicorn's ``--proxy-headers`` sets the scheme from ``X-Forwarded-Proto``)."""

    def __init__(self, app: ASGIApp, mode: str) -> None:
        options = {
            "secret_key": secret_key(),
            "session_cookie": COOKIE,
            "max_age": int(SESSION_AGE.total_seconds()),
            "same_site": "lax",
        }
        self.mode = mode
        self.plain = SessionMiddleware(app, https_only=False, **options)  # type: ignore[arg-type]
        self.secure = SessionMiddleware(app, https_only=True, **options)  # type: ignore[arg-type]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        https = scope.get("scheme") in ("https", "wss")
        secure = self.mode == "always" or (self.mode == "auto" and https)
        await (self.secure if secure else self.plain)(scope, receive, send)


def install_session(app: FastAPI) -> None:
    """Add the signed session cookie, the check of ended sessions and the handlers for
    the exceptions above."""
    app.add_middleware(EndedSessions)
    app.add_middleware(SessionCookie, mode=get_settings().cookie_secure)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _exc: LoginRequired) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=200, headers={"HX-Redirect": LOGIN_PATH})
        return RedirectResponse(LOGIN_PATH, status_code=303)

    @app.exception_handler(StaffLoginRequired)
    async def to_staff_login(request: Request, _exc: StaffLoginRequired) -> Response:
        if "text/html" not in request.headers.get("accept", ""):
            return JSONResponse(
                {"type": "about:blank", "title": "staff login required", "status": 401},
                status_code=401,
                media_type="application/problem+json",
                headers={"WWW-Authenticate": 'Bearer realm="telcare"'},
            )
        return RedirectResponse(STAFF_LOGIN_PATH, status_code=303)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _exc: CsrfRefused) -> Response:
        text = render("web.csrf_refused", lang_of(request))
        body = f'<!doctype html><meta charset="utf-8"><title>403</title><p role="alert">{text}</p>'
        return HTMLResponse(body, status_code=403)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def require_csrf(request: Request) -> None:
    """Dependency of every POST: the form or header token must equal the session's. The
    form's texts may hold tabs and line breaks but no NUL or other control character
    (InvalidInput, shown as a page with the message)."""
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    form = await request.form()
    if sent is None:
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not sent or not secrets.compare_digest(expected, sent):
        raise CsrfRefused
    for value in form.values():
        if isinstance(value, str):
            check_plain(value, multiline=True)


def scoped_form_key(request: Request, key: Annotated[str, Form(max_length=64)]) -> str:
    """The form's idempotency key, scoped to the session's caller (``web:<subject>:<key>``,
    as the API scopes ``api:<subject>:<key>``): a key chosen in one caller's form can
    never claim or replay another caller's submission or API call."""
    token = request.session.get("token")
    try:
        subject = auth.read_token(token, secret_key()).subject if token else "-"
    except DomainError:
        subject = "-"  # the route's own login check answers
    return f"web:{subject}:{key}"


FormKey = Annotated[str, Depends(scoped_form_key)]


def new_form_key() -> str:
    """A fresh idempotency key for a form being rendered (one per form, not per page)."""
    return f"web:{uuid.uuid4().hex}"


def end_session(request: Request) -> None:
    """End the session's id on the server (copies of its cookie open nothing any more)."""
    sid = request.session.pop("sid", None)
    if isinstance(sid, str):
        auth.end_session(request.app.state.db, sid)


def ensure_session_id(request: Request) -> None:
    """Give the session an id, which a logout can end, if it has none yet."""
    if not isinstance(request.session.get("sid"), str):
        request.session["sid"] = auth.new_session_id()


def log_in(request: Request, who: Principal, lang: str) -> None:
    """Start a fresh session for ``who`` (a new id and CSRF token: no session fixation;
    the session before it ends)."""
    chosen = request.session.get("lang") if request.session.get("lang_chosen") else None
    end_session(request)
    request.session.clear()
    ensure_session_id(request)
    request.session["token"] = auth.issue_token(who, secret_key())
    set_lang(request, chosen or lang, chosen=chosen is not None)
    csrf_token(request)


def log_out(request: Request) -> None:
    """End the session on the server and empty it (keeping a chosen language)."""
    chosen = request.session.get("lang") if request.session.get("lang_chosen") else None
    end_session(request)
    request.session.clear()
    if chosen:
        set_lang(request, chosen, chosen=True)


def set_lang(request: Request, lang: str, *, chosen: bool) -> None:
    """Show the pages in ``lang``; ``chosen`` when the reader used the switch."""
    request.session["lang"] = lang if messages.supported(lang) else messages.ZH
    request.session["lang_chosen"] = chosen


def lang_of(request: Request) -> str:
    """The page language: the session's if it has a catalog, zh-CN by default."""
    lang = request.session.get("lang")
    return lang if isinstance(lang, str) and messages.supported(lang) else messages.ZH


def current_msisdn(request: Request) -> str | None:
    """The logged-in subscriber's number, or None (no, expired or non-subscriber token)."""
    token = request.session.get("token")
    if not isinstance(token, str):
        return None
    try:
        who = auth.verify_token(request.app.state.db, token, secret_key())
    except DomainError:
        return None
    return who.subject if who.kind is Kind.SUBSCRIBER else None


@kind_guard(Role.SUBSCRIBER)
def require_msisdn(request: Request) -> str:
    """Dependency of every hall page: the subscriber whose own line the page shows."""
    msisdn = current_msisdn(request)
    if msisdn is None:
        raise LoginRequired
    return msisdn


def current_staff(request: Request) -> Principal | None:
    """The staff principal of the session (or of a bearer token), or None."""
    token = request.session.get("token")
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = header[7:].strip()
    if not isinstance(token, str):
        return None
    try:
        who = auth.verify_token(request.app.state.db, token, secret_key())
    except DomainError:
        return None
    return who if who.kind is Kind.STAFF else None


def require_staff(request: Request) -> Principal:
    """Dependency of every staff page: pages redirect to the staff login, API clients get 401."""
    who = current_staff(request)
    if who is None:
        raise StaffLoginRequired
    return who
