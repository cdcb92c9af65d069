"""SLA deadlines of tickets: recomputed after a change, escalated once past, counted down."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from telcare import clock
from telcare.domain import complaints as dc
from telcare.domain.provinces import HQ
from telcare.domain.sla import ZERO, Deadlines, SlaTable
from telcare.ops.metrics import SLA_ESCALATIONS
from telcare.services.calendar import sla_table
from telcare.services.complaints.taxonomies import _taxonomy
from telcare.services.complaints.trail import _emit
from telcare.services.complaints.views import TicketView
from telcare.store import complaint_models as cm
from telcare.store.uow import Database


def _deadlines(ticket: cm.Ticket, tax: dc.Taxonomy, sla: SlaTable) -> Deadlines:
    return sla.deadlines(
        tax.path(ticket.category),
        dc.Severity(ticket.severity),
        ticket.created_at,
        g3=ticket.queue == dc.Queue.G3.value,
    )


def sweep_escalations(
    db: Database, *, node: str, now: datetime | None = None, sla: SlaTable | None = None
) -> int:
    """Raise the escalation level of this node's open tickets past their deadlines."""
    now = now or clock.now()
    sla = sla or sla_table()
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
                SLA_ESCALATIONS.labels(str(int(level))).inc()
        uow.commit()
    return raised


@dataclass(frozen=True, slots=True)
class Countdown:
    """Time left (negative when overdue) before an open ticket's deadlines; the first
    response is None once answered. Counted in business time when the SLA rule says so."""

    respond_left: timedelta | None
    resolve_left: timedelta
    breached: bool
    business: bool = False  # counted in working hours (the SLA rule's business_hours)


def countdowns(
    db: Database,
    tickets: Iterable[TicketView],
    now: datetime | None = None,
    sla: SlaTable | None = None,
) -> dict[str, Countdown]:
    """SLA countdowns of the open tickets among ``tickets`` (keyed by ticket id)."""
    now = now or clock.now()
    sla = sla or sla_table()
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
            out[t.id] = Countdown(respond, resolve, late, rule.business_hours)
    return out
