"""The SQL of the complaint and satisfaction-survey indicators (CMP_*, SAT_*, SVY_*)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_

from telcare.services.quality.specs import E_CHANNELS, Period, Spec, T, _in, _n, spec
from telcare.services.quality.sql import hours_between, local_month
from telcare.store import survey_models as sv

TICKET_DETAIL = (T.c.id, T.c.created_at, T.c.category, T.c.channel, T.c.status, T.c.summary)
TICKET_DIMS = {"channel": T.c.channel, "product": T.c.related_product, "sp": T.c.related_sp}


def _tickets(p: Period, where: ColumnElement[bool] | None = None, **kw: Any) -> Spec:
    cond = _in(T.c.created_at, p)
    return Spec(
        T,
        T.c.province,
        local_month(T.c.created_at),
        kw.pop("num", func.count()),
        where=cond if where is None else and_(cond, where),
        dims=TICKET_DIMS,
        detail=TICKET_DETAIL,
        **kw,
    )


def _resolved(p: Period, num: ColumnElement[Any]) -> Spec:
    return Spec(
        T,
        T.c.province,
        local_month(T.c.resolved_at),
        num,
        den=func.count(),
        where=_in(T.c.resolved_at, p),
        dims=TICKET_DIMS,
        detail=(*TICKET_DETAIL, T.c.resolve_by, T.c.resolved_at),
    )


@spec("CMP_RATE")
def _cmp_rate(p: Period) -> Spec:
    return _tickets(p)


@spec("CMP_SLA")
def _cmp_sla(p: Period) -> Spec:
    """Tickets whose resolution window has closed: resolved (in time or late, in the month
    resolved), or still open past their deadline (a miss, in the deadline's month). A
    ticket still inside its window is neither met nor missed."""
    ended = func.coalesce(T.c.resolved_at, T.c.resolve_by)
    decided = or_(T.c.resolved_at.is_not(None), p.passed(T.c.resolve_by))
    return Spec(
        T,
        T.c.province,
        local_month(ended),
        func.sum(_n(and_(T.c.resolved_at.is_not(None), T.c.resolved_at <= T.c.resolve_by))),
        den=func.count(),
        where=and_(_in(ended, p), decided),
        dims=TICKET_DIMS,
        detail=(*TICKET_DETAIL, T.c.resolve_by, T.c.resolved_at),
    )


@spec("CMP_RESOLVE_HOURS")
def _cmp_resolve_hours(p: Period) -> Spec:
    return _resolved(p, func.sum(hours_between(T.c.created_at, T.c.resolved_at)))


@spec("CMP_RESP24")
def _cmp_resp24(p: Period) -> Spec:
    """Only tickets whose 24 hours have passed or that were answered are counted."""
    ok = hours_between(T.c.created_at, T.c.responded_at) <= 24
    decided = or_(T.c.responded_at.is_not(None), p.closed(T.c.created_at, 24))
    return _tickets(p, decided, num=func.sum(_n(and_(T.c.responded_at.is_not(None), ok))),
                    den=func.count())  # fmt: skip


@spec("CMP_RESP_ONTIME")
def _cmp_resp_ontime(p: Period) -> Spec:
    """Only tickets answered or past their deadline are counted."""
    ok = and_(T.c.responded_at.is_not(None), T.c.responded_at <= T.c.respond_by)
    decided = or_(T.c.responded_at.is_not(None), p.passed(T.c.respond_by))
    return _tickets(p, decided, num=func.sum(_n(ok)), den=func.count())


@spec("CMP_REPEAT")
def _cmp_repeat(p: Period) -> Spec:
    return _tickets(
        p,
        T.c.msisdn.is_not(None),
        num=func.count() - func.count(T.c.msisdn.distinct()),
        den=func.count(),
    )


@spec("CMP_MAJOR")
def _cmp_major(p: Period) -> Spec:
    return _tickets(p, T.c.major.is_(True))


@spec("CMP_REOPEN")
def _cmp_reopen(p: Period) -> Spec:
    return _tickets(p, num=func.sum(_n(T.c.reopened > 0)), den=func.count())


@spec("CMP_ESCALATED")
def _cmp_escalated(p: Period) -> Spec:
    return _tickets(p, num=func.sum(_n(T.c.escalation > 0)), den=func.count())


@spec("CMP_UNCONF")
def _cmp_unconf(p: Period) -> Spec:
    return _tickets(p, T.c.category.like("VAS.UNCONFIRMED%"))


@spec("CMP_BILLING")
def _cmp_billing(p: Period) -> Spec:
    return _tickets(p, T.c.category.like("BIL%"))


@spec("CMP_NETWORK")
def _cmp_network(p: Period) -> Spec:
    return _tickets(p, T.c.category.like("NET%"))


@spec("CMP_ECHANNEL")
def _cmp_echannel(p: Period) -> Spec:
    return _tickets(p, num=func.sum(_n(T.c.channel.in_(E_CHANNELS))), den=func.count())


# surveys
S = sv.Survey.__table__
SURVEY_DETAIL = (S.c.id, S.c.msisdn, S.c.trigger, S.c.status, S.c.score, S.c.sent_at)


def _answered(p: Period, num: ColumnElement[Any], where: ColumnElement[bool] | None = None) -> Spec:
    cond = and_(S.c.status == "answered", S.c.score.is_not(None), _in(S.c.answered_at, p))
    return Spec(
        S,
        S.c.province,
        local_month(S.c.answered_at),
        num,
        den=func.count(),
        where=cond if where is None else and_(cond, where),
        dims={"channel": S.c.trigger},
        detail=SURVEY_DETAIL,
    )


@spec("SAT_SCORE")
def _sat_score(p: Period) -> Spec:
    return _answered(p, func.sum(S.c.score))


@spec("SAT_RATE")
def _sat_rate(p: Period) -> Spec:
    return _answered(p, func.sum(_n(S.c.score >= 4)))


@spec("SVY_FOLLOWUP")
def _svy_followup(p: Period) -> Spec:
    return _answered(p, func.sum(_n(S.c.ticket_id.is_not(None))), S.c.score <= 2)


@spec("SVY_RESPONSE")
def _svy_response(p: Period) -> Spec:
    return Spec(
        S,
        S.c.province,
        local_month(S.c.sent_at),
        func.sum(_n(S.c.status == "answered")),
        den=func.count(),
        where=and_(_in(S.c.sent_at, p), S.c.status.in_(("answered", "expired"))),
        dims={"channel": S.c.trigger},
        detail=SURVEY_DETAIL,
    )
