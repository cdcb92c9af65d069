"""Fee reminders before the 1st: a line whose balance will not cover next month's fees is told.

On the 25th (the ``fee_reminders`` job) every open line is checked: the monthly fees
that will renew on the 1st (active, monthly, not ending, charged) against its balance
now. A line short of them gets one SMS per month (the outbox dedupe key), outside
quiet hours. One statement per batch of lines: the sum is done by the database.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from telcare import clock
from telcare.domain import months
from telcare.domain.catalog import Period
from telcare.domain.messages import render
from telcare.domain.money import fen_to_yuan
from telcare.domain.reminders import release_time
from telcare.services.notify import Notice, queue_many
from telcare.store import models as m
from telcare.store.uow import Database

BATCH = 5000


def remind_fees(db: Database, month: str, *, now: datetime | None = None) -> int:
    """SMS every line whose balance is short of the fees renewing on the 1st after
    ``month``; how many were queued (once per line and month)."""
    now = now or clock.now()
    coming = months.next_month(month)
    fees = func.sum(m.Product.price_fen)
    query = (
        select(
            m.Subscriber.id,
            m.Subscriber.msisdn,
            m.Subscriber.language,
            m.Account.balance_fen,
            fees.label("fees"),
        )
        .join(m.Account, m.Account.subscriber_id == m.Subscriber.id)
        .join(m.Subscription, m.Subscription.subscriber_id == m.Subscriber.id)
        .join(m.Product, m.Product.code == m.Subscription.product_code)
        .where(
            m.Subscriber.status != "closed",
            m.Subscription.state == "active",
            m.Subscription.ends_at.is_(None),
            m.Product.period == Period.MONTHLY.value,
            m.Product.charged.is_(True),
            m.Product.price_fen > 0,
        )
        .group_by(
            m.Subscriber.id, m.Subscriber.msisdn, m.Subscriber.language, m.Account.balance_fen
        )
        .having(m.Account.balance_fen < fees)
        .order_by(m.Subscriber.id)
    )
    queued, after = 0, 0
    while True:
        with db.uow() as uow:
            rows = uow.session.execute(query.where(m.Subscriber.id > after).limit(BATCH)).all()
            if not rows:
                return queued
            notices = [
                Notice(
                    msisdn,
                    render(
                        "cycle.fee_reminder",
                        lang,
                        date=f"{coming}-01",
                        fees=fen_to_yuan(int(due)),
                        balance=fen_to_yuan(balance),
                    ),
                    f"fee_reminder:{sid}:{coming}",
                    not_before=release_time(now),
                )
                for sid, msisdn, lang, balance, due in rows
            ]
            queued += queue_many(uow.session, notices, now=now)
            uow.commit()
        after = rows[-1][0]
