"""Reading partner governance: an SP's overview (portal and staff), every SP, the audit
trail and the yearly report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from telcare.domain import partners as rules
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden
from telcare.domain.messages import N_
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services.partners.registry import ServiceView, _require_hq, _require_sp, _services, _sp
from telcare.services.partners.violations import ViolationView, _violation_view
from telcare.store import complaint_models as cm
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class ScoreView:
    month: str
    score: Decimal
    tier: str
    inputs: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SpOverview:
    access_code: str
    name: str
    status: str
    services: list[ServiceView]
    complaints: int
    violations: list[ViolationView]
    scores: list[ScoreView]

    @property
    def tier(self) -> str | None:
        return self.scores[0].tier if self.scores else None


@dataclass(frozen=True, slots=True)
class YearReport:
    year: int
    violations_handled: int
    billing_violations: int
    by_type: dict[str, int]
    fines_fen: int
    sps_suspended: int
    sps_terminated: int
    refunds: int
    refunds_fen: int
    disclosed: int
    consents: int
    fees: int = field(default=0)


def overview(db: Database, who: Principal, access_code: str) -> SpOverview:
    """An SP's services, subscriber counts, complaints, violations and scores.

    An SP sees only its own; staff see every SP.
    """
    _require_sp(who, access_code)
    with db.uow() as uow:
        s = uow.session
        sp = _sp(s, access_code)
        complaints = s.scalar(
            select(func.count(cm.Ticket.id)).where(cm.Ticket.related_sp == access_code)
        )
        violations = s.scalars(
            select(pm.SpViolationRecord)
            .where(pm.SpViolationRecord.access_code == access_code)
            .order_by(pm.SpViolationRecord.occurred_at.desc())
        ).all()
        scores = s.scalars(
            select(pm.SpScore)
            .where(pm.SpScore.access_code == access_code)
            .order_by(pm.SpScore.month.desc())
        ).all()
        return SpOverview(
            sp.access_code,
            sp.name,
            sp.status,
            _services(s, access_code),
            int(complaints or 0),
            [_violation_view(v) for v in violations],
            [ScoreView(x.month, x.score, x.tier, x.inputs) for x in scores],
        )


def all_sps(db: Database, who: Principal) -> list[SpOverview]:
    """Every SP with its latest score (staff)."""
    if who.kind is not Kind.STAFF:
        raise Forbidden(N_("access.denied"))
    with db.uow() as uow:
        codes = list(
            uow.session.scalars(
                select(m.ServiceProvider.access_code).order_by(m.ServiceProvider.access_code)
            )
        )
    return [overview(db, who, c) for c in codes]


def actions(db: Database, who: Principal) -> list[pm.SpAction]:
    """The governance audit trail, newest first (headquarters)."""
    _require_hq(who)
    with db.uow() as uow:
        return list(uow.session.scalars(select(pm.SpAction).order_by(pm.SpAction.id.desc())))


def yearly_report(db: Database, year: int) -> YearReport:
    """The year's figures: violations handled (by type), billing violations, fines,
    SPs suspended and terminated, refunds, disclosures, consents and fees."""
    start = datetime(year, 1, 1, tzinfo=OPERATOR_TZ)
    end = datetime(year + 1, 1, 1, tzinfo=OPERATOR_TZ)
    months = (f"{year}-01", f"{year}-12")
    with db.uow() as uow:
        s = uow.session
        vs = s.execute(
            select(pm.SpViolationRecord.type, pm.SpViolationRecord.fine_fen).where(
                pm.SpViolationRecord.revoked_at.is_(None),
                pm.SpViolationRecord.occurred_at >= start,
                pm.SpViolationRecord.occurred_at < end,
            )
        ).all()
        by_type = Counter(t for t, _ in vs)
        acts = Counter(
            s.scalars(
                select(pm.SpAction.action).where(
                    pm.SpAction.month >= months[0], pm.SpAction.month <= months[1]
                )
            )
        )
        refunds = s.execute(
            select(func.count(pm.SpFee.id), func.coalesce(func.sum(pm.SpFee.amount_fen), 0)).where(
                pm.SpFee.refunded_at >= start, pm.SpFee.refunded_at < end
            )
        ).one()
        disclosed_n = s.scalar(
            select(func.count(func.distinct(pm.SpDisclosure.access_code))).where(
                pm.SpDisclosure.month >= months[0], pm.SpDisclosure.month <= months[1]
            )
        )
        consents = s.scalar(
            select(func.count(pm.SpConsent.id)).where(
                pm.SpConsent.confirmed_at >= start, pm.SpConsent.confirmed_at < end
            )
        )
        fees = s.scalar(
            select(func.count(pm.SpFee.id)).where(
                pm.SpFee.month >= months[0], pm.SpFee.month <= months[1]
            )
        )
    billing = sum(
        n for t, n in by_type.items() if rules.ViolationType(t) in rules.BILLING_VIOLATIONS
    )
    return YearReport(
        year=year,
        violations_handled=len(vs),
        billing_violations=billing,
        by_type=dict(by_type),
        fines_fen=sum(int(f) for _, f in vs),
        sps_suspended=acts["suspend"],
        sps_terminated=acts["terminate"],
        refunds=int(refunds[0]),
        refunds_fen=int(refunds[1]),
        disclosed=int(disclosed_n or 0),
        consents=int(consents or 0),
        fees=int(fees or 0),
    )
