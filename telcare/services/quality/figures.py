"""Service-quality indicators computed by SQL aggregation, per province and month.

Each indicator of :data:`telcare.domain.quality.INDICATORS` with inputs is registered
here with a :class:`Spec`: the rows it counts (a FROM clause and a WHERE), the
province and month of each row, a numerator and, for shares and means, a
denominator. :func:`compute` runs one ``SELECT … GROUP BY province, month`` per
indicator over the whole range of months; nothing loops over rows in Python.
``PER10K`` indicators divide by the subscriber base at each month's end.
Indicators whose inputs are not built (``available=False``) have no spec and
report no data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Integer,
    String,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Float

from telcare import clock
from telcare.config import get_settings
from telcare.domain import quality as q
from telcare.domain.provinces import HQ, PROVINCES
from telcare.store import antispam_models as sp
from telcare.store import charging_models as ch
from telcare.store import complaint_models as cm
from telcare.store import loyalty_models as ly
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store import survey_models as sv
from telcare.store.quality_models import QualitySnapshot
from telcare.store.uow import Database

PROVINCE_CODES = tuple(p.code for p in PROVINCES)
E_CHANNELS = ("sms", "web", "api", "hall")
"""Self-service channels (the online business hall is ``hall``); the rest is assisted."""

# --- portable SQL: month of a timestamp (Asia/Shanghai) or a date, hours between ----


class local_month(FunctionElement[str]):
    """``YYYY-MM`` of a UTC timestamp in the operator's time zone (UTC+8, no DST)."""

    type = String()
    inherit_cache = True


