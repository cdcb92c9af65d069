"""Who may see a ticket, and which node may change it (the owning province only)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import complaints as dc
from telcare.domain import roles
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.store import complaint_models as cm
from telcare.store.outbox import OutboxEvent


def _visible(s: Session, who: Principal, ticket_id: str) -> cm.Ticket:
    ticket = s.get(cm.Ticket, ticket_id)
    if ticket is None or not _may_see(who, ticket):
        raise dc.UnknownTicket(N_("complaint.unknown_ticket"), id=ticket_id)
    return ticket


def _may_see(who: Principal, ticket: cm.Ticket) -> bool:
    if who.kind is Kind.SUBSCRIBER:
        return ticket.msisdn == who.subject
    if who.kind is Kind.STAFF:
        return who.is_headquarters or who.province == ticket.province
    return False


def _owned(s: Session, who: Principal, ticket_id: str, node: str, *, staff_only: bool) -> cm.Ticket:
    """The ticket, for a change: only its owning node writes it."""
    ticket = _visible(s, who, ticket_id)
    roles.require(who, "complaint.handle" if staff_only else "complaint.update")
    if node != HQ and ticket.province != node:
        raise Forbidden(N_("complaint.wrong_node"), province=ticket.province)
    if node == HQ and _is_replica(s, ticket):
        raise Forbidden(N_("complaint.wrong_node"), province=ticket.province)
    return ticket


def _is_replica(s: Session, ticket: cm.Ticket) -> bool:
    """True when this (headquarters) node holds the ticket as a copy of a province's."""
    return (
        s.scalar(select(OutboxEvent.id).where(OutboxEvent.key == ticket.id, OutboxEvent.seq == 1))
        is None
    )
