"""Complaint tables (tickets, notes, attachments, audit trail, taxonomy versions) and
the bus tables (transactional outbox, applied events).

Ticket rows exist in the province that owns them and, as a replica, at headquarters;
so they carry no foreign keys to subscribers or provinces, which a headquarters
node need not hold. Identifiers are globally unique strings chosen by the owner.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import BIG_ID, Base


class TaxonomyVersion(Base):
    """One published version of the complaint taxonomy (edited at headquarters only)."""

    __tablename__ = "taxonomy_version"
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    categories: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    published_by: Mapped[str] = mapped_column(String(40))
    published_at: Mapped[datetime]


class Ticket(Base):
    """A complaint (TMF621 trouble ticket). ``seq`` counts its changes: each change
    writes one audit row and one outbox event with the same number."""

    __tablename__ = "ticket"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    province: Mapped[str] = mapped_column(String(2))  # the owning node
    msisdn: Mapped[str | None] = mapped_column(String(11), index=True)
    category: Mapped[str] = mapped_column(String(40))
    # The TMF621 ``ticketType`` as filed when it is not a taxonomy code (e.g. "device");
    # the ticket is then filed under the taxonomy's catch-all category.
    ticket_type: Mapped[str | None] = mapped_column(String(40))
    taxonomy_version: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(10))
    severity: Mapped[str] = mapped_column(String(10))
    queue: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    summary: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    related_product: Mapped[str | None] = mapped_column(String(20))
    related_sp: Mapped[str | None] = mapped_column(String(20))
    major: Mapped[bool] = mapped_column(Boolean, default=False)
    responsible_unit: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(Text)
    assigned_unit: Mapped[str | None] = mapped_column(String(100))
    escalation: Mapped[int] = mapped_column(Integer, default=0)
    respond_by: Mapped[datetime]
    resolve_by: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    filed_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    seq: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        CheckConstraint(
            "status in ('new','acknowledged','inProgress','resolved','closed')", name="status"
        ),
        CheckConstraint("severity in ('low','normal','high','critical')", name="severity"),
        Index("ix_ticket_province_status", "province", "status"),
        Index("ix_ticket_status_resolve_by", "status", "resolve_by"),
    )


class TicketNote(Base):
    __tablename__ = "ticket_note"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("ticket.id"), index=True)
    author: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class TicketAttachment(Base):
    """Attachment metadata; ``content`` is kept by the owning province only."""

    __tablename__ = "ticket_attachment"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("ticket.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class TicketAudit(Base):
    """The audit trail: one row per change, ``changes`` as ``{field: [old, new]}``."""

    __tablename__ = "ticket_audit"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("ticket.id"))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(40))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("ticket_id", "seq"),)


class AppliedEvent(Base):
    """An event a consumer has applied, written in the same transaction as its effect."""

    __tablename__ = "applied_event"
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime]
    applied_at: Mapped[datetime]
