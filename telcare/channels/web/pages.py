"""Server-rendered pages (Jinja2 + htmx): the home page and the site icon."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from telcare.channels.guards import public
from telcare.channels.web.render import page

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"


@router.get("/", response_class=HTMLResponse, dependencies=[public("the home page")])
def home(request: Request) -> Response:
    return page(request, "home.html")


@router.get("/favicon.ico", dependencies=[public("the site icon")])
def favicon() -> Response:
    """Browsers that ask for /favicon.ico get the SVG icon the pages link (no 404)."""
    return FileResponse(
        STATIC / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )
