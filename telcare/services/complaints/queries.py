"""Reading tickets: one ticket and its audit trail, filtered lists, attachments, the snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select

from telcare.domain import complaints as dc
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import DomainError, Forbidden
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.services.complaints.access import _visible
from telcare.services.complaints.trail import _snapshot
from telcare.services.complaints.views import (
    AttachmentView,
    AuditView,
    TicketView,
    _att_view,
    _view,
)
from telcare.store import complaint_models as cm
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class TicketFilter:
    province: str | None = None
    status: str | None = None
    queue: str | None = None
    severity: str | None = None
    category: str | None = None  # a code or any ancestor's code prefix
    msisdn: str | None = None
    major: bool | None = None
    overdue_at: datetime | None = None  # open tickets past their resolution deadline
    search: str | None = None  # a ticket id (or part of one) or the subscriber's number


@dataclass(slots=True)
class Page:
    items: list[TicketView] = field(default_factory=list)
    total: int = 0


def get_ticket(db: Database, who: Principal, ticket_id: str) -> TicketView:
    with db.uow() as uow:
        return _view(uow.session, _visible(uow.session, who, ticket_id), full=True)


def audit_trail(db: Database, who: Principal, ticket_id: str) -> list[AuditView]:
    with db.uow() as uow:
        s = uow.session
        ticket = _visible(s, who, ticket_id)
        rows = s.scalars(
            select(cm.TicketAudit)
            .where(cm.TicketAudit.ticket_id == ticket.id)
            .order_by(cm.TicketAudit.seq)
        )
        return [AuditView(r.seq, r.action, r.actor, r.changes, r.at) for r in rows]


def list_tickets(
    db: Database,
    who: Principal,
    flt: TicketFilter | None = None,
    *,
    offset: int = 0,
    limit: int = 50,
) -> Page:
    """Tickets ``who`` may see, filtered: open tickets first, nearest resolution deadline
    first; resolved and closed tickets after them."""
    flt = flt or TicketFilter()
    query = select(cm.Ticket)
    if who.kind is Kind.SUBSCRIBER:
        query = query.where(cm.Ticket.msisdn == who.subject)
    elif who.kind is Kind.STAFF and not who.is_headquarters:
        query = query.where(cm.Ticket.province == who.province)
    elif who.kind is not Kind.STAFF:
        raise Forbidden(N_("complaint.not_yours"))
    for column, value in (
        (cm.Ticket.province, flt.province),
        (cm.Ticket.status, flt.status),
        (cm.Ticket.queue, flt.queue),
        (cm.Ticket.severity, flt.severity),
        (cm.Ticket.major, flt.major),
    ):
        if value is not None:
            query = query.where(column == value)
    if flt.msisdn:
        query = query.where(cm.Ticket.msisdn == normalise_msisdn(flt.msisdn))
    if flt.search and flt.search.strip():
        query = query.where(_matches(flt.search.strip()))
    if flt.category:
        query = query.where(
            (cm.Ticket.category == flt.category)
            | cm.Ticket.category.startswith(flt.category + ".")
            | (cm.Ticket.ticket_type == flt.category)
        )
    if flt.overdue_at is not None:
        query = query.where(
            cm.Ticket.status.in_([st.value for st in dc.OPEN_STATES]),
            cm.Ticket.resolve_by < flt.overdue_at,
        )
    with db.uow() as uow:
        s = uow.session
        total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = s.scalars(
            query.order_by(_CLOSED_LAST, cm.Ticket.resolve_by, cm.Ticket.id)
            .offset(max(offset, 0))
            .limit(max(min(limit, 500), 0))
        ).all()
        return Page([_view(s, t) for t in rows], total)


_CLOSED_LAST = case((cm.Ticket.status.in_([st.value for st in dc.OPEN_STATES]), 0), else_=1)


def _matches(text: str) -> Any:
    """A ticket id (whole or in part, any case) or a subscriber's number (whole in any
    spelling, or four digits and more of it)."""
    found = [cm.Ticket.id.contains(text.upper(), autoescape=True)]
    try:
        found.append(cm.Ticket.msisdn == normalise_msisdn(text))
    except DomainError:
        if text.isdigit() and len(text) >= 4:
            found.append(cm.Ticket.msisdn.contains(text, autoescape=True))
    return or_(*found)


def snapshot(db: Database) -> dict[str, Any]:
    """Every ticket with its audit sequence, notes and attachments (sync checks, tests)."""
    with db.uow() as uow:
        s = uow.session
        tickets = {t.id: _snapshot(t) for t in s.scalars(select(cm.Ticket))}
        audits: dict[str, list[int]] = {}
        for tid, seq in s.execute(
            select(cm.TicketAudit.ticket_id, cm.TicketAudit.seq).order_by(cm.TicketAudit.seq)
        ):
            audits.setdefault(tid, []).append(seq)
        notes = sorted(s.scalars(select(cm.TicketNote.id)))
        atts = sorted(s.scalars(select(cm.TicketAttachment.id)))
        return {"tickets": tickets, "audit": audits, "notes": notes, "attachments": atts}


def attachment_content(
    db: Database, who: Principal, ticket_id: str, attachment_id: str
) -> tuple[AttachmentView, bytes | None]:
    with db.uow() as uow:
        s = uow.session
        ticket = _visible(s, who, ticket_id)
        att = s.get(cm.TicketAttachment, attachment_id)
        if att is None or att.ticket_id != ticket.id:
            raise dc.UnknownTicket(N_("complaint.unknown_ticket"), id=attachment_id)
        return _att_view(att), att.content


def ticket_page(db: Database, who: Principal, ticket_id: str) -> tuple[TicketView, list[AuditView]]:
    """A ticket with its notes and attachments, and its audit trail (one read)."""
    return get_ticket(db, who, ticket_id), audit_trail(db, who, ticket_id)
