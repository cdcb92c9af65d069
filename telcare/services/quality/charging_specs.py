"""The SQL of the recharge, e-channel, reminder, usage, refund and loyalty indicators."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)

from telcare.config import get_settings
from telcare.services.quality.specs import E_CHANNELS, ONE, SUB, Period, Spec, T, _in, _n, spec
from telcare.services.quality.sql import date_month, hours_between, local_month
from telcare.store import charging_models as ch
from telcare.store import loyalty_models as ly
from telcare.store import models as m

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
    """Orders whose 7 days have closed: delivered (in time or late), or undelivered 7 days
    after the order (a miss), in the order's month. Orders still inside their 7 days, and
    cancelled or returned ones never delivered, are not counted."""
    e = ly.DeliveryEvent.__table__
    joined = O.outerjoin(e, and_(e.c.order_id == O.c.id, e.c.state == "delivered"))
    delivered = e.c.created_at.is_not(None)
    on_time = and_(delivered, hours_between(O.c.created_at, e.c.created_at) <= 7 * 24)
    waiting = and_(e.c.created_at.is_(None), O.c.state.not_in(("cancelled", "returned")))
    decided = or_(delivered, and_(waiting, p.closed(O.c.created_at, 7 * 24)))
    return Spec(
        joined,
        O.c.province_code,
        local_month(O.c.created_at),
        func.sum(_n(on_time)),
        den=func.count(),
        where=and_(_in(O.c.created_at, p), decided),
        detail=(O.c.id, O.c.gift_code, O.c.created_at, e.c.created_at.label("delivered_at")),
    )


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
