"""The monthly credit score of every SP: its inputs (subscribers, complaints, ratings and
surveys, violations, fees), the tier, re-confirmation requests and the policy run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from telcare.domain import months
from telcare.domain import partners as rules
from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_, render
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import lookups
from telcare.services.notify import queue_sms
from telcare.services.partners.disclosure import _disclose
from telcare.services.partners.registry import _now, _offer, _sp
from telcare.services.partners.sanctions import _apply
from telcare.services.partners.violations import sync_violations
from telcare.store import complaint_models as cm
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store import survey_models as sm
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class MonthResult:
    """One SP's month: score, tier and what the policy did."""

    access_code: str
    score: Decimal | None  # None: too little data to score
    tier: str | None
    action: str
    refunds: int = 0


def rate(
    db: Database, msisdn: str, access_code: str, score: int, *, now: datetime | None = None
) -> None:
    """A subscriber's satisfaction rating of an SP (1-5), e.g. from a survey."""
    if not 1 <= score <= 5:
        raise InvalidInput(N_("sp.bad_rating"))
    now = _now(now)
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        _sp(s, access_code)
        s.add(pm.SpRating(access_code=access_code, msisdn=sub.msisdn, score=score, rated_at=now))
        uow.commit()


def _inputs(s: Session, code: str, month: str) -> rules.ScoreInputs:
    start, end = months.bounds(month)
    subscribers = s.scalar(
        select(func.count(pm.SpSubscription.id)).where(
            pm.SpSubscription.access_code == code,
            pm.SpSubscription.activated_at.is_not(None),
            pm.SpSubscription.activated_at < end,
            (pm.SpSubscription.cancelled_at.is_(None)) | (pm.SpSubscription.cancelled_at >= end),
        )
    )
    complaints = s.scalar(
        select(func.count(cm.Ticket.id)).where(
            cm.Ticket.related_sp == code, cm.Ticket.created_at >= start, cm.Ticket.created_at < end
        )
    )
    ratings = s.scalars(
        select(pm.SpRating.score).where(
            pm.SpRating.access_code == code,
            pm.SpRating.rated_at >= start,
            pm.SpRating.rated_at < end,
        )
    ).all()
    surveyed = _survey_scores(s, code, start, end)
    kinds = s.scalars(
        select(pm.SpViolationRecord.type).where(
            pm.SpViolationRecord.access_code == code,
            pm.SpViolationRecord.revoked_at.is_(None),
            pm.SpViolationRecord.occurred_at >= start,
            pm.SpViolationRecord.occurred_at < end,
        )
    ).all()
    fees = s.scalar(
        select(func.coalesce(func.sum(pm.SpFee.amount_fen), 0)).where(
            pm.SpFee.access_code == code, pm.SpFee.month == month
        )
    )
    refunds = s.scalar(
        select(func.coalesce(func.sum(pm.SpFee.amount_fen), 0)).where(
            pm.SpFee.access_code == code,
            pm.SpFee.refunded_at >= start,
            pm.SpFee.refunded_at < end,
        )
    )
    return rules.ScoreInputs(
        subscribers=int(subscribers or 0),
        complaints=int(complaints or 0),
        ratings=tuple(int(x) for x in (*ratings, *surveyed)),
        violations=dict(Counter(rules.ViolationType(k) for k in kinds)),
        fees_fen=int(fees or 0),
        refunds_fen=int(refunds or 0),
    )


def _survey_scores(s: Session, code: str, start: datetime, end: datetime) -> list[int]:
    """Headline scores (1-5) of satisfaction surveys answered in [start, end) about a
    closed ticket naming the SP ``code``.

    A survey triggered by a closed ticket records the ticket's id as its contact's
    ``ref``; the ticket's ``related_sp`` names the SP. Read here by SQL so that surveys
    need not know partners (one-way wiring; nothing is copied into ``sp_rating``).
    """
    return [
        int(x or 0)
        for x in s.scalars(
            select(sm.Survey.score)
            .join(sm.SurveyContact, sm.SurveyContact.survey_id == sm.Survey.id)
            .join(cm.Ticket, cm.Ticket.id == sm.SurveyContact.ref)
            .where(
                sm.SurveyContact.trigger == "ticket",
                cm.Ticket.related_sp == code,
                sm.Survey.status == "answered",
                sm.Survey.score.is_not(None),
                sm.Survey.answered_at >= start,
                sm.Survey.answered_at < end,
            )
        )
    ]


