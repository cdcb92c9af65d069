"""The SQL of the 10086 call-centre indicators (HOTLINE_*, over the imported call records)
and of the online chat (CHAT_*, over the chats)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, func

from telcare.domain import call_centre as cc
from telcare.services.quality.specs import Period, Spec, _in, _n, spec
from telcare.services.quality.sql import hours_between, local_month
from telcare.store.chat_models import ChatSession
from telcare.store.knowledge_models import CallRecord

C = CallRecord.__table__
_TOLERANCE_S = 0.001  # SQLite's julianday arithmetic is exact to about a millisecond
IN_TIME: ColumnElement[bool] = and_(
    C.c.answered_at.is_not(None),
    hours_between(C.c.offered_at, C.c.answered_at) * 3600
    <= cc.ANSWER_TARGET.total_seconds() + _TOLERANCE_S,
)
DETAIL = (C.c.call_id, C.c.queue, C.c.offered_at, C.c.answered_at, C.c.abandoned_at, C.c.agent)


def _calls(p: Period, num: ColumnElement[Any], where: ColumnElement[bool] | None = None) -> Spec:
    cond = _in(C.c.offered_at, p)
    return Spec(
        C,
        C.c.province,
        local_month(C.c.offered_at),
        num,
        den=func.count(),
        where=cond if where is None else and_(cond, where),
        dims={"queue": C.c.queue},
        detail=DETAIL,
    )


@spec("HOTLINE_20S")
def _hotline_20s(p: Period) -> Spec:
    return _calls(p, func.sum(_n(IN_TIME)))


@spec("HOTLINE_ABANDON")
def _hotline_abandon(p: Period) -> Spec:
    return _calls(p, func.sum(_n(C.c.abandoned_at.is_not(None))))


@spec("HOTLINE_G3_20S")
def _hotline_g3_20s(p: Period) -> Spec:
    return _calls(p, func.sum(_n(IN_TIME)), C.c.queue == cc.G3_QUEUE)


CH = ChatSession.__table__
CHAT_DETAIL = (CH.c.id, CH.c.queue, CH.c.queued_at, CH.c.answered_at, CH.c.agent, CH.c.state)


@spec("CHAT_20S")
def _chat_20s(p: Period) -> Spec:
    in_time = and_(
        CH.c.answered_at.is_not(None),
        hours_between(CH.c.queued_at, CH.c.answered_at) * 3600
        <= cc.ANSWER_TARGET.total_seconds() + _TOLERANCE_S,
    )
    return Spec(
        CH,
        CH.c.province,
        local_month(CH.c.queued_at),
        func.sum(_n(in_time)),
        den=func.count(),
        where=_in(CH.c.queued_at, p),
        detail=CHAT_DETAIL,
    )


@spec("CHAT_BOT_RESOLVED")
def _chat_bot_resolved(p: Period) -> Spec:
    return Spec(
        CH,
        CH.c.province,
        local_month(CH.c.closed_at),
        func.sum(_n(and_(CH.c.queued_at.is_(None), CH.c.ticket_id.is_(None)))),
        den=func.count(),
        where=_in(CH.c.closed_at, p),
        detail=CHAT_DETAIL,
    )
