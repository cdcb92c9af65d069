"""Changing a filed ticket: fields, moves (major-complaint accountability), notes, attachments."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from telcare import clock
from telcare.domain import complaints as dc
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden, InvalidInput
from telcare.domain.inputs import check_plain
from telcare.domain.messages import N_
from telcare.domain.sla import SlaTable
from telcare.services.calendar import sla_table
from telcare.services.complaints.access import _owned
from telcare.services.complaints.deadlines import _deadlines
from telcare.services.complaints.taxonomies import _taxonomy
from telcare.services.complaints.trail import _emit, _fields
from telcare.services.complaints.views import TicketView, _view
from telcare.services.quality.incidents import has_incident
from telcare.store import complaint_models as cm
from telcare.store.uow import Database


def update_ticket(
    db: Database,
    who: Principal,
    ticket_id: str,
    *,
    node: str,
    changes: Mapping[str, Any],
    now: datetime | None = None,
    sla: SlaTable | None = None,
) -> TicketView:
    """Change editable fields (staff); a new severity or category recomputes the deadlines."""
    sla = sla or sla_table()
    editable = {
        "severity",
        "category",
        "summary",
        "description",
        "major",
        "responsible_unit",
        "outcome",
        "assigned_unit",
        "related_product",
        "related_sp",
    }
    unknown = set(changes) - editable
    if unknown:
        raise InvalidInput(N_("complaint.taxonomy_invalid"), reason=", ".join(sorted(unknown)))
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        ticket = _owned(s, who, ticket_id, node, staff_only=True)
        before = _fields(ticket)
        if "summary" in changes or "description" in changes:
            ticket.summary, ticket.description = dc.check_text(
                str(changes.get("summary", ticket.summary)),
                str(changes.get("description", ticket.description)),
            )
        for name in ("major",):
            if name in changes:
                ticket.major = bool(changes[name])
        for name in (
            "responsible_unit",
            "outcome",
            "assigned_unit",
            "related_product",
            "related_sp",
        ):
            if name in changes:
                value = changes[name]
                text = None if value is None else check_plain(str(value).strip()) or None
                setattr(ticket, name, text)
        if "severity" in changes or "category" in changes:
            tax = _taxonomy(s, ticket.taxonomy_version)
            if "category" in changes:
                ticket.category = tax.leaf(str(changes["category"])).code
            severity = str(changes.get("severity", ticket.severity))
            if severity not in {v.value for v in dc.Severity}:
                raise InvalidInput(N_("complaint.taxonomy_invalid"), reason="severity")
            ticket.severity = severity
            d = _deadlines(ticket, tax, sla)
            ticket.respond_by, ticket.resolve_by = d.respond_by, d.resolve_by
        diff = dc.changed_fields(before, _fields(ticket))
        if diff:
            ticket.updated_at = now
            _emit(s, ticket, "ticket.updated", "update", who.subject, diff, now)
            uow.commit()
        return _view(s, ticket)


def transition(
    db: Database,
    who: Principal,
    ticket_id: str,
    action: str,
    *,
    node: str,
    outcome: str | None = None,
    now: datetime | None = None,
) -> TicketView:
    """Move a ticket through its life cycle; closing emits ``ticket.closed``.

    Staff move tickets; a subscriber may only close (accept) or reopen their own
    resolved ticket, or withdraw their own open one (only the subscriber withdraws).
    A major complaint closes only with a responsible unit and outcome and an incident
    record that accounts for it (``services.quality.incidents``).
    """
    act = dc.Action(action)
    now = now or clock.now()
    if act is dc.Action.WITHDRAW and who.kind is not Kind.SUBSCRIBER:
        raise Forbidden(N_("complaint.withdraw_own"))
    with db.uow() as uow:
        s = uow.session
        ticket = _owned(s, who, ticket_id, node, staff_only=act not in dc.SUBSCRIBER_ACTIONS)
        before = _fields(ticket)
        _move(ticket, act, now, outcome)
        if act is dc.Action.CLOSE and ticket.major and not has_incident(s, ticket.id):
            raise dc.AccountabilityMissing(N_("complaint.major_needs_incident"))
        kind = {
            dc.Action.CLOSE: "ticket.closed",
            dc.Action.WITHDRAW: "ticket.closed",
            dc.Action.REOPEN: "ticket.reopened",
        }.get(act, "ticket.status_changed")
        _emit(
            s, ticket, kind, act.value, who.subject, dc.changed_fields(before, _fields(ticket)), now
        )
        uow.commit()
        return _view(s, ticket)


def _move(ticket: cm.Ticket, act: dc.Action, now: datetime, outcome: str | None) -> None:
    target = dc.transition(dc.Status(ticket.status), act)
    if outcome is not None and outcome.strip():
        ticket.outcome = outcome.strip()
    if act is dc.Action.WITHDRAW:
        ticket.closed_at = now
    if act is dc.Action.CLOSE:
        dc.check_close(ticket.major, ticket.responsible_unit, ticket.outcome)
        ticket.closed_at = now
    if act is dc.Action.RESOLVE:
        ticket.resolved_at = now
    if act is dc.Action.REOPEN:
        ticket.reopened += 1
        ticket.resolved_at = ticket.closed_at = None
    if ticket.responded_at is None and act in (dc.Action.ACKNOWLEDGE, dc.Action.START):
        ticket.responded_at = now
    ticket.status = target.value
    ticket.updated_at = now


def add_note(
    db: Database,
    who: Principal,
    ticket_id: str,
    text: str,
    *,
    node: str,
    now: datetime | None = None,
) -> TicketView:
    now = now or clock.now()
    body = dc.check_note(text)
    with db.uow() as uow:
        s = uow.session
        ticket = _owned(s, who, ticket_id, node, staff_only=False)
        note = cm.TicketNote(
            id=uuid.uuid4().hex, ticket_id=ticket.id, author=who.subject, text=body, created_at=now
        )
        s.add(note)
        ticket.updated_at = now
        s.flush()
        _emit(
            s,
            ticket,
            "ticket.note_added",
            "note",
            who.subject,
            {"note": [None, body]},
            now,
            note=note,
        )
        uow.commit()
        return _view(s, ticket)


def add_attachment(
    db: Database,
    who: Principal,
    ticket_id: str,
    *,
    name: str,
    content_type: str,
    content: bytes,
    node: str,
    now: datetime | None = None,
) -> TicketView:
    """Attach a file (type and size checked); headquarters receives its metadata only."""
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        ticket = _owned(s, who, ticket_id, node, staff_only=False)
        count = s.scalar(select(func.count()).where(cm.TicketAttachment.ticket_id == ticket.id))
        dc.check_attachment(name, content_type, len(content), count or 0)
        att = cm.TicketAttachment(
            id=uuid.uuid4().hex,
            ticket_id=ticket.id,
            name=name,
            content_type=content_type.split(";")[0].strip().lower(),
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            created_at=now,
        )
        s.add(att)
        ticket.updated_at = now
        s.flush()
        _emit(
            s,
            ticket,
            "ticket.attachment_added",
            "attach",
            who.subject,
            {"attachment": [None, name]},
            now,
            attachment=att,
        )
        uow.commit()
        return _view(s, ticket)
