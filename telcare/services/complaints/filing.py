"""Filing complaints: the province, G3 green-channel queue and deadlines; keyed filing (forms)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import complaints as dc
from telcare.domain import roles
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import DomainError, Forbidden
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.provinces import HQ
from telcare.domain.sla import SlaTable
from telcare.services.calendar import sla_table
from telcare.services.complaints.lifecycle import add_attachment
from telcare.services.complaints.taxonomies import _taxonomy
from telcare.services.complaints.trail import _emit
from telcare.services.complaints.views import TicketView, _view
from telcare.services.idempotency import check_key, run_once
from telcare.store import complaint_models as cm
from telcare.store import models as m
from telcare.store.uow import Database

SUMMARY_FROM_TEXT = 60


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
    ticket_type: str | None = None,
    now: datetime | None = None,
    sla: SlaTable | None = None,
) -> TicketView:
    """File a complaint at node ``node``. A subscriber files for their own line; staff
    file for a caller. A G3 subscriber's ticket goes to the G3 queue with shorter SLAs."""
    roles.require(who, "complaint.file")
    now = now or clock.now()
    sla = sla or sla_table()
    sev = dc.Severity(severity)
    chan = dc.Channel(channel)
    summary, description = dc.check_text(summary, description)
    if who.kind is Kind.SUBSCRIBER:
        msisdn = who.subject
        major = False
    elif who.kind is not Kind.STAFF:
        raise Forbidden(N_("complaint.not_yours"))
    number = normalise_msisdn(msisdn) if msisdn else None
    with db.uow() as uow:
        s = uow.session
        tax = _taxonomy(s)
        tax.leaf(category)
        home, g3 = _subscriber_facts(s, number)
        province = node if node != HQ else (home or who.province)
        if who.kind is Kind.STAFF and who.province not in (HQ, province):
            raise Forbidden(N_("complaint.not_yours"))
        deadlines = sla.deadlines(tax.path(category), sev, now, g3=g3)
        ticket = cm.Ticket(
            id=f"{province}-{uuid.uuid4().hex[:16].upper()}",
            province=province,
            msisdn=number,
            category=category,
            ticket_type=ticket_type,
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
