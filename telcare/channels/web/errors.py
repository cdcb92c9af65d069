"""Error pages: a browser asking for a page gets a page in its reader's language.

:mod:`telcare.channels.api.problems` answers every error with a problem body; this module
wraps its handlers so that a request for HTML (``Accept: text/html``, not an API path)
gets the site's own 403 / 404 / 422 / 500 page instead, with the header, the menu and a
way back. API routes keep their problem bodies, whatever they accept.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from telcare import __version__
from telcare.channels.api.problems import language, wants_page
from telcare.domain.errors import DomainError
from telcare.domain.messages import N_, known, render

log = logging.getLogger(__name__)
Handler = Callable[[Request, Any], Awaitable[Response]]


def _lang(request: Request) -> str:
    session = request.scope.get("session")
    if isinstance(session, dict) and session.get("lang") in ("zh", "en"):
        return str(session["lang"])
    return language(request.headers.get("accept-language", ""))


def error_page(request: Request, status: int, text: str, lang: str | None = None) -> Response:
    """The site's error page: its header, the message and a way back (no form state)."""
    from telcare.channels.web.render import templates, translator
    from telcare.channels.web.security import current_msisdn

    lang = lang or _lang(request)
    session = request.scope.get("session")
    user = current_msisdn(request) if isinstance(session, dict) else None
    title_key = f"web.err.title.{status}"
    title = render(title_key if known(title_key) else N_("web.err.title.other"), lang)
    context = {
        "request": request,
        "version": __version__,
        "lang": lang,
        "t": translator(lang),
        "csrf_token": session.get("csrf", "") if isinstance(session, dict) else "",
        "new_key": lambda: "",
        "user": user,
        "flash": None,
        "path": request.url.path,
        "demo": bool(getattr(request.app.state, "demo", False)),
        "status": status,
        "title": title,
        "text": text,
    }
    html = templates.get_template("error.html").render(context)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _field_messages(exc: RequestValidationError, lang: str) -> str:
    parts = []
    for e in exc.errors()[:5]:
        loc = [str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path", "form")]
        field = ".".join(loc) or "?"
        parts.append(render("web.err.field", lang, field=field, msg=_msg(e, lang)))
    return " ".join(parts) or render("web.err.422", lang)


def _msg(error: Any, lang: str) -> str:
    """A pydantic error said in the reader's language (the common kinds; else generic)."""
    kind = str(error.get("type", ""))
    key = VALIDATION.get(kind)
    if key is None:
        return render("web.err.422", lang)
    return render(key, lang, **{k: v for k, v in (error.get("ctx") or {}).items()})


VALIDATION = {
    "missing": N_("web.err.v.missing"),
    "int_parsing": N_("web.err.v.int"),
    "greater_than_equal": N_("web.err.v.ge"),
    "less_than_equal": N_("web.err.v.le"),
    "string_too_long": N_("web.err.v.too_long"),
    "string_pattern_mismatch": N_("web.err.v.pattern"),
}


def install(app: FastAPI) -> None:
    """Wrap the problem-body handlers (installed before) with the HTML pages."""
    api_domain: Handler = app.exception_handlers[DomainError]  # type: ignore[assignment]
    api_invalid: Handler = app.exception_handlers[RequestValidationError]  # type: ignore[assignment]
    api_http: Handler = app.exception_handlers[HTTPException]  # type: ignore[assignment]

    def page_wanted(request: Request) -> bool:
        return wants_page(request.url.path, request.headers.get("accept", ""))

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        response = await api_domain(request, exc)
        if page_wanted(request):
            lang = _lang(request)
            page = error_page(request, exc.status, render(exc.key, lang, **exc.params), lang)
            for name in ("Retry-After",):
                if name in response.headers:
                    page.headers[name] = response.headers[name]
            return page
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if page_wanted(request):
            lang = _lang(request)
            status = 400 if request.url.path.startswith("/tmf-api/") else 422
            return error_page(request, status, _field_messages(exc, lang), lang)
        return await api_invalid(request, exc)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if page_wanted(request) and exc.status_code >= 400:
            lang = _lang(request)
            key = f"web.err.{exc.status_code}"
            # the detail of an HTTPException is for developers (English): the page says its own
            text = render(key if known(key) else N_("web.err.500"), lang)
            page = error_page(request, exc.status_code, text, lang)
            for name, value in (exc.headers or {}).items():
                page.headers[name] = value
            return page
        return await api_http(request, exc)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        """A bug: logged with its traceback; a page (or a problem body) says sorry."""
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if page_wanted(request):
            return error_page(request, 500, render("web.err.500", _lang(request)))
        from telcare.channels.api.problems import problem

        return problem(500, "internal-error", "internal error", "")
