"""Business hall complaints (/hall/complaints): a subscriber files and accepts or reopens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from telcare.channels.web.complaints.common import (
    CSRF,
    HALL,
    Db,
    Msisdn,
    _context,
    _error,
    _node,
    _upload,
)
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import FormKey
from telcare.domain import complaints as dc
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import DomainError
from telcare.services import complaints as svc

router = APIRouter(include_in_schema=False)


@router.get(HALL, response_class=HTMLResponse)
def hall_page(request: Request, db: Db, msisdn: Msisdn) -> Response:
    who = Principal(Kind.SUBSCRIBER, msisdn, "")
    tax = svc.taxonomy(db)
    mine = svc.list_tickets(db, who, limit=50)
    return page(
        request,
        "complaints/hall.html",
        {
            **_context(request),
            "leaves": [(leaf.code, tax.path(leaf.code)) for leaf in tax.leaves()],
            "tickets": mine.items,
        },
    )


@router.post(HALL, dependencies=CSRF)
async def hall_file(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    category: Annotated[str, Form(max_length=40)],
    key: FormKey,
    description: Annotated[str, Form(max_length=dc.MAX_TEXT)] = "",
    summary: Annotated[str, Form(max_length=dc.MAX_SUMMARY)] = "",
    attachment: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """File a complaint for the logged-in line (once per form key)."""
    who = Principal(Kind.SUBSCRIBER, msisdn, "")
    try:
        upload = await _upload(attachment)
        ticket_id, _replayed = svc.file_ticket_once(
            db,
            who,
            key=key,
            node=_node(),
            category=category,
            summary=summary,
            description=description,
            attachment=upload,
        )
    except DomainError as err:
        _error(request, err)
        return redirect(HALL)
    if ticket_id is None:
        flash(request, "ok", "web.cmp.in_flight")
    else:
        flash(request, "ok", "web.cmp.filed", id=ticket_id)
    return redirect(HALL)


@router.post(HALL + "/{ticket_id}/move", dependencies=CSRF)
def hall_move(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    ticket_id: str,
    action: Annotated[str, Form(pattern="^(close|reopen)$")],
) -> Response:
    """The subscriber accepts (closes) or reopens their own resolved ticket."""
    who = Principal(Kind.SUBSCRIBER, msisdn, "")
    try:
        svc.transition(db, who, ticket_id, action, node=_node())
        flash(request, "ok", "web.cmp.moved", id=ticket_id)
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)