@compiles(local_month, "sqlite")
def _local_month_sqlite(el: local_month, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m', {compiler.process(el.clauses, **kw)}, '+8 hours')"


@compiles(local_month, "postgresql")
def _local_month_pg(el: local_month, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(el.clauses, **kw)
    return f"to_char(({arg}) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"


class date_month(FunctionElement[str]):
    """``YYYY-MM`` of a calendar date."""

    type = String()
    inherit_cache = True


@compiles(date_month, "sqlite")
def _date_month_sqlite(el: date_month, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m', {compiler.process(el.clauses, **kw)})"


@compiles(date_month, "postgresql")
def _date_month_pg(el: date_month, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(el.clauses, **kw)}, 'YYYY-MM')"


class hours_between(FunctionElement[float]):
    """Hours from the first timestamp to the second."""

    type = Float()
    inherit_cache = True


@compiles(hours_between, "sqlite")
def _hours_sqlite(el: hours_between, compiler: Any, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in el.clauses)
    return f"((julianday({b}) - julianday({a})) * 24.0)"


@compiles(hours_between, "postgresql")
def _hours_pg(el: hours_between, compiler: Any, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in el.clauses)
    return f"(EXTRACT(EPOCH FROM ({b}) - ({a})) / 3600.0)"


# --- specs ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """Months ``first``..``last`` and their UTC bounds [start, end)."""

    first: str
    last: str

    @property
    def start(self) -> datetime:
        return q.month_start(self.first)

    @property
    def end(self) -> datetime:
        return q.month_start(q.add_months(self.last, 1))

    @property
    def months(self) -> list[str]:
        y1, m1 = q.parse_month(self.first)
        y2, m2 = q.parse_month(self.last)
        return q.month_range(self.last, (y2 - y1) * 12 + m2 - m1 + 1)


@dataclass(frozen=True)
class Spec:
    """What one indicator aggregates. ``month`` None: a current-state snapshot."""

    source: FromClause
    province: ColumnElement[Any]
    month: ColumnElement[Any] | None
    num: ColumnElement[Any]
    den: ColumnElement[Any] | None = None
    where: ColumnElement[bool] | None = None
    dims: Mapping[str, ColumnElement[Any]] = field(default_factory=dict)
    detail: Sequence[ColumnElement[Any]] = ()


Builder = Callable[[Period], Spec]
SPECS: dict[str, Builder] = {}


def spec(code: str) -> Callable[[Builder], Builder]:
    """Register the SQL of the indicator ``code`` (which must be defined in the domain)."""
    if code not in q.BY_CODE:
        raise KeyError(code)

    def deco(fn: Builder) -> Builder:
        SPECS[code] = fn
        return fn

    return deco


def _in(col: ColumnElement[Any], p: Period) -> ColumnElement[bool]:
    return and_(col >= p.start, col < p.end)


def _n(cond: ColumnElement[bool]) -> ColumnElement[Any]:
    """1 when ``cond`` holds, else 0 (to be summed)."""
    return case((cond, 1), else_=0)


ONE: ColumnElement[Any] = literal(1)
HQ_COL: ColumnElement[Any] = literal_column(f"'{HQ}'", String)
T = cm.Ticket.__table__
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
    return _resolved(p, func.sum(_n(T.c.resolved_at <= T.c.resolve_by)))


@spec("CMP_RESOLVE_HOURS")
def _cmp_resolve_hours(p: Period) -> Spec:
    return _resolved(p, func.sum(hours_between(T.c.created_at, T.c.resolved_at)))


@spec("CMP_RESP24")
def _cmp_resp24(p: Period) -> Spec:
    ok = hours_between(T.c.created_at, T.c.responded_at) <= 24
    return _tickets(p, num=func.sum(_n(and_(T.c.responded_at.is_not(None), ok))),
                    den=func.count())  # fmt: skip


@spec("CMP_RESP_ONTIME")
def _cmp_resp_ontime(p: Period) -> Spec:
    ok = and_(T.c.responded_at.is_not(None), T.c.responded_at <= T.c.respond_by)
    return _tickets(p, num=func.sum(_n(ok)), den=func.count())


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


# anti-spam (a report's province is its reporter's home province)
R = sp.SpamReport.__table__
SUB = m.Subscriber.__table__
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
    ok = and_(R.c.handled_at.is_not(None), hours_between(R.c.created_at, R.c.handled_at) <= 48)
    return Spec(
        REPORTS,
        SUB.c.province_code,
        local_month(R.c.created_at),
        func.sum(_n(ok)),
        den=func.count(),
        where=_in(R.c.created_at, p),
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
    v = sp.SpViolation.__table__
    return Spec(
        v,
        HQ_COL,
        local_month(v.c.created_at),
        func.count(),
        where=and_(v.c.revoked_at.is_(None), _in(v.c.created_at, p)),
        dims={"sp": v.c.access_code},
        detail=(v.c.id, v.c.access_code, v.c.type, v.c.created_at),
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


# charging, recharges and reminders
LE = m.LedgerEntry.__table__
ACC = m.Account.__table__
LEDGER = LE.join(ACC, ACC.c.id == LE.c.account_id).join(SUB, SUB.c.id == ACC.c.subscriber_id)
IS_CARD = LE.c.reference.like("card:%")


@spec("RCH_SUCCESS")
def _rch_success(p: Period) -> Spec:
    att = m.SecretAttempt.__table__
    ok = (
        select(
            SUB.c.province_code.label("province"),
            local_month(LE.c.created_at).label("month"),
            ONE.label("ok"),
            literal(0).label("failed"),
            LE.c.reference.label("ref"),
        )
        .select_from(LEDGER)
        .where(LE.c.kind == "recharge", IS_CARD, _in(LE.c.created_at, p))
    )
    bad = select(
        SUB.c.province_code,
        date_month(att.c.day),
        literal(0),
        att.c.failures,
        literal("failed PIN ") + att.c.msisdn,
    ).select_from(att.join(SUB, SUB.c.msisdn == att.c.msisdn))
    bad = bad.where(att.c.purpose == "card", att.c.day >= p.start.date(), att.c.day < p.end.date())
    u = union_all(ok, bad).subquery("rch")
    return Spec(
        u,
        u.c.province,
        u.c.month,
        func.sum(u.c.ok),
        den=func.sum(u.c.ok) + func.sum(u.c.failed),
        detail=(u.c.ref, u.c.ok, u.c.failed),
    )


@spec("ECH_SHARE")
def _ech_share(p: Period) -> Spec:
    o = ly.DeliveryOrder.__table__
    chan = case((IS_CARD, "card"), else_="shop")
    rch = (
        select(
            SUB.c.province_code.label("province"),
            local_month(LE.c.created_at).label("month"),
            chan.label("channel"),
            _n(IS_CARD).label("e"),
            func.coalesce(LE.c.reference, "ledger ").label("ref"),
        )
        .select_from(LEDGER)
        .where(LE.c.kind == "recharge", _in(LE.c.created_at, p))
    )
    orders = (
        select(
            SUB.c.province_code,
            local_month(o.c.created_at),
            o.c.channel,
            _n(o.c.channel.in_(E_CHANNELS)),
            literal("order ") + cast(o.c.id, String),
        )
        .select_from(o.join(SUB, SUB.c.id == o.c.subscriber_id))
        .where(_in(o.c.created_at, p))
    )
    tickets = select(
        T.c.province, local_month(T.c.created_at), T.c.channel,
        _n(T.c.channel.in_(E_CHANNELS)), literal("ticket ") + T.c.id,
    ).where(_in(T.c.created_at, p))  # fmt: skip
    u = union_all(rch, orders, tickets).subquery("ech")
    return Spec(u, u.c.province, u.c.month, func.sum(u.c.e), den=func.count(),
                dims={"channel": u.c.channel}, detail=(u.c.ref, u.c.channel))  # fmt: skip


@spec("REM_OPTIN")
def _rem_optin(p: Period) -> Spec:
    default = get_settings().reminders_default_on
    on: ColumnElement[bool] = SUB.c.data_reminder.is_(True)
    if default:
        on = or_(on, SUB.c.data_reminder.is_(None))
    return Spec(
        SUB,
        SUB.c.province_code,
        None,
        func.sum(_n(on)),
        den=func.count(),
        where=SUB.c.status == "active",
        detail=(SUB.c.msisdn, SUB.c.data_reminder),
    )


def _data_charged(p: Period) -> Any:
    """One row per subscriber and month with out-of-bundle data charges."""
    d = ch.UsageDay.__table__
    month = date_month(d.c.day)
    return (
        select(d.c.subscriber_id, month.label("month"), func.sum(d.c.data_ufen).label("ufen"))
        .where(d.c.data_ufen > 0, d.c.day >= p.start.date(), d.c.day < p.end.date())
        .group_by(d.c.subscriber_id, month)
        .subquery("charged")
    )


@spec("REM_BEFORE_SHOCK")
def _rem_before_shock(p: Period) -> Spec:
    c = _data_charged(p)
    r = ch.DataReminderSent.__table__
    sent = exists().where(
        r.c.subscriber_id == c.c.subscriber_id, r.c.month == c.c.month, r.c.sent.is_(True)
    )
    return Spec(c.join(SUB, SUB.c.id == c.c.subscriber_id), SUB.c.province_code, c.c.month,
                func.sum(_n(sent)), den=func.count(), detail=(SUB.c.msisdn, c.c.ufen))  # fmt: skip


@spec("USG_OOB_SHARE")
def _usg_oob_share(p: Period) -> Spec:
    d = ch.UsageDay.__table__
    month = date_month(d.c.day)
    per = (
        select(
            d.c.subscriber_id,
            month.label("month"),
            func.max(_n(d.c.data_ufen > 0)).label("charged"),
        )
        .where(d.c.data_kb > 0, d.c.day >= p.start.date(), d.c.day < p.end.date())
        .group_by(d.c.subscriber_id, month)
        .subquery("users")
    )
    return Spec(
        per.join(SUB, SUB.c.id == per.c.subscriber_id),
        SUB.c.province_code,
        per.c.month,
        func.sum(per.c.charged),
        den=func.count(),
        detail=(SUB.c.msisdn, per.c.charged),
    )


@spec("CHG_REFUND")
def _chg_refund(p: Period) -> Spec:
    return Spec(
        LEDGER,
        SUB.c.province_code,
        local_month(LE.c.created_at),
        func.count(),
        where=and_(LE.c.kind == "refund", _in(LE.c.created_at, p)),
        detail=(LE.c.id, SUB.c.msisdn, LE.c.amount_fen, LE.c.reason, LE.c.created_at),
    )


# loyalty (a delivery order's province is where it is delivered)
O = ly.DeliveryOrder.__table__  # noqa: E741


def _delivered(p: Period, num: ColumnElement[Any]) -> Spec:
    e = ly.DeliveryEvent.__table__
    return Spec(
        O.join(e, and_(e.c.order_id == O.c.id, e.c.state == "delivered")),
        O.c.province_code,
        local_month(e.c.created_at),
        num,
        den=func.count(),
        where=_in(e.c.created_at, p),
        detail=(O.c.id, O.c.gift_code, O.c.created_at, e.c.created_at.label("delivered_at")),
    )


@spec("PTS_DELIVERY_DAYS")
def _pts_delivery_days(p: Period) -> Spec:
    e = ly.DeliveryEvent.__table__
    return _delivered(p, func.sum(hours_between(O.c.created_at, e.c.created_at) / 24.0))


@spec("PTS_DELIVERY_7D")
def _pts_delivery_7d(p: Period) -> Spec:
    e = ly.DeliveryEvent.__table__
    return _delivered(p, func.sum(_n(hours_between(O.c.created_at, e.c.created_at) <= 7 * 24)))


@spec("PTS_RETURN")
def _pts_return(p: Period) -> Spec:
    return Spec(
        O,
        O.c.province_code,
        local_month(O.c.created_at),
        func.sum(_n(O.c.state.in_(("returned", "cancelled")))),
        den=func.count(),
        where=_in(O.c.created_at, p),
        dims={"channel": O.c.channel},
        detail=(O.c.id, O.c.gift_code, O.c.state, O.c.channel, O.c.created_at),
    )


@spec("PTS_REDEEM")
def _pts_redeem(p: Period) -> Spec:
    rc = ly.RedemptionCode.__table__
    a = (
        select(
            SUB.c.province_code.label("province"),
            local_month(O.c.created_at).label("month"),
            (literal("order ") + cast(O.c.id, String)).label("ref"),
        )
        .select_from(O.join(SUB, SUB.c.id == O.c.subscriber_id))
        .where(_in(O.c.created_at, p))
    )
    b = select(SUB.c.province_code, local_month(rc.c.created_at), literal("code ") + rc.c.code)
    b = b.select_from(rc.join(SUB, SUB.c.id == rc.c.subscriber_id))
    u = union_all(a, b.where(_in(rc.c.created_at, p))).subquery("redeem")
    return Spec(u, u.c.province, u.c.month, func.count(), detail=(u.c.ref,))


# --- computing ----------------------------------------------------------------------


@dataclass
class Result:
    """Figures by (code, province, month); national figures are under ``HQ``."""

    months: list[str]
    figures: dict[tuple[str, str, str], q.Figure] = field(default_factory=dict)
    dims: list[q.Figure] = field(default_factory=list)

    def get(self, code: str, province: str, month: str) -> q.Figure | None:
        return self.figures.get((code, province, month))

    def value(self, code: str, province: str, month: str) -> float | None:
        f = self.get(code, province, month)
        return None if f is None else f.value

    def of(self, province: str, month: str) -> list[q.Figure]:
        return [f for (_, p, mo), f in self.figures.items() if p == province and mo == month]


def subscriber_base(db: Database, period: Period) -> dict[tuple[str, str], int]:
    """Subscribers not closed and created before each month's end, per province."""
    s = SUB
    live = s.c.status != "closed"
    month = local_month(s.c.created_at)
    with db.engine.connect() as conn:
        before = conn.execute(
            select(s.c.province_code, func.count())
            .where(live, s.c.created_at < period.start)
            .group_by(s.c.province_code)
        ).all()
        during = conn.execute(
            select(s.c.province_code, month, func.count())
            .where(live, _in(s.c.created_at, period))
            .group_by(s.c.province_code, month)
        ).all()
    running = {str(p): int(n) for p, n in before}
    added = {(str(p), str(mo)): int(n) for p, mo, n in during}
    base: dict[tuple[str, str], int] = {}
    for mo in period.months:
        for p in PROVINCE_CODES:
            running[p] = running.get(p, 0) + added.get((p, mo), 0)
            base[(p, mo)] = running[p]
    return base


def _aggregate(
    db: Database, code: str, period: Period, dim: str | None = None
) -> list[tuple[str, str, str, float, float | None]]:
    """``(province, month, dim value, numerator, denominator)`` rows of one indicator."""
    s = SPECS[code](period)
    d = s.dims[dim] if dim else literal("")
    month = s.month if s.month is not None else literal("")
    cols = [s.province.label("p"), month.label("m"), d.label("d"), s.num.label("n")]
    cols.append((s.den if s.den is not None else literal(None, Integer)).label("den"))
    stmt = select(*cols).select_from(s.source)
    if s.where is not None:
        stmt = stmt.where(s.where)
    grouped = (None if s.province is HQ_COL else s.province, s.month, s.dims[dim] if dim else None)
    stmt = stmt.group_by(*[c for c in grouped if c is not None])
    with db.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    out: list[tuple[str, str, str, float, float | None]] = []
    for p, mo, dv, n, den in rows:
        for month_ in period.months if s.month is None else [str(mo)]:
            out.append((str(p), month_, "" if dv is None else str(dv), float(n or 0),
                        None if den is None else float(den)))  # fmt: skip
    return out


def _figures(
    ind: q.Indicator,
    rows: Iterable[tuple[str, str, str, float, float | None]],
    base: Mapping[tuple[str, str], int],
    dim: str = "",
) -> list[q.Figure]:
    out = []
    for p, mo, dv, n, den in rows:
        if ind.kind is q.Kind.PER10K and den is None:  # else the spec's own base
            den = float(base.get((p, mo), 0))
        out.append(q.Figure(ind.code, p, mo, n, den, ind.value(n, den), dim, dv))
    return out


def compute(
    db: Database,
    months: Sequence[str],
    codes: Iterable[str] | None = None,
) -> Result:
    """Every (or the given) indicator for every province and the nation over ``months``."""
    period = Period(min(months), max(months))
    result = Result(period.months)
    base = subscriber_base(db, period)
    for ind in q.INDICATORS if codes is None else [q.BY_CODE[c] for c in codes]:
        if not ind.available or ind.code not in SPECS:
            continue
        found = {(f.province, f.month): f for f in
                 _figures(ind, _aggregate(db, ind.code, period), base)}  # fmt: skip
        if ind.kind in (q.Kind.COUNT, q.Kind.PER10K) and not ind.national_only:
            for p in PROVINCE_CODES:  # nothing counted is a real zero
                for mo in period.months:
                    if (p, mo) not in found:
                        den = float(base[(p, mo)]) if ind.kind is q.Kind.PER10K else None
                        found[(p, mo)] = q.Figure(ind.code, p, mo, 0.0, den, ind.value(0.0, den))
        for f in found.values():
            result.figures[(ind.code, f.province, f.month)] = f
        if not ind.national_only:
            for mo in period.months:
                month_figs = [f for f in found.values() if f.month == mo]
                nat = q.combine(ind, month_figs, HQ)
                if nat is not None:
                    result.figures[(ind.code, HQ, mo)] = nat
        elif ind.kind is q.Kind.COUNT:
            for mo in period.months:
                key = (ind.code, HQ, mo)
                result.figures.setdefault(key, q.Figure(ind.code, HQ, mo, 0.0, None, 0.0))
    return result


def breakdown(db: Database, code: str, dim: str, month: str, province: str) -> list[q.Figure]:
    """One indicator split by a dimension (channel, product, SP) for a province or HQ."""
    ind = q.BY_CODE[code]
    if not ind.available or code not in SPECS or dim not in SPECS[code](Period(month, month)).dims:
        return []
    period = Period(month, month)
    base = subscriber_base(db, period)
    rows = [r for r in _aggregate(db, code, period, dim) if province in (HQ, r[0])]
    if province == HQ:
        nat_base = {(HQ, month): sum(base[(p, month)] for p in PROVINCE_CODES)}
        by: dict[str, list[q.Figure]] = {}
        for f in _figures(ind, rows, base, dim):
            by.setdefault(f.dim_value, []).append(f)
        out = []
        for dv, figs in by.items():
            n = sum(f.numerator for f in figs)
            dens = [f.denominator for f in figs if f.denominator is not None]
            den = float(nat_base[(HQ, month)]) if ind.kind is q.Kind.PER10K and not dens else (
                sum(dens) if dens else None)  # fmt: skip
            out.append(q.Figure(code, HQ, month, n, den, ind.value(n, den), dim, dv))
        return sorted(out, key=lambda f: f.dim_value)
    return sorted(_figures(ind, rows, base, dim), key=lambda f: f.dim_value)


def details(
    db: Database, code: str, province: str, month: str, limit: int = 50
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The rows behind one figure (tickets, reports, orders …): column names and rows."""
    s = SPECS[code](Period(month, month))
    stmt = select(*s.detail).select_from(s.source)
    if s.where is not None:
        stmt = stmt.where(s.where)
    if province != HQ:
        stmt = stmt.where(s.province == province)
    if s.month is not None:
        stmt = stmt.where(s.month == month)
    with db.engine.connect() as conn:
        res = conn.execute(stmt.limit(limit))
        return list(res.keys()), [tuple(r) for r in res.all()]


def store_snapshot(db: Database, result: Result, now: datetime | None = None) -> int:
    """Write (replace) the result's months as snapshots; returns the rows written."""
    at = now or clock.now()
    rows = [
        {
            "indicator": f.code, "version": q.BY_CODE[f.code].version, "province": f.province,
            "month": f.month, "dim": f.dim, "dim_value": f.dim_value, "numerator": f.numerator,
            "denominator": f.denominator, "value": f.value, "computed_at": at,
        }
        for f in [*result.figures.values(), *result.dims]
    ]  # fmt: skip
    with db.uow() as uow:
        uow.session.execute(delete(QualitySnapshot).where(QualitySnapshot.month.in_(result.months)))
        if rows:
            uow.session.execute(insert(QualitySnapshot), rows)
        uow.commit()
    return len(rows)


def load_snapshot(db: Database, month: str) -> dict[tuple[str, str], float | None]:
    """Stored values of one month by (indicator, province), undimensioned."""
    t = QualitySnapshot.__table__
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(t.c.indicator, t.c.province, t.c.value).where(t.c.month == month, t.c.dim == "")
        ).all()
    return {(str(i), str(p)): v for i, p, v in rows}


# --- the views the dashboards and the report show ----------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One indicator for one province and month, with its context."""

    indicator: q.Indicator
    figure: q.Figure | None
    previous: float | None
    change: float | None  # month on month, % of the previous value
    meets: bool | None
    rank: int | None
    ranked: int
    trend: list[float | None]

    @property
    def value(self) -> float | None:
        return None if self.figure is None else self.figure.value

    @property
    def gap(self) -> float:
        """How far from target, relative (0 when met or unknown)."""
        ind, v = self.indicator, self.value
        if v is None or ind.target is None or self.meets is not False:
            return 0.0
        return abs(v - ind.target) / max(abs(ind.target), 1.0)


@dataclass
class Overview:
    province: str
    month: str
    months: list[str]
    rows: list[Row]
    standards: list[q.StandardResult]
    ranking: dict[str, list[q.Rank]]

    @property
    def problems(self) -> list[Row]:
        """Indicators missing their target, furthest first (at most 8)."""
        missed = [r for r in self.rows if r.gap > 0]
        return sorted(missed, key=lambda r: -r.gap)[:8]

    @property
    def movers(self) -> list[Row]:
        """The largest month-on-month changes (at most 8)."""
        moved = [r for r in self.rows if r.change is not None and r.change != 0]
        return sorted(moved, key=lambda r: -abs(r.change or 0.0))[:8]


def overview(db: Database, province: str, month: str, span: int = 6) -> Overview:
    """Every indicator of ``province`` (or ``HQ``) for ``month`` with ``span`` months of trend,
    the month-on-month change, the province ranking and the eight standards."""
    months = q.month_range(month, max(span, 2))
    result = compute(db, months)
    prev = q.previous_month(month)
    rows: list[Row] = []
    ranking: dict[str, list[q.Rank]] = {}
    for ind in q.INDICATORS:
        fig = result.get(ind.code, province, month)
        value = None if fig is None else fig.value
        before = result.value(ind.code, province, prev)
        ranks = q.rank_provinces(ind, {p: result.value(ind.code, p, month) for p in PROVINCE_CODES})
        ranking[ind.code] = ranks
        mine = next((r.rank for r in ranks if r.province == province), None)
        rows.append(
            Row(ind, fig, before, q.mom_change(value, before), ind.meets_target(value), mine,
                len(ranks), [result.value(ind.code, province, mo) for mo in months])
        )  # fmt: skip
    standards = q.check_standards(result.of(province, month))
    return Overview(province, month, months, rows, standards, ranking)


def fmt_value(indicator: q.Indicator, value: float | None) -> str:
    """A value as shown: 1 decimal for shares, rates and means, whole for counts; — if none."""
    if value is None:
        return "—"
    if indicator.kind is q.Kind.COUNT:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if indicator.kind is q.Kind.MEAN else f"{value:,.1f}"
