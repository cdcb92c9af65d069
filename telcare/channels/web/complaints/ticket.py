"""The staff console's ticket page (/staff/complaints/t/…): moves, notes, fields, files."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from telcare.channels.guards import requires
from telcare.channels.web.complaints.common import (
    CONSOLE,
    CSRF,
    Db,
    Staff,
    _context,
    _error,
    _node,
    _ticket_url,
    _upload,
)
from telcare.channels.web.complaints.timeline import timeline
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import lang_of
from telcare.domain import complaints as dc
from telcare.domain.errors import DomainError, InvalidInput
from telcare.domain.messages import N_
from telcare.services import complaints as svc

router = APIRouter(include_in_schema=False)


@router.get(
    CONSOLE + "/t/{ticket_id}",
    response_class=HTMLResponse,
    dependencies=[requires("complaint.queue.view")],
)
def ticket(request: Request, db: Db, who: Staff, ticket_id: str) -> Response:
    view, trail = svc.ticket_page(db, who, ticket_id)
    status = dc.Status(view.status)
    lang, tax = lang_of(request), svc.taxonomy(db)

    def category(code: str) -> str:
        try:
            return " > ".join(c.name(lang) for c in tax.path(code))
        except DomainError:
            return code

    return page(
        request,
        "complaints/ticket.html",
        {
            **_context(request),
            "staff": who,
            "tk": view,
            "trail": trail,
            "events": timeline(trail, view.channel, lang, category),
            "clock": svc.countdowns(db, [view]).get(view.id),
            "actions": [
                a.value for (s, a) in dc.TRANSITIONS if s == status and a is not dc.Action.WITHDRAW
            ],
            "may_send_back": who.is_headquarters,
        },
    )


@router.post(CONSOLE + "/t/{ticket_id}/move", dependencies=[*CSRF, requires("complaint.handle")])
def move(
    request: Request,
    db: Db,
    who: Staff,
    ticket_id: str,
    action: Annotated[str, Form(max_length=12)],
    outcome: Annotated[str, Form(max_length=dc.MAX_TEXT)] = "",
) -> Response:
    try:
        svc.transition(db, who, ticket_id, _action(action), node=_node(), outcome=outcome or None)
        flash(request, "ok", "web.cmp.moved", id=ticket_id)
    except DomainError as err:
        _error(request, err)
    return redirect(_ticket_url(ticket_id))


def _action(value: str) -> str:
    try:
        return dc.Action(value).value
    except ValueError as exc:
        raise dc.InvalidTransition(
            N_("complaint.bad_transition"), status="?", action=value
        ) from exc


@router.post(CONSOLE + "/t/{ticket_id}/note", dependencies=[*CSRF, requires("complaint.handle")])
def note(
    request: Request,
    db: Db,
    who: Staff,
    ticket_id: str,
    text: Annotated[str, Form(max_length=dc.MAX_TEXT + 100)],
) -> Response:
    try:
        svc.add_note(db, who, ticket_id, text, node=_node())
        flash(request, "ok", "web.cmp.note_added")
    except DomainError as err:
        _error(request, err)
    return redirect(_ticket_url(ticket_id))


@router.post(CONSOLE + "/t/{ticket_id}/fields", dependencies=[*CSRF, requires("complaint.handle")])
def fields(
    request: Request,
    db: Db,
    who: Staff,
    ticket_id: str,
    severity: Annotated[str, Form(pattern="^(low|normal|high|critical)?$")] = "",
    major: Annotated[str, Form(max_length=2)] = "",
    responsible_unit: Annotated[str, Form(max_length=100)] = "",
    outcome: Annotated[str, Form(max_length=dc.MAX_TEXT)] = "",
    assigned_unit: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Severity, the major-complaint flag and its accountability, the assigned unit."""
    changes: dict[str, Any] = {
        "major": bool(major),
        "responsible_unit": responsible_unit,
        "outcome": outcome,
        "assigned_unit": assigned_unit,
    }
    if severity:
        changes["severity"] = severity
    try:
        svc.update_ticket(db, who, ticket_id, node=_node(), changes=changes)
        flash(request, "ok", "web.cmp.saved")
    except DomainError as err:
        _error(request, err)
    return redirect(_ticket_url(ticket_id))


@router.post(CONSOLE + "/t/{ticket_id}/attach", dependencies=[*CSRF, requires("complaint.handle")])
async def attach(
    request: Request,
    db: Db,
    who: Staff,
    ticket_id: str,
    attachment: Annotated[UploadFile, File()],
) -> Response:
    try:
        upload = await _upload(attachment)
        if upload is None:
            raise InvalidInput(N_("complaint.attachment_type"), name="")
        name, content_type, content = upload
        svc.add_attachment(
            db,
            who,
            ticket_id,
            name=name,
            content_type=content_type,
            content=content,
            node=_node(),
        )
        flash(request, "ok", "web.cmp.attached")
    except DomainError as err:
        _error(request, err)
    return redirect(_ticket_url(ticket_id))


@router.get(
    CONSOLE + "/t/{ticket_id}/a/{attachment_id}", dependencies=[requires("complaint.queue.view")]
)
def download(db: Db, who: Staff, ticket_id: str, attachment_id: str) -> Response:
    """An attachment's content, as a download (never rendered inline)."""
    att, content = svc.attachment_content(db, who, ticket_id, attachment_id)
    if content is None:
        raise dc.UnknownTicket(N_("complaint.unknown_ticket"), id=attachment_id)
    return Response(
        content,
        media_type=att.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{att.id}{_ext(att.name)}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def _ext(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 and name[dot + 1 :].isalnum() else ""


@router.post(
    CONSOLE + "/t/{ticket_id}/send-back", dependencies=[*CSRF, requires("complaint.send_back")]
)
def send_back(
    request: Request,
    db: Db,
    who: Staff,
    ticket_id: str,
    unit: Annotated[str, Form(max_length=100)],
    text: Annotated[str, Form(max_length=dc.MAX_TEXT + 100)],
) -> Response:
    """Headquarters sends a ticket back to its province over the bus."""
    try:
        svc.send_back(db, who, ticket_id, unit=unit, note=text)
        province = svc.get_ticket(db, who, ticket_id).province
        flash(request, "ok", "web.cmp.sent_back", province=province)
    except DomainError as err:
        _error(request, err)
    return redirect(_ticket_url(ticket_id))