def _serious(s: Session, code: str, since: datetime, until: datetime) -> list[str]:
    return list(
        s.scalars(
            select(pm.SpViolationRecord.type).where(
                pm.SpViolationRecord.access_code == code,
                pm.SpViolationRecord.serious.is_(True),
                pm.SpViolationRecord.revoked_at.is_(None),
                pm.SpViolationRecord.occurred_at >= since,
                pm.SpViolationRecord.occurred_at < until,
            )
        )
    )


def run_month(db: Database, month: str, *, now: datetime | None = None) -> list[MonthResult]:
    """Score every SP for ``month``, publish the A tier, apply the tier rules and the
    suspension/termination policy. Safe to run again: scores are replaced, each action
    happens once, refunds are posted once."""
    rules.check_month(month)
    now = _now(now)
    sync_violations(db, now=now)
    results = []
    with db.uow() as uow:
        codes = list(
            uow.session.scalars(
                select(m.ServiceProvider.access_code).order_by(m.ServiceProvider.access_code)
            )
        )
    for code in codes:
        with db.uow() as uow:
            s = uow.session
            sp = s.scalars(
                select(m.ServiceProvider)
                .where(m.ServiceProvider.access_code == code)
                .with_for_update()
            ).one()
            status = rules.SpStatus(sp.status)
            if status is rules.SpStatus.TERMINATED:
                continue
            inputs = _inputs(s, code, month)
            result = rules.score(inputs) if rules.enough_data(inputs) else None
            _save_score(s, code, month, result, inputs, now)
            _disclose(s, sp, month, result, now)
            tier = None if result is None else result.tier
            if result is not None and rules.rules_for(tier).reconfirm:
                _ask_reconfirm(s, sp, month, now)
            start, end = months.bounds(month)
            this_month = _serious(s, code, start, end)
            window = _serious(
                s,
                code,
                datetime.combine(
                    rules.window_start(month), datetime.min.time(), tzinfo=OPERATOR_TZ
                ),
                end,
            )
            action = rules.decide(status, tier, len(this_month), len(window))
            refunds = _apply(s, sp, action, month, window, result, now)
            uow.commit()
            results.append(
                MonthResult(
                    code,
                    None if result is None else result.value,
                    None if tier is None else tier.value,
                    action.value,
                    refunds,
                )
            )
    return results


def _save_score(
    s: Session,
    code: str,
    month: str,
    result: rules.Score | None,
    inputs: rules.ScoreInputs,
    now: datetime,
) -> None:
    """Save the month's score; too little data (``result`` None) removes it."""
    row = s.get(pm.SpScore, (code, month))
    if result is None:
        if row is not None:
            s.delete(row)
        return
    facts = {
        "subscribers": inputs.subscribers,
        "complaints": inputs.complaints,
        "complaint_rate": str(inputs.complaint_rate.quantize(Decimal("0.01"))),
        "ratings": len(inputs.ratings),
        "satisfaction": str(inputs.satisfaction) if inputs.satisfaction is not None else None,
        "violations": {k.value: n for k, n in inputs.violations.items()},
        "fees_fen": inputs.fees_fen,
        "refunds_fen": inputs.refunds_fen,
        "deductions": {k: str(v) for k, v in result.parts.items()},
    }
    if row is None:
        row = pm.SpScore(access_code=code, month=month)
        s.add(row)
    row.score, row.tier, row.inputs, row.computed_at = result.value, result.tier.value, facts, now


def _ask_reconfirm(s: Session, sp: m.ServiceProvider, month: str, now: datetime) -> None:
    rows = s.scalars(
        select(pm.SpSubscription).where(
            pm.SpSubscription.access_code == sp.access_code,
            pm.SpSubscription.state == "active",
            pm.SpSubscription.needs_reconfirm.is_(False),
        )
    ).all()
    for row in rows:
        row.needs_reconfirm = True
        sub = s.get_one(m.Subscriber, row.subscriber_id)
        svc = s.get_one(m.SpService, row.service_id)
        queue_sms(
            s,
            sub.msisdn,
            render(
                "sp.reconfirm_ask",
                sub.language,
                sp=sp.name,
                name=_offer(svc).name(sub.language),
                code=svc.code,
                access=sp.access_code,
            ),
            dedupe_key=f"sp:reconfirm:{row.id}:{month}",
            now=now,
        )
