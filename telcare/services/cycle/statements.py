"""Monthly statements: a line's month from its ledger (totals, usage by kind, items), the
CSV of its ledger, and the "statement ready" SMS of the 1st.

Every figure comes from the ledger in one read, so a statement equals the ledger
to the fen (:func:`telcare.domain.statements.totals`); usage by kind is the month
summary of rating (:func:`telcare.services.charging.usage_summary`), shown beside it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from telcare import clock
from telcare.domain import months
from telcare.domain import statements as rules
from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_, render
from telcare.domain.money import fen_to_yuan
from telcare.domain.reminders import release_time
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import charging, lookups
from telcare.services.notify import Notice, queue_many
from telcare.store import models as m
from telcare.store.uow import Database

MAX_MONTHS = 24  # statements listed per line


@dataclass(frozen=True, slots=True)
class Item:
    """One ledger entry of the month."""

    entry_id: int
    at: datetime
    kind: str
    heading: str
    amount_fen: int
    balance_after_fen: int
    reason: str
    reference: str | None


@dataclass(frozen=True, slots=True)
class Statement:
    msisdn: str
    month: str
    start: datetime
    end: datetime
    totals: rules.Totals
    usage_by_service: dict[str, int]  # out-of-package charges per service (display)
    usage_units: dict[str, int]  # KB, minutes, messages
    items: list[Item]


def check_month(month: str) -> str:
    """``month`` if it reads as ``YYYY-MM`` (a 4xx otherwise)."""
    try:
        months.bounds(month)
        if len(month) != 7:
            raise ValueError(month)
    except ValueError:
        raise InvalidInput(N_("api.bad_month"), month=month[:20]) from None
    return month


def statement(db: Database, msisdn: str, month: str) -> Statement:
    """The line's statement of ``month``."""
    start, end = months.bounds(check_month(month))
    with db.read() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn, allow_closed=True)  # a closed line's old months
        account_id = s.scalar(select(m.Account.id).where(m.Account.subscriber_id == sub.id))
        opening = s.scalar(
            select(func.coalesce(func.sum(m.LedgerEntry.amount_fen), 0)).where(
                m.LedgerEntry.account_id == account_id, m.LedgerEntry.created_at < start
            )
        )
        rows = s.scalars(
            select(m.LedgerEntry)
            .where(
                m.LedgerEntry.account_id == account_id,
                m.LedgerEntry.created_at >= start,
                m.LedgerEntry.created_at < end,
            )
            .order_by(m.LedgerEntry.created_at, m.LedgerEntry.id)
        ).all()
        items = [
            Item(
                e.id,
                e.created_at,
                e.kind,
                rules.heading(e.kind, e.reference).value,
                e.amount_fen,
                e.balance_after_fen,
                e.reason,
                e.reference,
            )
            for e in rows
        ]
        number = sub.msisdn
    totals = rules.totals(int(opening or 0), ((i.kind, i.reference, i.amount_fen) for i in items))
    usage = charging.usage_summary(db, number, month)
    by_service = {
        "data": usage.data_charge_fen,
        "voice": usage.voice_charge_fen,
        "sms": usage.sms_charge_fen,
    }
    units = {"data": usage.data_kb, "voice": usage.voice_min, "sms": usage.sms}
    return Statement(number, month, start, end, totals, by_service, units, items)


def ledger_csv(st: Statement) -> str:
    """The month's ledger as CSV (UTF-8 with BOM for spreadsheets), amounts in yuan."""
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out)
    w.writerow(["time", "kind", "heading", "amount", "balance_after", "reason", "reference"])
    w.writerow(["", "opening", "", "", fen_to_yuan(st.totals.opening_fen), "", ""])
    for i in st.items:
        w.writerow(
            [
                i.at.astimezone(OPERATOR_TZ).isoformat(),
                i.kind,
                i.heading,
                fen_to_yuan(i.amount_fen),
                fen_to_yuan(i.balance_after_fen),
                i.reason,
                i.reference or "",
            ]
        )
    w.writerow(["", "closing", "", "", fen_to_yuan(st.totals.closing_fen), "", ""])
    return out.getvalue()


def notify_ready(
    db: Database, month: str, *, now: datetime | None = None, batch: int = 5000
) -> int:
    """Queue "your statement of ``month`` is ready" to every open line, once per line
    and month (the outbox dedupe key); outside quiet hours. How many were queued."""
    check_month(month)
    now = now or clock.now()
    queued, after = 0, 0
    while True:
        with db.uow() as uow:
            rows = uow.session.execute(
                select(m.Subscriber.id, m.Subscriber.msisdn, m.Subscriber.language)
                .where(m.Subscriber.status != "closed", m.Subscriber.id > after)
                .order_by(m.Subscriber.id)
                .limit(batch)
            ).all()
            if not rows:
                return queued
            notices = [
                Notice(
                    msisdn,
                    render("cycle.statement_ready", lang, month=month),
                    f"statement:{sid}:{month}",
                    not_before=release_time(now),
                )
                for sid, msisdn, lang in rows
            ]
            queued += queue_many(uow.session, notices, now=now)
            uow.commit()
        after = rows[-1][0]


def bill_months(db: Database, msisdn: str, *, now: datetime | None = None) -> list[str]:
    """The closed months with a statement, newest first: from the line's first ledger
    entry to last month (at most :data:`MAX_MONTHS`)."""
    now = now or clock.now()
    with db.read() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn, allow_closed=True)
        first = s.scalar(
            select(func.min(m.LedgerEntry.created_at))
            .join(m.Account, m.Account.id == m.LedgerEntry.account_id)
            .where(m.Account.subscriber_id == sub.id)
        )
    if first is None:
        return []
    out: list[str] = []
    month, current = months.month_of(first), months.month_of(now)
    while month < current and len(out) < MAX_MONTHS * 100:
        out.append(month)
        month = months.next_month(month)
    return out[::-1][:MAX_MONTHS]


def entry_line(db: Database, entry_id: int) -> tuple[str, str] | None:
    """The line (MSISDN) and month of a ledger entry, if it exists."""
    with db.read() as uow:
        row = uow.session.execute(
            select(m.Subscriber.msisdn, m.LedgerEntry.created_at)
            .join(m.Account, m.Account.subscriber_id == m.Subscriber.id)
            .join(m.LedgerEntry, m.LedgerEntry.account_id == m.Account.id)
            .where(m.LedgerEntry.id == entry_id)
        ).first()
    return None if row is None else (row[0], months.month_of(row[1]))
