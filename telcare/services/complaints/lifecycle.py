"""Complaint use cases: file, update, move and annotate tickets; escalate; publish the
taxonomy; apply events from other nodes.

Each change is one transaction that writes the ticket, one audit row and one outbox
event with the ticket's next sequence number. The province that filed a ticket owns
it (the only writer); headquarters holds a replica built by :func:`apply_ticket_events`
and sends tickets back with :func:`send_back`, which the owner applies.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import complaints as dc
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import DomainError, Forbidden, InvalidInput
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.provinces import HQ
from telcare.domain.sla import DEFAULT_SLA, ZERO, Deadlines, SlaTable
from telcare.store import complaint_models as cm
from telcare.store import models as m
from telcare.store.uow import Database

TICKET_SUBJECT = "telcare.tickets.{province}"
ASSIGN_SUBJECT = "telcare.assignments.{province}"
TAXONOMY_SUBJECT = "telcare.taxonomy"
Outcome = Literal["applied", "duplicate", "gap"]

# --- views -------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class AuditView:
    seq: int
    action: str
    actor: str
    changes: dict[str, Any]
    at: datetime


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


@dataclass(slots=True)
class Page:
    items: list[TicketView] = field(default_factory=list)
    total: int = 0


# --- taxonomy ---------------------------------------------------------------------


_TAXONOMIES: dict[tuple[str, int], dc.Taxonomy] = {}


def _taxonomy(session: Session, version: int | None = None) -> dc.Taxonomy:
    """The given version (default: the latest); the built-in version 1 on a new node.
    Versions never change once published, so parsed ones are cached per database."""
    if version is not None:
        cached = _TAXONOMIES.get((str(session.get_bind().url), version))
        if cached is not None:
            return cached
    if version is None:
        version = session.scalar(select(func.max(cm.TaxonomyVersion.version)))
    if version is None:
        ensure_taxonomy_in(session)
        return dc.DEFAULT_TAXONOMY
    row = session.get(cm.TaxonomyVersion, version)
    if row is None:
        if version == dc.DEFAULT_TAXONOMY.version:
            ensure_taxonomy_in(session)
            return dc.DEFAULT_TAXONOMY
        raise dc.UnknownCategory("complaint.unknown_category", code=f"v{version}")
    parsed = dc.Taxonomy.from_dict({"version": row.version, "categories": row.categories})
    _TAXONOMIES[(str(session.get_bind().url), version)] = parsed
    return parsed


def ensure_taxonomy_in(session: Session) -> None:
    if session.get(cm.TaxonomyVersion, dc.DEFAULT_TAXONOMY.version) is None:
        session.add(
            cm.TaxonomyVersion(
                version=dc.DEFAULT_TAXONOMY.version,
                categories=dc.DEFAULT_TAXONOMY.as_dict()["categories"],
                published_by="system",
                published_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
        session.flush()


def ensure_taxonomy(db: Database) -> None:
    """Store the built-in version 1 once (identical on every node)."""
    try:
        with db.uow() as uow:
            ensure_taxonomy_in(uow.session)
            uow.commit()
    except IntegrityError:
        pass  # another process stored it first


def taxonomy(db: Database, version: int | None = None) -> dc.Taxonomy:
    with db.uow() as uow:
        return _taxonomy(uow.session, version)


def publish_taxonomy(
    db: Database, who: Principal, categories: Iterable[dc.Category], *, now: datetime | None = None
) -> dc.Taxonomy:
    """A new taxonomy version (headquarters staff only), sent to every province."""
    if who.kind is not Kind.STAFF:
        raise Forbidden("complaint.taxonomy_hq_only")
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        new = dc.next_version(_taxonomy(s), categories, who.province)
        s.add(
            cm.TaxonomyVersion(
                version=new.version,
                categories=new.as_dict()["categories"],
                published_by=who.subject,
                published_at=now,
            )
        )
        _outbox(
            s,
            TAXONOMY_SUBJECT,
            "taxonomy.published",
            "taxonomy",
            new.version,
            {"taxonomy": new.as_dict(), "by": who.subject},
            now,
        )
        uow.commit()
        return new


def apply_taxonomy_events(db: Database, events: Sequence[Mapping[str, Any]]) -> list[Outcome]:
    """Store each published version not yet held (a province receiving HQ's edits)."""
    outcomes: list[Outcome] = []
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        for event in events:
            if _seen(s, event):
                outcomes.append("duplicate")
                continue
            data = dc.Taxonomy.from_dict(event["taxonomy"])
            if s.get(cm.TaxonomyVersion, data.version) is None:
                s.add(
                    cm.TaxonomyVersion(
                        version=data.version,
                        categories=data.as_dict()["categories"],
                        published_by=str(event.get("by", HQ)),
                        published_at=_dt(event["occurred_at"]),
                    )
                )
            _mark_applied(s, event, now)
            outcomes.append("applied")
        uow.commit()
    return outcomes


# --- filing and changing tickets --------------------------------------------------


def file_ticket(
    db: Database,
    who: Principal,
    *,
    node: str,
    category: str,
    summary: str,
    description: str = "",
    msisdn: str | None = None,
    severity: str = "normal",
    channel: str = "console",
    related_product: str | None = None,
    related_sp: str | None = None,
    major: bool = False,
    now: datetime | None = None,
    sla: SlaTable = DEFAULT_SLA,
) -> TicketView:
    """File a complaint at node ``node``. A subscriber files for their own line; staff
    file for a caller. A G3 subscriber's ticket goes to the G3 queue with shorter SLAs."""
    now = now or clock.now()
    sev = dc.Severity(severity)
    chan = dc.Channel(channel)
    summary, description = dc.check_text(summary, description)
    if who.kind is Kind.SUBSCRIBER:
        msisdn = who.subject
        major = False
    elif who.kind is not Kind.STAFF:
        raise Forbidden("complaint.not_yours")
    number = normalise_msisdn(msisdn) if msisdn else None
    with db.uow() as uow:
        s = uow.session
        tax = _taxonomy(s)
        tax.leaf(category)
        home, g3 = _subscriber_facts(s, number)
        province = node if node != HQ else (home or who.province)
        if who.kind is Kind.STAFF and who.province not in (HQ, province):
            raise Forbidden("complaint.not_yours")
        deadlines = sla.deadlines(tax.path(category), sev, now, g3=g3)
        ticket = cm.Ticket(
            id=f"{province}-{uuid.uuid4().hex[:16].upper()}",
            province=province,
            msisdn=number,
            category=category,
            taxonomy_version=tax.version,
            channel=chan.value,
            severity=sev.value,
            queue=dc.queue_for(g3).value,
            status=dc.Status.NEW.value,
            summary=summary,
            description=description,
            related_product=related_product or None,
            related_sp=related_sp or None,
            major=major,
            escalation=0,
            respond_by=deadlines.respond_by,
            resolve_by=deadlines.resolve_by,
            reopened=0,
            filed_by=who.subject,
            created_at=now,
            updated_at=now,
            seq=0,
        )
        s.add(ticket)
        _emit(s, ticket, "ticket.filed", "file", who.subject, {}, now)
        uow.commit()
        return _view(s, ticket)


def update_ticket(
    db: Database,
    who: Principal,
    ticket_id: str,
    *,
    node: str,
    changes: Mapping[str, Any],
    now: datetime | None = None,
    sla: SlaTable = DEFAULT_SLA,
) -> TicketView:
    """Change editable fields (staff); a new severity or category recomputes the deadlines."""
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
        raise InvalidInput("complaint.taxonomy_invalid", reason=", ".join(sorted(unknown)))
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
                setattr(ticket, name, str(value).strip() or None if value is not None else None)
        if "severity" in changes or "category" in changes:
            tax = _taxonomy(s, ticket.taxonomy_version)
            if "category" in changes:
                ticket.category = tax.leaf(str(changes["category"])).code
            ticket.severity = dc.Severity(str(changes.get("severity", ticket.severity))).value
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
    resolved ticket. A major complaint closes only with a responsible unit and outcome.
    """
    act = dc.Action(action)
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        ticket = _owned(
            s, who, ticket_id, node, staff_only=act not in (dc.Action.CLOSE, dc.Action.REOPEN)
        )
        before = _fields(ticket)
        _move(ticket, act, now, outcome)
        kind = {dc.Action.CLOSE: "ticket.closed", dc.Action.REOPEN: "ticket.reopened"}.get(
            act, "ticket.status_changed"
        )
        _emit(
            s, ticket, kind, act.value, who.subject, dc.changed_fields(before, _fields(ticket)), now
        )
        uow.commit()
        return _view(s, ticket)


def _move(ticket: cm.Ticket, act: dc.Action, now: datetime, outcome: str | None) -> None:
    target = dc.transition(dc.Status(ticket.status), act)
    if outcome is not None and outcome.strip():
        ticket.outcome = outcome.strip()
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


def attachment_content(
    db: Database, who: Principal, ticket_id: str, attachment_id: str
) -> tuple[AttachmentView, bytes | None]:
    with db.uow() as uow:
        s = uow.session
        ticket = _visible(s, who, ticket_id)
        att = s.get(cm.TicketAttachment, attachment_id)
        if att is None or att.ticket_id != ticket.id:
            raise dc.UnknownTicket("complaint.unknown_ticket", id=attachment_id)
        return _att_view(att), att.content


def sweep_escalations(
    db: Database, *, node: str, now: datetime | None = None, sla: SlaTable = DEFAULT_SLA
) -> int:
    """Raise the escalation level of this node's open tickets past their deadlines."""
    now = now or clock.now()
    raised = 0
    with db.uow() as uow:
        s = uow.session
        query = select(cm.Ticket).where(
            cm.Ticket.status.in_([st.value for st in dc.OPEN_STATES]),
            cm.Ticket.respond_by < now,
            cm.Ticket.escalation < 2,
        )
        if node != HQ:
            query = query.where(cm.Ticket.province == node)
        for ticket in s.scalars(query.limit(1000)):
            rule = sla.rule(
                _taxonomy(s, ticket.taxonomy_version).path(ticket.category),
                dc.Severity(ticket.severity),
            )
            d = Deadlines(
                ticket.respond_by, ticket.resolve_by, rule.business_hours, rule.resolution
            )
            level = sla.escalation(
                d,
                dc.Status(ticket.status),
                now,
                responded=ticket.responded_at is not None,
                major=ticket.major,
                severity=dc.Severity(ticket.severity),
            )
            if level > ticket.escalation:
                diff = {"escalation": [ticket.escalation, int(level)]}
                ticket.escalation = int(level)
                ticket.updated_at = now
                _emit(s, ticket, "ticket.escalated", "escalate", "sla", diff, now)
                raised += 1
        uow.commit()
    return raised


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
    if not who.is_headquarters:
        raise Forbidden("complaint.not_yours")
    now = now or clock.now()
    body = dc.check_note(note)
    with db.uow() as uow:
        s = uow.session
        ticket = s.get(cm.Ticket, ticket_id)
        if ticket is None:
            raise dc.UnknownTicket("complaint.unknown_ticket", id=ticket_id)
        event_id = _outbox(
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


# --- the replica at headquarters --------------------------------------------------


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


# --- queries ------------------------------------------------------------------------


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
    """Tickets ``who`` may see, most urgent first (resolution deadline), filtered."""
    flt = flt or TicketFilter()
    query = select(cm.Ticket)
    if who.kind is Kind.SUBSCRIBER:
        query = query.where(cm.Ticket.msisdn == who.subject)
    elif who.kind is Kind.STAFF and not who.is_headquarters:
        query = query.where(cm.Ticket.province == who.province)
    elif who.kind is not Kind.STAFF:
        raise Forbidden("complaint.not_yours")
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
    if flt.category:
        query = query.where(
            (cm.Ticket.category == flt.category) | cm.Ticket.category.startswith(flt.category + ".")
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
            query.order_by(cm.Ticket.resolve_by, cm.Ticket.id)
            .offset(max(offset, 0))
            .limit(max(min(limit, 500), 0))
        ).all()
        return Page([_view(s, t) for t in rows], total)


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


# --- internals ----------------------------------------------------------------------

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


def _subscriber_facts(s: Session, msisdn: str | None) -> tuple[str | None, bool]:
    """The caller's home province and whether they are a G3 subscriber, if known here."""
    if msisdn is None:
        return None, False
    sub = s.scalar(select(m.Subscriber).where(m.Subscriber.msisdn == msisdn))
    if sub is None:
        return None, False
    names = s.scalars(
        select(m.Product.name_zh)
        .join(m.Subscription, m.Subscription.product_code == m.Product.code)
        .where(m.Subscription.subscriber_id == sub.id, m.Subscription.state == "active")
    ).all()
    return sub.province_code, dc.is_g3(names)


def _deadlines(ticket: cm.Ticket, tax: dc.Taxonomy, sla: SlaTable) -> Deadlines:
    return sla.deadlines(
        tax.path(ticket.category),
        dc.Severity(ticket.severity),
        ticket.created_at,
        g3=ticket.queue == dc.Queue.G3.value,
    )


def _visible(s: Session, who: Principal, ticket_id: str) -> cm.Ticket:
    ticket = s.get(cm.Ticket, ticket_id)
    if ticket is None or not _may_see(who, ticket):
        raise dc.UnknownTicket("complaint.unknown_ticket", id=ticket_id)
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
    if staff_only and who.kind is not Kind.STAFF:
        raise Forbidden("complaint.not_yours")
    if node != HQ and ticket.province != node:
        raise Forbidden("complaint.wrong_node", province=ticket.province)
    if node == HQ and _is_replica(s, ticket):
        raise Forbidden("complaint.wrong_node", province=ticket.province)
    return ticket


def _is_replica(s: Session, ticket: cm.Ticket) -> bool:
    """True when this (headquarters) node holds the ticket as a copy of a province's."""
    return (
        s.scalar(
            select(cm.OutboxEvent.id).where(
                cm.OutboxEvent.key == ticket.id, cm.OutboxEvent.seq == 1
            )
        )
        is None
    )


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
    _outbox(
        s,
        TICKET_SUBJECT.format(province=ticket.province),
        kind,
        ticket.id,
        ticket.seq,
        payload,
        now,
    )


def _outbox(
    s: Session, subject: str, kind: str, key: str, seq: int, data: dict[str, Any], now: datetime
) -> str:
    event_id = str(uuid.uuid4())
    payload = {
        "event_id": event_id,
        "type": kind,
        "key": key,
        "seq": seq,
        "occurred_at": _iso(now),
        **data,
    }
    s.add(
        cm.OutboxEvent(
            event_id=event_id,
            subject=subject,
            type=kind,
            key=key,
            seq=seq,
            payload=payload,
            created_at=now,
        )
    )
    return event_id


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
        t.updated_at, t.seq, notes, atts,
    )  # fmt: skip


def _att_view(a: cm.TicketAttachment) -> AttachmentView:
    return AttachmentView(a.id, a.name, a.content_type, a.size, a.sha256, a.created_at)


# --- pages: keyed filing and SLA countdowns (web console and business hall) ----------

SUMMARY_FROM_TEXT = 60


@dataclass(frozen=True, slots=True)
class Countdown:
    """Time left (negative when overdue) before an open ticket's deadlines; the first
    response is None once answered. Counted in business time when the SLA rule says so."""

    respond_left: timedelta | None
    resolve_left: timedelta
    breached: bool


def file_ticket_once(
    db: Database,
    who: Principal,
    *,
    key: str,
    node: str,
    category: str,
    summary: str,
    description: str,
    attachment: tuple[str, str, bytes] | None = None,
    channel: str = "hall",
    msisdn: str | None = None,
    severity: str = "normal",
) -> tuple[str | None, bool]:
    """File a complaint once per form ``key`` (a double submit files one ticket): a
    subscriber for their own line, or staff for a caller (``msisdn``).

    Returns ``(ticket id, replayed)``; the id is None while the first submit of the
    same key is still filing. The key is claimed before filing; a refused filing
    releases it. An empty summary is taken from the description's first words.
    The attachment ``(name, content type, content)`` is checked before anything is filed.
    """
    from telcare.services.idempotency import check_key, run_once

    check_key(key)
    if not summary.strip():
        summary = " ".join(description.split())[:SUMMARY_FROM_TEXT]
    dc.check_text(summary, description)
    if attachment is not None:
        dc.check_attachment(attachment[0], attachment[1], len(attachment[2]))
    claim = run_once(db, "complaint.file", key, {"by": who.subject}, lambda _uow: {})
    if claim["replayed"]:
        return claim.get("ticket"), True
    try:
        ticket = file_ticket(
            db,
            who,
            node=node,
            category=category,
            summary=summary,
            description=description,
            channel=channel,
            msisdn=msisdn,
            severity=severity,
        )
    except (DomainError, ValueError):
        with db.uow() as uow:
            row = uow.session.get(m.IdempotencyRecord, key)
            if row is not None:
                uow.session.delete(row)
            uow.commit()
        raise
    with db.uow() as uow:
        row = uow.session.get(m.IdempotencyRecord, key)
        if row is not None:
            row.result = {"ticket": ticket.id}
        uow.commit()
    if attachment is not None:
        name, content_type, content = attachment
        add_attachment(
            db, who, ticket.id, name=name, content_type=content_type, content=content, node=node
        )
    return ticket.id, False


def countdowns(
    db: Database,
    tickets: Iterable[TicketView],
    now: datetime | None = None,
    sla: SlaTable = DEFAULT_SLA,
) -> dict[str, Countdown]:
    """SLA countdowns of the open tickets among ``tickets`` (keyed by ticket id)."""
    now = now or clock.now()
    out: dict[str, Countdown] = {}
    with db.uow() as uow:
        s = uow.session
        for t in tickets:
            if dc.Status(t.status) not in dc.OPEN_STATES:
                continue
            path = t.category_path or _taxonomy(s, t.taxonomy_version).path(t.category)
            rule = sla.rule(path, dc.Severity(t.severity))
            d = Deadlines(t.respond_by, t.resolve_by, rule.business_hours, rule.resolution)
            respond = None if t.responded_at else sla.remaining(d, t.respond_by, now)
            resolve = sla.remaining(d, t.resolve_by, now)
            late = resolve < ZERO or (respond is not None and respond < ZERO)
            out[t.id] = Countdown(respond, resolve, late)
    return out


def ticket_page(db: Database, who: Principal, ticket_id: str) -> tuple[TicketView, list[AuditView]]:
    """A ticket with its notes and attachments, and its audit trail (one read)."""
    return get_ticket(db, who, ticket_id), audit_trail(db, who, ticket_id)
