"""RFC 9457 (formerly 7807) problem bodies for every error the API returns."""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from telcare.domain.errors import DomainError, TooManyAttempts
from telcare.domain.messages import render

PROBLEM = "application/problem+json"
TYPE_BASE = "https://telcare.invalid/problems/"
API_PATHS = ("/api/", "/tmf-api/", "/sms/mo", "/openapi.json")
# Where an invalid request is 400 (TMF621 v4 and its conformance kit), not 422.
BAD_REQUEST_PATHS = ("/tmf-api/troubleTicket/",)


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str = ""
    code: str | None = None
    errors: list[dict[str, object]] | None = None


def problem(status: int, kind: str, title: str, detail: str = "", **extra: Any) -> JSONResponse:
    """A problem response of type ``kind``; ``extra`` members are added to the body."""
    body = {"type": TYPE_BASE + kind, "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def wants_page(path: str, accept: str) -> bool:
    """A browser asking for a page (not the API) gets an error page, not a problem body."""
    return "text/html" in accept and not path.startswith(API_PATHS)


def error_page(status: int, text: str) -> HTMLResponse:
    """A minimal page with the message (for errors raised before a page could render)."""
    body = (
        f'<!doctype html><meta charset="utf-8"><title>{status}</title>'
        f'<p role="alert">{escape(text)}</p><p><a href="/">Telcare</a></p>'
    )
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def language(accept_language: str) -> str:
    return "en" if accept_language.lower().startswith("en") else "zh"


def tmf_members(request: Request, kind: str, title: str, detail: str) -> dict[str, Any]:
    """On ``/tmf-api``, the TMF630 ``Error`` members next to the problem's own (``code``,
    ``reason``, ``message``, ``@type``): one body both kinds of client read."""
    if not request.url.path.startswith("/tmf-api/"):
        return {}
    return {"code": kind, "reason": title, "message": detail, "@type": "Error"}


def _lang(request: Request) -> str:
    return language(request.headers.get("accept-language", ""))


def install(app: FastAPI) -> None:
    """Render every error as a problem body, and say so in the OpenAPI document."""
    _document_problems(app)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        response: Response
        if wants_page(request.url.path, request.headers.get("accept", "")):
            lang = "en" if request.scope.get("session", {}).get("lang") == "en" else "zh"
            response = error_page(exc.status, render(exc.key, lang, **exc.params))
        else:
            title, detail = (
                exc.code.replace("-", " "),
                render(exc.key, _lang(request), **exc.params),
            )
            extra = {"code": exc.code, **tmf_members(request, exc.code, title, detail)}
            response = problem(exc.status, exc.code, title, detail, **extra)
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        detail = "The request does not match the schema."
        return problem(
            400 if request.url.path.startswith(BAD_REQUEST_PATHS) else 422,
            "invalid-request",
            "invalid request",
            detail,
            errors=errors,
            **tmf_members(request, "invalid-request", "invalid request", detail),
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = {
            401: "unauthorized",
            403: "forbidden",
            404: "not-found",
            405: "method-not-allowed",
        }.get(exc.status_code, "http-error")
        text = str(exc.detail)
        response = problem(
            exc.status_code, code, text, text, **tmf_members(request, code, text, text)
        )
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response


def _document_problems(app: FastAPI) -> None:
    """Every error answer of every operation is a problem body: the OpenAPI document
    lists 4xx/5xx answers as ``application/problem+json`` and adds a ``default``
    problem answer, so that clients (and schemathesis) know the shape of any error."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("Problem", Problem.model_json_schema())
        body = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for operations in doc.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, answer in responses.items():
                    if code[0] in "45":
                        answer["content"] = body
                responses.setdefault("default", {"description": "Error", "content": body})
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
