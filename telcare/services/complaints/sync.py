"""Sync over the bus: HQ's replica of the provinces' tickets, and HQ sending tickets back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import complaints as dc
from telcare.domain import roles
from telcare.domain.access import Principal
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.services.complaints.lifecycle import _move
from telcare.services.complaints.trail import (
    _DATES,
    ASSIGN_SUBJECT,
    Outcome,
    _dt,
    _emit,
    _fields,
    _mark_applied,
    _seen,
)
from telcare.store import complaint_models as cm
from telcare.store import outbox
from telcare.store.uow import Database


def send_back(
    db: Database,
    who: Principal,
    ticket_id: str,
    *,
    unit: str,
    note: str,
    now: datetime | None = None,
) -> str:
    """Headquarters sends a ticket back to its province (re-assignment to ``unit``);
    the owner applies it and reopens the ticket if it was resolved or closed."""
    roles.require(who, "complaint.send_back")
    now = now or clock.now()
    body = dc.check_note(note)
    with db.uow() as uow:
        s = uow.session
        ticket = s.get(cm.Ticket, ticket_id)
        if ticket is None:
            raise dc.UnknownTicket(N_("complaint.unknown_ticket"), id=ticket_id)
        event_id = outbox.append(
            s,
            ASSIGN_SUBJECT.format(province=ticket.province),
            "ticket.send_back",
            ticket.id,
            0,
            {"ticket_id": ticket.id, "unit": unit.strip(), "note": body, "by": who.subject},
            now,
        )
        uow.commit()
        return event_id


def apply_send_back_events(
    db: Database, events: Sequence[Mapping[str, Any]], *, node: str
) -> list[Outcome]:
    """The owning province applies headquarters' re-assignments, each exactly once."""
    outcomes: list[Outcome] = []
    with db.uow() as uow:
        s = uow.session
        for event in events:
            if _seen(s, event):
                outcomes.append("duplicate")
                continue
            now = clock.now()
            ticket = s.get(cm.Ticket, str(event["ticket_id"]))
            if ticket is not None and (ticket.province == node or node == HQ):
                before = _fields(ticket)
                if ticket.status in (dc.Status.RESOLVED.value, dc.Status.CLOSED.value):
                    _move(ticket, dc.Action.REOPEN, now, None)
                ticket.assigned_unit = str(event["unit"]) or ticket.assigned_unit
                ticket.updated_at = now
                note = cm.TicketNote(
                    id=f"sb-{event['event_id']}"[:40],
                    ticket_id=ticket.id,
                    author=str(event["by"]),
                    text=str(event["note"]),
                    created_at=now,
                )
                s.add(note)
                s.flush()
                _emit(
                    s,
                    ticket,
                    "ticket.sent_back",
                    "send_back",
                    str(event["by"]),
                    dc.changed_fields(before, _fields(ticket)),
                    now,
                    note=note,
                )
            _mark_applied(s, event, now)
            outcomes.append("applied")
        uow.commit()
    return outcomes


def apply_ticket_events(db: Database, events: Sequence[Mapping[str, Any]]) -> list[Outcome]:
    """Apply ticket events from the provinces in one transaction, each exactly once and
    in order per ticket: an event whose predecessor is missing is a ``gap`` (left for
    redelivery); one already reflected is a ``duplicate``. Outcomes follow ``events``.

    A batch reads its applied ids and ticket sequence numbers up front and writes
    with bulk statements: a few statements per batch, not a few per event."""
    outcomes: dict[int, Outcome] = {}
    order = sorted(range(len(events)), key=lambda i: (str(events[i]["key"]), int(events[i]["seq"])))
    now = clock.now()
    batch = _Batch()
    with db.uow() as uow:
        s = uow.session
        ids = [str(e["event_id"]) for e in events]
        keys = {str(e["key"]) for e in events}
        seen = set(
            s.scalars(select(cm.AppliedEvent.event_id).where(cm.AppliedEvent.event_id.in_(ids)))
        )
        rows = s.execute(select(cm.Ticket.id, cm.Ticket.seq).where(cm.Ticket.id.in_(keys)))
        seqs: dict[str, int] = {key: seq for key, seq in rows}
        existing = set(seqs)
        for i in order:
            event = events[i]
            event_id = str(event["event_id"])
            seq, key = int(event["seq"]), str(event["ticket"]["id"])
            current = seqs.get(key, 0)
            if event_id in seen or seq <= current:
                outcomes[i] = "duplicate"  # a replay, or the owner's own database
            elif seq != current + 1:
                outcomes[i] = "gap"
            else:
                batch.add(event, now)
                seqs[key] = seq
                seen.add(event_id)
                outcomes[i] = "applied"
        batch.write(s, existing)
        uow.commit()
    return [outcomes[i] for i in range(len(events))]


class _Batch:
    """Rows to write for the applied events of one batch (last snapshot per ticket wins)."""

    def __init__(self) -> None:
        self.tickets: dict[str, dict[str, Any]] = {}
        self.audits: list[dict[str, Any]] = []
        self.notes: list[dict[str, Any]] = []
        self.attachments: list[dict[str, Any]] = []
        self.applied: list[dict[str, Any]] = []

    def add(self, event: Mapping[str, Any], now: datetime) -> None:
        snap: Mapping[str, Any] = event["ticket"]
        values = {k: (_dt(v) if k in _DATES and v is not None else v) for k, v in snap.items()}
        self.tickets[str(snap["id"])] = values
        audit = event["audit"]
        self.audits.append(
            {
                "ticket_id": snap["id"],
                "seq": int(event["seq"]),
                "action": audit["action"],
                "actor": audit["actor"],
                "changes": audit["changes"],
                "at": _dt(audit["at"]),
            }
        )
        if event.get("note"):
            n = event["note"]
            self.notes.append({**n, "ticket_id": snap["id"], "created_at": _dt(n["created_at"])})
        if event.get("attachment"):
            a = event["attachment"]
            self.attachments.append(
                {**a, "ticket_id": snap["id"], "content": None, "created_at": _dt(a["created_at"])}
            )
        self.applied.append(
            {
                "event_id": str(event["event_id"]),
                "type": str(event["type"]),
                "occurred_at": _dt(event["occurred_at"]),
                "applied_at": now,
            }
        )

    def write(self, s: Session, existing: set[str]) -> None:
        new = [v for k, v in self.tickets.items() if k not in existing]
        changed = [v for k, v in self.tickets.items() if k in existing]
        for model, rows in (
            (cm.Ticket, new),
            (cm.TicketAudit, self.audits),
            (cm.TicketNote, self.notes),
            (cm.TicketAttachment, self.attachments),
            (cm.AppliedEvent, self.applied),
        ):
            if rows:
                s.execute(insert(model), rows)
        if changed:
            s.execute(update(cm.Ticket), changed)
