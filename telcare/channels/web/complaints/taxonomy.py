"""The complaint taxonomy page (/staff/complaints/taxonomy): the tree, HQ's editor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.guards import requires
from telcare.channels.web.complaints.common import (
    CONSOLE,
    CSRF,
    Db,
    Staff,
    _context,
    _error,
)
from telcare.channels.web.render import flash, page, redirect
from telcare.domain import complaints as dc
from telcare.domain.errors import DomainError, InvalidInput
from telcare.domain.messages import N_
from telcare.services import complaints as svc

router = APIRouter(include_in_schema=False)


@router.get(
    CONSOLE + "/taxonomy",
    response_class=HTMLResponse,
    dependencies=[requires("complaint.queue.view")],
)
def taxonomy_page(request: Request, db: Db, who: Staff) -> Response:
    tax = svc.taxonomy(db)
    return page(
        request,
        "complaints/taxonomy.html",
        {
            **_context(request),
            "staff": who,
            "tax": tax,
            "depth": {c.code: len(tax.path(c.code)) - 1 for c in tax.categories},
            "lines": format_lines(tax),
            "may_edit": who.is_headquarters,
        },
    )


@router.post(CONSOLE + "/taxonomy", dependencies=[*CSRF, requires("complaint.taxonomy.edit")])
def publish(
    request: Request, db: Db, who: Staff, lines: Annotated[str, Form(max_length=100_000)]
) -> Response:
    """Publish the edited tree as the next version (headquarters only, checked in the domain)."""
    try:
        new = svc.publish_taxonomy(db, who, parse_lines(lines))
        flash(request, "ok", "web.cmp.published", v=new.version)
    except DomainError as err:
        _error(request, err)
    return redirect(CONSOLE + "/taxonomy")


def format_lines(tax: dc.Taxonomy) -> str:
    """The editor's text: one ``code | parent | zh | en`` line per category."""
    return "\n".join(
        f"{c.code} | {c.parent or ''} | {c.name_zh} | {c.name_en}" for c in tax.categories
    )


def parse_lines(text: str) -> list[dc.Category]:
    """The editor's text back into categories (the domain validates the tree)."""
    out: list[dc.Category] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 4 or not parts[0]:
            raise InvalidInput(N_("web.cmp.bad_line"), n=n)
        code, parent, zh, en = parts
        out.append(dc.Category(code, zh, en, parent or None))
    return out
