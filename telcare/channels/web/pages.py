"""Server-rendered pages (Jinja2 + htmx): the home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.guards import public
from telcare.channels.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse, dependencies=[public("the home page")])
def home(request: Request) -> Response:
    return page(request, "home.html")
