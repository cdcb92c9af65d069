"""Business hall complaints (/hall/complaints): a subscriber files, follows, replies to,
withdraws, accepts or reopens their own tickets.

A form error re-renders the page with the message next to its field (status 422); the
outcome of a move or reply is shown on the ticket's own page (303 there, with a flash).
"""

from __future__ import annotations

from typing import Annotated, Any

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
from telcare.channels.web.security import FormKey, lang_of
from telcare.domain import complaints as dc
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import DomainError, NotFound
from telcare.domain.messages import N_, known, render
from telcare.services import complaints as svc

router = APIRouter(include_in_schema=False)

# Which field a domain error belongs next to (others show above the form).
FIELD_OF = {
    N_("complaint.unknown_category"): "category",
    N_("complaint.taxonomy_invalid"): "category",
}


def _who(msisdn: str) -> Principal:
    return Principal(Kind.SUBSCRIBER, msisdn, "")


def _hall_page(
    request: Request,
    db: Db,
    msisdn: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    tax = svc.taxonomy(db)
    mine = svc.list_tickets(db, _who(msisdn), limit=50)
    return page(
        request,
        "complaints/hall.html",
        {
            **_context(request),
            "leaves": [(leaf.code, tax.path(leaf.code)) for leaf in tax.leaves()],
            "tickets": mine.items,
            "errors": errors or {},
            "values": values or {},
        },
        status=status,
    )


@router.get(HALL, response_class=HTMLResponse)
def hall_page(request: Request, db: Db, msisdn: Msisdn) -> Response:
    return _hall_page(request, db, msisdn)


@router.post(HALL, dependencies=CSRF)
async def hall_file(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    key: FormKey,
    category: Annotated[str, Form(max_length=40)] = "",
    description: Annotated[str, Form(max_length=dc.MAX_TEXT)] = "",
    summary: Annotated[str, Form(max_length=dc.MAX_SUMMARY)] = "",
    attachment: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """File a complaint for the logged-in line (once per form key); a missing or wrong
    field re-renders the form with what was typed and the message beside the field."""
    lang = lang_of(request)
    values = {"category": category, "summary": summary, "description": description}
    errors: dict[str, str] = {}
    if not category.strip():
        errors["category"] = render("web.cmp.need_category", lang)
    if not description.strip():
        errors["description"] = render("web.cmp.need_description", lang)
    if errors:
        return _hall_page(request, db, msisdn, errors=errors, values=values, status=422)
    try:
        upload = await _upload(attachment)
        ticket_id, _replayed = svc.file_ticket_once(
            db,
            _who(msisdn),
            key=key,
            node=_node(),
            category=category,
            summary=summary,
            description=description,
            attachment=upload,
        )
    except DomainError as err:
        field = FIELD_OF.get(err.key, "form")
        errors = {field: render(err.key, lang, **err.params)}
        return _hall_page(request, db, msisdn, errors=errors, values=values, status=err.status)
    if ticket_id is None:
        flash(request, "ok", "web.cmp.in_flight")
        return redirect(HALL)
    flash(request, "ok", "web.cmp.filed", id=ticket_id)
    return redirect(f"{HALL}/{ticket_id}")


@router.get(HALL + "/{ticket_id}", response_class=HTMLResponse)
def hall_ticket(request: Request, db: Db, msisdn: Msisdn, ticket_id: str) -> Response:
    """One of the subscriber's tickets: its details, timeline, reply and moves (another
    line's ticket is "not found", as an unknown one)."""
    view, trail = svc.ticket_page(db, _who(msisdn), ticket_id[:40])
    return page(
        request,
        "complaints/hall_ticket.html",
        {**_context(request), "tk": view, "timeline": _timeline(view, trail, msisdn)},
    )


def _timeline(view: svc.TicketView, trail: list[Any], msisdn: str) -> list[dict[str, Any]]:
    """The audit trail said for the subscriber, with the replies (notes) in place."""
    notes = {n.created_at: n for n in view.notes}
    rows = []
    for entry in trail:
        who = "you" if entry.actor == msisdn else ("system" if entry.actor == "sla" else "agent")
        key = f"web.cmp.tl.{entry.action}"
        note = notes.get(entry.at) if entry.action == "note" else None
        rows.append(
            {
                "at": entry.at,
                "who": who,
                "key": key if known(key) else N_("web.cmp.tl.other"),
                "text": note.text if note else "",
            }
        )
    return rows


@router.post(HALL + "/{ticket_id}/reply", dependencies=CSRF)
def hall_reply(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    ticket_id: str,
    text: Annotated[str, Form(max_length=dc.MAX_TEXT)] = "",
) -> Response:
    """The subscriber adds to their ticket (a note the agents read in the console)."""
    try:
        svc.add_note(db, _who(msisdn), ticket_id[:40], text, node=_node())
        flash(request, "ok", "web.cmp.replied")
    except DomainError as err:
        return _back(request, err, ticket_id[:40])
    return redirect(f"{HALL}/{ticket_id[:40]}")


@router.post(HALL + "/{ticket_id}/move", dependencies=CSRF)
def hall_move(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    ticket_id: str,
    action: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Accept (close) or reopen a resolved ticket, or withdraw an open one."""
    try:
        act = dc.Action(action)
        if act not in dc.SUBSCRIBER_ACTIONS:
            raise ValueError(action)
    except ValueError:
        _error(
            request, dc.InvalidTransition(N_("complaint.bad_transition"), status="?", action="?")
        )
        return redirect(f"{HALL}/{ticket_id[:40]}")
    try:
        svc.transition(db, _who(msisdn), ticket_id[:40], act.value, node=_node())
        key = N_("web.cmp.withdrawn") if act is dc.Action.WITHDRAW else N_("web.cmp.moved")
        flash(request, "ok", key, id=ticket_id[:40])
    except DomainError as err:
        return _back(request, err, ticket_id[:40])
    return redirect(f"{HALL}/{ticket_id[:40]}")


def _back(request: Request, err: DomainError, ticket_id: str = "") -> Response:
    """The error as a flash on the ticket's page (on the list if the ticket is not theirs)."""
    _error(request, err)
    return redirect(HALL if isinstance(err, NotFound) or not ticket_id else f"{HALL}/{ticket_id}")
