"""Read models of tickets (ticket, note, attachment, audit row) built from the store rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import complaints as dc
from telcare.domain.errors import DomainError
from telcare.services.complaints.taxonomies import _taxonomy
from telcare.store import complaint_models as cm


@dataclass(frozen=True, slots=True)
class NoteView:
    id: str
    author: str
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AttachmentView:
    id: str
    name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TicketView:
    id: str
    province: str
    msisdn: str | None
    category: str
    category_path: tuple[dc.Category, ...]
    taxonomy_version: int
    channel: str
    severity: str
    queue: str
    status: str
    summary: str
    description: str
    related_product: str | None
    related_sp: str | None
    major: bool
    responsible_unit: str | None
    outcome: str | None
    assigned_unit: str | None
    escalation: int
    respond_by: datetime
    resolve_by: datetime
    responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    reopened: int
    filed_by: str
    created_at: datetime
    updated_at: datetime
    seq: int
    notes: tuple[NoteView, ...] = ()
    attachments: tuple[AttachmentView, ...] = ()
    ticket_type: str | None = None  # the TMF621 ticketType filed when not a category code


@dataclass(frozen=True, slots=True)
class AuditView:
    seq: int
    action: str
    actor: str
    changes: dict[str, Any]
    at: datetime


def _view(s: Session, t: cm.Ticket, *, full: bool = False) -> TicketView:
    try:
        path = _taxonomy(s, t.taxonomy_version).path(t.category)
    except DomainError:
        path = ()
    notes: tuple[NoteView, ...] = ()
    atts: tuple[AttachmentView, ...] = ()
    if full:
        notes = tuple(
            NoteView(n.id, n.author, n.text, n.created_at)
            for n in s.scalars(
                select(cm.TicketNote)
                .where(cm.TicketNote.ticket_id == t.id)
                .order_by(cm.TicketNote.created_at, cm.TicketNote.id)
            )
        )
        atts = tuple(
            _att_view(a)
            for a in s.scalars(
                select(cm.TicketAttachment)
                .where(cm.TicketAttachment.ticket_id == t.id)
                .order_by(cm.TicketAttachment.created_at)
            )
        )
    return TicketView(
        t.id, t.province, t.msisdn, t.category, path, t.taxonomy_version, t.channel, t.severity,
        t.queue, t.status, t.summary, t.description, t.related_product, t.related_sp, t.major,
        t.responsible_unit, t.outcome, t.assigned_unit, t.escalation, t.respond_by, t.resolve_by,
        t.responded_at, t.resolved_at, t.closed_at, t.reopened, t.filed_by, t.created_at,
        t.updated_at, t.seq, notes, atts, t.ticket_type,
    )  # fmt: skip


def _att_view(a: cm.TicketAttachment) -> AttachmentView:
    return AttachmentView(a.id, a.name, a.content_type, a.size, a.sha256, a.created_at)
