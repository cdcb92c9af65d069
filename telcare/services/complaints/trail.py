"""Each ticket change's audit row and outbox event, and the ticket snapshot they carry."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from telcare.domain import complaints as dc
from telcare.services.tmf_hub import resources as tmf_events
from telcare.store import complaint_models as cm
from telcare.store import outbox

TICKET_SUBJECT = "telcare.tickets.{province}"
ASSIGN_SUBJECT = "telcare.assignments.{province}"
TAXONOMY_SUBJECT = "telcare.taxonomy"
Outcome = Literal["applied", "duplicate", "gap"]


_DATES = {
    "respond_by",
    "resolve_by",
    "responded_at",
    "resolved_at",
    "closed_at",
    "created_at",
    "updated_at",
}
_SNAPSHOT = [c.key for c in cm.Ticket.__table__.columns]


def _dt(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _snapshot(ticket: cm.Ticket) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _SNAPSHOT:
        value = getattr(ticket, name)
        out[name] = _iso(value) if isinstance(value, datetime) else value
    return out


def _fields(ticket: cm.Ticket) -> dict[str, Any]:
    snap = _snapshot(ticket)
    for name in ("seq", "updated_at"):
        snap.pop(name)
    return snap


def _emit(
    s: Session,
    ticket: cm.Ticket,
    kind: str,
    action: str,
    actor: str,
    changes: dict[str, Any],
    now: datetime,
    *,
    note: cm.TicketNote | None = None,
    attachment: cm.TicketAttachment | None = None,
) -> None:
    """The next audit row and outbox event of ``ticket`` (same transaction)."""
    ticket.seq += 1
    s.add(
        cm.TicketAudit(
            ticket_id=ticket.id, seq=ticket.seq, action=action, actor=actor, changes=changes, at=now
        )
    )
    payload: dict[str, Any] = {
        "ticket": _snapshot(ticket),
        "audit": {"action": action, "actor": actor, "changes": changes, "at": _iso(now)},
    }
    if ticket.status == dc.Status.CLOSED.value and kind == "ticket.closed":
        payload["survey"] = {"msisdn": ticket.msisdn, "category": ticket.category}
    if note is not None:
        payload["note"] = {
            "id": note.id,
            "author": note.author,
            "text": note.text,
            "created_at": _iso(note.created_at),
        }
    if attachment is not None:
        payload["attachment"] = {
            "id": attachment.id,
            "name": attachment.name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "created_at": _iso(attachment.created_at),
        }
    outbox.append(
        s,
        TICKET_SUBJECT.format(province=ticket.province),
        kind,
        ticket.id,
        ticket.seq,
        payload,
        now,
    )
    tmf_events.ticket_changed(s, ticket, kind, changes, now)


def _seen(s: Session, event: Mapping[str, Any]) -> bool:
    return s.get(cm.AppliedEvent, str(event["event_id"])) is not None


def _mark_applied(s: Session, event: Mapping[str, Any], now: datetime) -> None:
    s.add(
        cm.AppliedEvent(
            event_id=str(event["event_id"]),
            type=str(event["type"]),
            occurred_at=_dt(event["occurred_at"]),
            applied_at=now,
        )
    )
