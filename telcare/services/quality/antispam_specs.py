"""The SQL of the anti-spam and SP-governance indicators (SPAM_*, SP_*)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)

from telcare.domain import quality as q
from telcare.services.quality.specs import HQ_COL, SUB, Period, Spec, T, _in, _n, spec
from telcare.services.quality.sql import hours_between, local_month
from telcare.store import antispam_models as sp
from telcare.store import models as m
from telcare.store import partner_models as pm

# anti-spam (a report's province is its reporter's home province)
R = sp.SpamReport.__table__
REPORTS = R.join(SUB, SUB.c.msisdn == R.c.reporter)
REPORT_DETAIL = (R.c.id, R.c.reporter, R.c.sender, R.c.channel, R.c.status, R.c.created_at)


@spec("SPAM_RATE")
def _spam_rate(p: Period) -> Spec:
    return Spec(
        REPORTS,
        SUB.c.province_code,
        local_month(R.c.created_at),
        func.count(),
        where=_in(R.c.created_at, p),
        dims={"channel": R.c.channel},
        detail=REPORT_DETAIL,
    )


def _handled(p: Period, num: ColumnElement[Any]) -> Spec:
    return Spec(
        REPORTS,
        SUB.c.province_code,
        local_month(R.c.handled_at),
        num,
        den=func.count(),
        where=and_(R.c.handled_at.is_not(None), _in(R.c.handled_at, p)),
        detail=(*REPORT_DETAIL, R.c.handled_at),
    )


@spec("SPAM_HOURS")
def _spam_hours(p: Period) -> Spec:
    return _handled(p, func.sum(hours_between(R.c.created_at, R.c.handled_at)))


@spec("SPAM_48H")
def _spam_48h(p: Period) -> Spec:
    """Only reports handled or older than 48 hours are counted."""
    ok = and_(R.c.handled_at.is_not(None), hours_between(R.c.created_at, R.c.handled_at) <= 48)
    decided = or_(R.c.handled_at.is_not(None), p.closed(R.c.created_at, 48))
    return Spec(
        REPORTS,
        SUB.c.province_code,
        local_month(R.c.created_at),
        func.sum(_n(ok)),
        den=func.count(),
        where=and_(_in(R.c.created_at, p), decided),
        detail=(*REPORT_DETAIL, R.c.handled_at),
    )


@spec("SPAM_QUARANTINE")
def _spam_quarantine(p: Period) -> Spec:
    msg = sp.SpamMessage.__table__
    return Spec(
        msg.join(SUB, SUB.c.msisdn == msg.c.recipient),
        SUB.c.province_code,
        local_month(msg.c.created_at),
        func.count(),
        where=and_(msg.c.action == "quarantine", _in(msg.c.created_at, p)),
        detail=(msg.c.id, msg.c.sender, msg.c.recipient, msg.c.reason, msg.c.created_at),
    )


@spec("SPAM_FLAGGED")
def _spam_flagged(p: Period) -> Spec:
    s = sp.SpamSender.__table__
    return Spec(
        s,
        HQ_COL,
        local_month(s.c.flagged_at),
        func.count(),
        where=and_(s.c.flagged_at.is_not(None), _in(s.c.flagged_at, p)),
        detail=(s.c.sender, s.c.kind, s.c.status, s.c.reason, s.c.flagged_at),
    )


@spec("SP_VIOLATIONS")
def _sp_violations(p: Period) -> Spec:
    """Every recorded violation (``sp_violation_record``: anti-spam, complaints,
    inspections) and the anti-spam platform's own not yet copied there, not revoked."""
    rec = pm.SpViolationRecord.__table__
    v = sp.SpViolation.__table__
    copied = exists().where(rec.c.source_ref == literal("antispam:") + cast(v.c.id, String))
    u = union_all(
        select(
            local_month(rec.c.occurred_at).label("month"),
            rec.c.access_code.label("sp"),
            rec.c.type.label("type"),
            rec.c.source_ref.label("ref"),
            rec.c.occurred_at.label("at"),
        ).where(rec.c.revoked_at.is_(None), _in(rec.c.occurred_at, p)),
        select(
            local_month(v.c.created_at),
            v.c.access_code,
            v.c.type,
            literal("antispam:") + cast(v.c.id, String),
            v.c.created_at,
        ).where(v.c.revoked_at.is_(None), _in(v.c.created_at, p), ~copied),
    ).subquery("sp_violations")
    return Spec(
        u,
        HQ_COL,
        u.c.month,
        func.count(),
        dims={"sp": u.c.sp},
        detail=(u.c.ref, u.c.sp, u.c.type, u.c.at),
    )


@spec("SP_COMPLAINT_RATE")
def _sp_complaint_rate(p: Period) -> Spec:
    """Tickets naming a registered SP (filed in the month) over the SP's subscriptions
    active at the month's end, both per SP; the denominator is the spec's own."""
    sub = pm.SpSubscription.__table__
    spt = m.ServiceProvider.__table__
    complaints = select(
        local_month(T.c.created_at).label("month"),
        T.c.related_sp.label("sp"),
        literal(1).label("c"),
        literal(0).label("n"),
        (literal("ticket ") + T.c.id).label("ref"),
    ).select_from(T.join(spt, spt.c.access_code == T.c.related_sp))
    parts = [complaints.where(_in(T.c.created_at, p))]
    for mo in p.months:
        end = q.month_start(q.add_months(mo, 1))
        parts.append(
            select(
                literal(mo).label("month"),
                sub.c.access_code,
                literal(0),
                literal(1),
                literal("subscription ") + cast(sub.c.id, String),
            ).where(
                sub.c.activated_at.is_not(None),
                sub.c.activated_at < end,
                or_(sub.c.cancelled_at.is_(None), sub.c.cancelled_at >= end),
            )
        )
    u = union_all(*parts).subquery("sp_complaints")
    return Spec(
        u,
        HQ_COL,
        u.c.month,
        func.sum(u.c.c),
        den=func.sum(u.c.n),
        dims={"sp": u.c.sp},
        detail=(u.c.month, u.c.sp, u.c.ref),
    )
