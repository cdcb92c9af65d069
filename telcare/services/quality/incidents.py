"""Incidents and accountability: what happened, when, the impact, the root cause, the
responsible unit and person and the penalty, linked to the tickets it accounts for. A
major complaint closes only once an incident accounts for it; each incident opens an
improvement action."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import improvement as rules
from telcare.domain.access import Principal
from telcare.domain.errors import Forbidden, InvalidInput, NotFound
from telcare.domain.messages import N_
from telcare.domain.months import month_of
from telcare.domain.provinces import HQ
from telcare.services.quality.actions import add_action
from telcare.services.quality.scope import may_handle, now_or, place
from telcare.store import complaint_models as cm
from telcare.store.improvement_models import Incident, IncidentTicket
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class IncidentView:
    id: int
    province: str
    title: str
    occurred_at: datetime
    impact: str
    root_cause: str
    unit: str
    person: str
    penalty: str
    tickets: list[str]
    action_id: int | None
    recorded_by: str
    created_at: datetime


def has_incident(s: Session, ticket_id: str) -> bool:
    """Whether an incident accounts for the ticket (a major complaint may then close)."""
    return (
        s.scalar(select(IncidentTicket.incident_id).where(IncidentTicket.ticket_id == ticket_id))
        is not None
    )


def _view(s: Session, i: Incident, action_id: int | None = None) -> IncidentView:
    tickets = list(
        s.scalars(
            select(IncidentTicket.ticket_id)
            .where(IncidentTicket.incident_id == i.id)
            .order_by(IncidentTicket.ticket_id)
        )
    )
    return IncidentView(
        i.id, i.province, i.title, i.occurred_at, i.impact, i.root_cause, i.unit, i.person,
        i.penalty, tickets, action_id, i.recorded_by, i.created_at,
    )  # fmt: skip


def _link(s: Session, who: Principal, incident: Incident, ticket_ids: Sequence[str]) -> None:
    for tid in dict.fromkeys(t.strip() for t in ticket_ids if t and t.strip()):
        ticket = s.get(cm.Ticket, tid)
        if ticket is None:
            raise NotFound(N_("quality.incident.unknown_ticket"), id=tid)
        if incident.province != HQ and ticket.province != incident.province:
            raise Forbidden(N_("quality.province"))
        may_handle(who, ticket.province)
        if s.get(IncidentTicket, (incident.id, tid)) is None:
            s.add(IncidentTicket(incident_id=incident.id, ticket_id=tid))


def record_incident(
    db: Database,
    who: Principal,
    *,
    province: str,
    title: str,
    occurred_at: datetime,
    impact: str,
    root_cause: str,
    unit: str,
    person: str,
    penalty: str,
    tickets: Sequence[str] = (),
    now: datetime | None = None,
) -> IncidentView:
    """Record an incident and who answers for it, link its tickets and open its action."""
    may_handle(who, province)
    now = now_or(now)
    if occurred_at.tzinfo is None or occurred_at > now:
        raise InvalidInput(N_("quality.incident.text"), limit=rules.MAX_TEXT)
    key = N_("quality.incident.text")
    with db.uow() as uow:
        s = uow.session
        row = Incident(
            province=province, title=rules.text(title, key)[:200], occurred_at=occurred_at,
            impact=rules.text(impact, key), root_cause=rules.text(root_cause, key),
            unit=rules.text(unit, key)[:60], person=rules.text(person, key)[:60],
            penalty=rules.text(penalty, key), recorded_by=who.subject, created_at=now,
        )  # fmt: skip
        s.add(row)
        s.flush()
        _link(s, who, row, tickets)
        action = add_action(
            s, source=rules.Source.INCIDENT, source_ref=f"incident:{row.id}", province=province,
            month=month_of(occurred_at), title=f"事件整改：{row.title}",
            department=row.unit, owner=row.person,
            plan=f"消除根因，防止再次发生：{row.root_cause}"[: rules.MAX_TEXT],
            by=who.subject, now=now, incident_id=row.id,
        )  # fmt: skip
        uow.commit()
        return _view(s, row, action.id)


def link_tickets(
    db: Database, who: Principal, incident_id: int, tickets: Sequence[str]
) -> IncidentView:
    with db.uow() as uow:
        s = uow.session
        row = s.get(Incident, incident_id)
        if row is None:
            raise NotFound(N_("quality.incident.unknown"), id=incident_id)
        may_handle(who, row.province)
        _link(s, who, row, tickets)
        uow.commit()
        return _view(s, row)


def list_incidents(
    db: Database, who: Principal, *, province: str | None = None, limit: int = 200
) -> list[IncidentView]:
    chosen = place(who, province)
    stmt = select(Incident).order_by(Incident.occurred_at.desc())
    if chosen is not None and chosen != HQ:
        stmt = stmt.where(Incident.province == chosen)
    with db.read() as uow:
        s = uow.session
        return [_view(s, r) for r in s.scalars(stmt.limit(min(max(limit, 1), 1000)))]
