"""Read models of TMF635 usage and the data-reminder switch, each access-checked.

A usage record belongs to the line of its ``msisdn``; every lookup goes through
:func:`telcare.services.api_queries.line_by_msisdn` (and so
:func:`telcare.domain.access.require_subscriber_access`) before anything of the
record is read: a subscriber sees only their own line, staff their province,
headquarters all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from telcare import clock
from telcare.domain import months
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import InvalidInput, NotFound
from telcare.domain.messages import N_
from telcare.domain.months import month_of
from telcare.services import charging
from telcare.services.api_queries import Line, Page, line_by_msisdn, line_for, visible_lines
from telcare.services.api_queries.views import _line
from telcare.services.charging import UsageSummary
from telcare.store.charging_models import UsageRecord
from telcare.store.models import IdempotencyRecord, Subscriber
from telcare.store.uow import Database

MONTH = re.compile(r"^(19|20)\d{2}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, slots=True)
class UsageView:
    """One rated usage record of a visible line."""

    record_id: str
    line: Line
    service: str  # data | voice | sms
    started_at: datetime
    volume: int  # KB, seconds or messages, as received
    roaming: bool
    peer: str
    units: int  # KB, started minutes or messages, as rated
    covered: int  # units drawn from allowances
    charge_ufen: int  # exact charge in micro-fen, before the daily rounding


@dataclass(frozen=True, slots=True)
class ReminderView:
    line: Line
    enabled: bool


def month_bounds(month: str | None, now: datetime | None = None) -> tuple[str, datetime, datetime]:
    """``(month, start, end)`` of ``month`` (``YYYY-MM``, default this one) in Asia/Shanghai."""
    month = month or month_of(now or clock.local_now())
    if not MONTH.match(month):
        raise InvalidInput(N_("api.bad_month"), month=month)
    return (month, *months.bounds(month))


def _view(line: Line, r: UsageRecord) -> UsageView:
    return UsageView(
        r.record_id,
        line,
        r.service,
        r.started_at,
        r.volume,
        bool(r.roaming),
        r.peer or "",
        r.units,
        r.covered,
        r.charge_ufen,
    )


def usage_of(
    db: Database,
    who: Principal,
    msisdn: str | None,
    month: str | None,
    offset: int,
    limit: int,
) -> Page[UsageView]:
    """The rated records of the month, by ``started_at`` then id: of a line (``msisdn``, a
    subscriber's own by default), or of every line the staff member may see."""
    line = line_for(db, who, msisdn) if msisdn or who.kind is Kind.SUBSCRIBER else None
    _, start, end = month_bounds(month)
    where = [UsageRecord.started_at >= start, UsageRecord.started_at < end]
    where.append(Subscriber.id == line.id if line is not None else visible_lines(who))
    base = (
        select(UsageRecord, Subscriber)
        .join(Subscriber, Subscriber.msisdn == UsageRecord.msisdn)
        .where(Subscriber.status != "closed", *where)
    )
    with db.uow() as uow:
        s = uow.session
        total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = s.execute(
            base.order_by(UsageRecord.started_at, UsageRecord.record_id).offset(offset).limit(limit)
        ).all()
        return Page([_view(_line(sub), r) for r, sub in rows], total)


def usage(db: Database, who: Principal, record_id: str) -> UsageView:
    """One rated record, if its line is visible to ``who`` (else 403; 404 if unknown)."""
    with db.uow() as uow:
        row = uow.session.get(UsageRecord, record_id)
        if row is None:
            raise NotFound(N_("api.not_found"))
        msisdn = row.msisdn
    try:
        line = line_by_msisdn(db, who, msisdn)  # 403 unless visible
    except NotFound:  # the record's line is gone: say nothing of its number
        raise NotFound(N_("api.not_found")) from None
    with db.uow() as uow:
        return _view(line, uow.session.get_one(UsageRecord, record_id))


def summary(
    db: Database, who: Principal, msisdn: str | None, month: str | None
) -> tuple[Line, UsageSummary]:
    """The month's use, allowances left and out-of-package charges of a visible line."""
    line = line_for(db, who, msisdn)
    month, _, _ = month_bounds(month)
    return line, charging.usage_summary(db, line.msisdn, month)


def reminder(db: Database, who: Principal, msisdn: str | None) -> ReminderView:
    """Whether data reminders are on for a visible line (its choice, else the default)."""
    line = line_for(db, who, msisdn)
    return ReminderView(line, charging.reminder_enabled(db, line.msisdn))


def set_reminder(
    db: Database, who: Principal, msisdn: str | None, on: bool, *, idempotency_key: str
) -> tuple[ReminderView, bool]:
    """Switch data reminders for a visible line; ``(view, replayed)``.

    ``idempotency_key`` is already scoped by caller; the same key with another
    body is refused by :func:`charging.set_data_reminder` (409).
    """
    line = line_for(db, who, msisdn)
    with db.uow() as uow:
        replayed = uow.session.get(IdempotencyRecord, idempotency_key) is not None
    enabled = charging.set_data_reminder(db, line.msisdn, on, idempotency_key=idempotency_key)
    return ReminderView(line, enabled), replayed
