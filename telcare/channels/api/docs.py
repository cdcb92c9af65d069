"""The interactive API docs (/docs, Swagger UI; /redoc, ReDoc) from bundled files, so they
work offline: the JavaScript and CSS ship in the ``fastapi-offline`` package (MIT)."""

from __future__ import annotations

import secrets
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from telcare.channels.guards import public
from telcare.channels.web.headers import docs_csp

ASSETS = Path(fastapi_offline.__file__).parent / "static"
PREFIX = "/static/docs"


def _with_nonce(page: HTMLResponse) -> HTMLResponse:
    """``page`` with a fresh nonce on its inline scripts and a CSP that allows just them."""
    nonce = secrets.token_urlsafe(16)
    body = bytes(page.body).replace(b"<script>", f'<script nonce="{nonce}">'.encode())
    return HTMLResponse(body, headers={"Content-Security-Policy": docs_csp(nonce)})


def install(app: FastAPI) -> None:
    """Serve the assets under /static/docs and the two doc pages that use them.

    ``create_app`` passes ``docs_url=None, redoc_url=None`` so FastAPI's CDN pages are off.
    """
    app.mount(PREFIX, StaticFiles(directory=ASSETS), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    title = app.title

    @app.get("/docs", include_in_schema=False, dependencies=[public("API documentation")])
    def swagger_ui() -> HTMLResponse:
        return _with_nonce(
            get_swagger_ui_html(
                openapi_url=openapi_url,
                title=f"{title} - Swagger UI",
                oauth2_redirect_url="/docs/oauth2-redirect",
                swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
                swagger_css_url=f"{PREFIX}/swagger-ui.css",
                swagger_favicon_url=f"{PREFIX}/favicon.png",
            )
        )

    @app.get(
        "/docs/oauth2-redirect", include_in_schema=False, dependencies=[public("API documentation")]
    )
    def swagger_ui_redirect() -> HTMLResponse:
        return _with_nonce(get_swagger_ui_oauth2_redirect_html())

    @app.get("/redoc", include_in_schema=False, dependencies=[public("API documentation")])
    def redoc() -> HTMLResponse:
        return _with_nonce(
            get_redoc_html(
                openapi_url=openapi_url,
                title=f"{title} - ReDoc",
                redoc_js_url=f"{PREFIX}/redoc.standalone.js",
                redoc_favicon_url=f"{PREFIX}/favicon.png",
                with_google_fonts=False,
            )
        )
