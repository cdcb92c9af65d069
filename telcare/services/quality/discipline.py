"""The five prohibitions: breaches the system finds open discipline cases against the unit
(or staff member) responsible; cases are investigated, upheld with a penalty or dismissed
with a finding; a monthly summary per province. :func:`detect` is a plain function for
the periodic worker.

All five are found by the system: a fee without the subscriber's consent (an SP violation
of type ``unconfirmed_charge`` from a complaint or an inspection, a fee posted before the
consent was given or on a ``Y`` after the window), an active SP subscription with no
recorded confirmation (placed for the subscriber without their ``Y``), and — in
:mod:`.detectors` — misleading sales, forced bundles and charges the tariff does not allow."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from telcare.domain import discipline as rules
from telcare.domain import quality as q
from telcare.domain.access import Principal
from telcare.domain.errors import InvalidInput, NotFound
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.services.partners.violations import sync_violations
from telcare.services.quality import detectors
from telcare.services.quality.scope import may_handle, now_or, place
from telcare.store import complaint_models as cm
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.improvement_models import DisciplineCase
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class CaseView:
    id: int
    rule: str
    ref: str
    province: str
    unit: str
    staff: str | None
    found_at: datetime
    evidence: dict[str, Any]
    status: str
    finding: str
    penalty: str
    handled_by: str | None
    closed_at: datetime | None


def _view(c: DisciplineCase) -> CaseView:
    return CaseView(c.id, c.rule, c.ref, c.province, c.unit, c.staff, c.found_at,
                    dict(c.evidence), c.status, c.finding, c.penalty, c.handled_by,
                    c.closed_at)  # fmt: skip


def _open(s: Session, rule: str, ref: str, province: str, unit: str, evidence: dict[str, Any],
          found_at: datetime, staff: str | None = None) -> bool:  # fmt: skip
    if s.scalar(select(DisciplineCase.id).where(DisciplineCase.rule == rule,
                                                DisciplineCase.ref == ref)):  # fmt: skip
        return False
    s.add(DisciplineCase(rule=rule, ref=ref, province=province, unit=unit[:60], staff=staff,
                         found_at=found_at, evidence=evidence, status=rules.CaseStatus.OPEN.value,
                         finding="", penalty=""))  # fmt: skip
    return True


def _province_of(s: Session, evidence: dict[str, Any]) -> str:
    ticket = s.get(cm.Ticket, str(evidence.get("ticket", "")))
    if ticket is not None:
        return ticket.province
    msisdn = evidence.get("msisdn")
    if msisdn:
        found = s.scalar(select(m.Subscriber.province_code).where(m.Subscriber.msisdn == msisdn))
        if found:
            return str(found)
    return HQ


def detect(db: Database, *, now: datetime | None = None) -> int:
    """Open a case for every breach found and not yet opened (idempotent). A job."""
    now = now_or(now)
    sync_violations(db, now=now)  # complaints and anti-spam findings into the register
    opened = 0
    with db.uow() as uow:
        s = uow.session
        for v in s.scalars(
            select(pm.SpViolationRecord).where(
                pm.SpViolationRecord.type == "unconfirmed_charge",
                pm.SpViolationRecord.revoked_at.is_(None),
            )
        ):
            province = _province_of(s, v.evidence or {})
            opened += _open(s, "unconfirmed_fee", f"violation:{v.source_ref}", province,
                            f"{province}业务支撑部 / SP {v.access_code}",
                            {"violation": v.id, "sp": v.access_code, **(v.evidence or {})},
                            v.occurred_at)  # fmt: skip
        early = (
            select(pm.SpFee, pm.SpConsent, m.Subscriber)
            .join(pm.SpConsent, pm.SpConsent.id == pm.SpFee.consent_id)
            .join(pm.SpSubscription, pm.SpSubscription.id == pm.SpFee.subscription_id)
            .join(m.Subscriber, m.Subscriber.id == pm.SpSubscription.subscriber_id)
            .where(pm.SpConsent.confirmed_at > pm.SpFee.created_at)
        )
        for fee, consent, sub in s.execute(early).all():
            opened += _open(s, "unconfirmed_fee", f"sp_fee:{fee.id}", sub.province_code,
                            f"{sub.province_code}业务支撑部 / SP {fee.access_code}",
                            {"fee": fee.id, "msisdn": sub.msisdn, "amount_fen": fee.amount_fen,
                             "consent_at": consent.confirmed_at.isoformat()},
                            fee.created_at)  # fmt: skip
        unconfirmed = (
            select(pm.SpSubscription, m.Subscriber)
            .join(m.Subscriber, m.Subscriber.id == pm.SpSubscription.subscriber_id)
            .where(
                pm.SpSubscription.state == "active",
                ~exists().where(pm.SpConsent.subscription_id == pm.SpSubscription.id),
            )
        )
        for row, sub in s.execute(unconfirmed).all():
            opened += _open(s, "unconfirmed_order", f"sp_subscription:{row.id}",
                            sub.province_code, f"{sub.province_code} {row.channel}渠道",
                            {"subscription": row.id, "msisdn": sub.msisdn, "sp": row.access_code,
                             "channel": row.channel},
                            row.activated_at or row.requested_at)  # fmt: skip
        opened += detectors.late_consents(s, _open)
        opened += detectors.misleading_sales(s, _open, _province_of)
        opened += detectors.forced_bundles(s, _open)
        opened += detectors.hidden_charges(s, _open)
        uow.commit()
    return opened


def move(
    db: Database,
    who: Principal,
    case_id: int,
    action: str,
    *,
    finding: str = "",
    penalty: str = "",
    now: datetime | None = None,
) -> CaseView:
    """Investigate, uphold (with the penalty) or dismiss (with the finding) a case."""
    now = now_or(now)
    with db.uow() as uow:
        row = uow.session.get(DisciplineCase, case_id, with_for_update=True)
        if row is None:
            raise NotFound(N_("discipline.unknown"), id=case_id)
        may_handle(who, row.province)
        if action not in set(rules.CaseAction):
            raise InvalidInput(N_("discipline.bad_move"), status=row.status, action=action[:20])
        target = rules.move(rules.CaseStatus(row.status), rules.CaseAction(action), finding,
                            penalty)  # fmt: skip
        row.status, row.handled_by = target.value, who.subject
        row.finding = finding.strip()[:2000] or row.finding
        row.penalty = penalty.strip()[:2000] or row.penalty
        if target in (rules.CaseStatus.UPHELD, rules.CaseStatus.DISMISSED):
            row.closed_at = now
        uow.commit()
        return _view(row)


def list_cases(
    db: Database,
    who: Principal,
    *,
    province: str | None = None,
    status: str | None = None,
    month: str | None = None,
    limit: int = 200,
) -> list[CaseView]:
    chosen = place(who, province)
    stmt = select(DisciplineCase).order_by(DisciplineCase.found_at.desc(), DisciplineCase.id)
    if chosen is not None and chosen != HQ:
        stmt = stmt.where(DisciplineCase.province == chosen)
    if status:
        if status not in set(rules.CaseStatus):
            raise InvalidInput(N_("discipline.bad_move"), status=status[:20], action="list")
        stmt = stmt.where(DisciplineCase.status == status)
    if month:
        found = DisciplineCase.found_at
        start, end = q.month_start(month), q.month_start(q.add_months(month, 1))
        stmt = stmt.where(found >= start, found < end)
    with db.read() as uow:
        return [_view(r) for r in uow.session.scalars(stmt.limit(min(max(limit, 1), 1000)))]


@dataclass(frozen=True, slots=True)
class ProvinceSummary:
    province: str
    found: int
    by_rule: dict[str, int]
    by_status: dict[str, int]


def monthly_summary(
    db: Database, who: Principal, month: str, *, province: str | None = None
) -> list[ProvinceSummary]:
    """Cases found in ``month`` per province: by prohibition and by status."""
    cases = list_cases(db, who, province=province, month=month, limit=1000)
    out: dict[str, list[CaseView]] = {}
    for c in cases:
        out.setdefault(c.province, []).append(c)
    return [
        ProvinceSummary(
            p, len(cs), dict(Counter(c.rule for c in cs)), dict(Counter(c.status for c in cs))
        )
        for p, cs in sorted(out.items())
    ]
