"""Monthly renewals: on the 1st every monthly product in force renews and its fee is posted once.

Lines are taken in batches (by subscriber id), one transaction per batch: the
accounts are locked, the domain decides each line's renewals
(:func:`telcare.domain.renewals.decide`), the fees are posted
(:func:`telcare.services.accounts.post_bulk`), a ``renewal`` row is written per
subscription and month, lapsed add-ons are ended, and the SMS are queued. The
``renewal`` row is the guard: a batch killed half-way rolled back, and the next
run finds only the subscriptions still without one, so nothing is charged twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from telcare import clock
from telcare.domain import renewals as rules
from telcare.domain.catalog import Period, ProductKind
from telcare.domain.errors import InvalidInput
from telcare.domain.ledger import EntryKind, available
from telcare.domain.messages import N_, render
from telcare.domain.money import fen_to_yuan
from telcare.domain.reminders import release_time
from telcare.services import accounts
from telcare.services.cycle import covered
from telcare.services.notify import Notice, queue_many
from telcare.store import bulk
from telcare.store import models as m
from telcare.store.cycle_models import Renewal
from telcare.store.uow import Database

BATCH_LINES = 10_000


@dataclass(slots=True)
class RenewalRun:
    """What a run did: subscriptions charged, free, lapsed, fen posted, lines."""

    month: str
    lines: int = 0
    charged: int = 0
    free: int = 0
    lapsed: int = 0
    fee_fen: int = 0
    barred: int = 0
    by_outcome: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int | str]:
        return {
            "month": self.month,
            "lines": self.lines,
            "charged": self.charged,
            "free": self.free,
            "lapsed": self.lapsed,
            "fee_fen": self.fee_fen,
            "barred": self.barred,
        }


def _pending(month: str, start: datetime) -> list[ColumnElement[bool]]:
    """The SQL side of :func:`rules.renews`, plus: an open line, no renewal row yet."""
    done = exists().where(Renewal.subscription_id == m.Subscription.id, Renewal.month == month)
    return [
        m.Product.period == Period.MONTHLY.value,
        m.Subscription.state == "active",
        or_(
            m.Subscription.starts_at < start,
            and_(
                m.Subscription.starts_at == start,
                m.Product.kind == ProductKind.BASE_PLAN.value,
            ),
        ),
        or_(m.Subscription.ends_at.is_(None), m.Subscription.ends_at > start),
        m.Subscriber.status != "closed",
        ~done,
    ]


def _joined(query: Select[Any]) -> Select[Any]:
    return query.join(m.Product, m.Product.code == m.Subscription.product_code).join(
        m.Subscriber, m.Subscriber.id == m.Subscription.subscriber_id
    )


def renew_month(
    db: Database,
    month: str,
    *,
    now: datetime | None = None,
    batch: int | None = None,
    beat: Callable[[], None] | None = None,
) -> RenewalRun:
    """Renew ``month`` (``YYYY-MM``) for every line, once; safe to re-run or resume.

    ``batch`` lines per transaction (default :data:`BATCH_LINES`, read at call time)."""
    batch = batch or BATCH_LINES
    start = rules.month_start(month)
    now = now or clock.now()
    if now < start:
        raise InvalidInput(N_("cycle.early"), month=month)
    run = RenewalRun(month)
    after = 0
    while True:
        with db.uow() as uow:
            s = uow.session
            ids = list(
                s.scalars(
                    _joined(select(m.Subscription.subscriber_id))
                    .where(*_pending(month, start), m.Subscription.subscriber_id > after)
                    .group_by(m.Subscription.subscriber_id)
                    .order_by(m.Subscription.subscriber_id)
                    .limit(batch)
                )
            )
            if not ids:
                break
            in_batch = and_(
                m.Subscription.subscriber_id > after, m.Subscription.subscriber_id <= ids[-1]
            )
            _lock_range(s, after, ids[-1])
            done = covered.renew_covered(
                s, _due(covered.due_columns(now), month, start, in_batch), month, now
            )
            run.charged += done.charged
            run.free += done.free
            run.fee_fen += done.fee_fen
            run.by_outcome["charged"] = run.by_outcome.get("charged", 0) + done.charged
            run.by_outcome["free"] = run.by_outcome.get("free", 0) + done.free
            if done.left:
                _renew_lines(s, in_batch, month, start, now, run)
            run.lines += len(ids)
            uow.commit()
        after = ids[-1]
        if beat is not None:
            beat()
    return run


def _due(
    columns: list[Any], month: str, start: datetime, in_batch: ColumnElement[bool]
) -> Select[Any]:
    """The batch's subscriptions due for renewal, with their line and account."""
    return (
        _joined(select(*columns))
        .join(m.Account, m.Account.subscriber_id == m.Subscriber.id)
        .where(*_pending(month, start), in_batch)
    )


def _lock_range(s: Session, after: int, last: int) -> None:
    """Lock the accounts of the batch's lines (in id order, as every bulk poster does)."""
    s.execute(
        select(m.Account.id)
        .where(m.Account.subscriber_id > after, m.Account.subscriber_id <= last)
        .order_by(m.Account.id)
        .with_for_update()
    ).all()


def _renew_lines(
    s: Session,
    in_batch: ColumnElement[bool],
    month: str,
    start: datetime,
    now: datetime,
    run: RenewalRun,
) -> None:
    """The lines the set path left (their fees reach the balance): one decision each."""
    rows = s.execute(
        _due(
            [
                m.Subscription.id,
                m.Subscription.subscriber_id,
                m.Subscription.state,
                m.Subscription.starts_at,
                m.Subscription.ends_at,
                m.Product.code,
                m.Product.kind,
                m.Product.period,
                m.Product.price_fen,
                m.Product.charged,
                m.Product.name_zh,
                m.Product.name_en,
                m.Subscriber.msisdn,
                m.Subscriber.language,
                m.Account.id.label("account_id"),
            ],
            month,
            start,
            in_batch,
        ).order_by(m.Subscription.subscriber_id, m.Subscription.id)
    ).all()
    lines: dict[int, list[rules.Due]] = defaultdict(list)
    info = {}
    for r in rows:
        kind = ProductKind(r.kind)
        if not rules.renews(kind, Period(r.period), r.state, r.starts_at, r.ends_at, start):
            continue
        lines[r.subscriber_id].append(rules.Due(r.id, ProductKind(r.kind), r.price_fen, r.charged))
        info[r.id] = r
    held = accounts.lock_many(
        s, {info[d.subscription_id].account_id for v in lines.values() for d in v}
    )
    reserved = accounts.held_many(s, lines, now)
    postings, renewed, lapsed, notices = [], [], [], []
    for subscriber_id, dues in lines.items():
        account_id = info[dues[0].subscription_id].account_id
        spendable = available(held[account_id].balance_fen, reserved.get(subscriber_id, 0))
        for d in rules.decide(dues, spendable):
            r = info[d.subscription_id]
            run.by_outcome[d.outcome] = run.by_outcome.get(d.outcome, 0) + 1
            renewed.append(
                {
                    "subscription_id": r.id,
                    "month": month,
                    "subscriber_id": subscriber_id,
                    "product_code": r.code,
                    "outcome": d.outcome.value,
                    "fee_fen": d.fee_fen,
                    "created_at": now,
                }
            )
            if d.outcome is rules.Outcome.CHARGED:
                run.charged += 1
                run.fee_fen += d.fee_fen
                held_account = held[account_id]
                postings.append(
                    accounts.BulkPosting(
                        held_account,
                        EntryKind.CHARGE,
                        -d.fee_fen,
                        f"月租 {r.code} {r.name_zh} {month}",
                        f"renewal:{r.id}:{month}",
                    )
                )
            elif d.outcome is rules.Outcome.FREE:
                run.free += 1
            else:
                run.lapsed += 1
                lapsed.append(r.id)
                name = r.name_en if r.language == "en" else r.name_zh
                text = render(
                    "cycle.lapsed",
                    r.language,
                    name=name,
                    month=month,
                    price=fen_to_yuan(r.price_fen),
                    code=r.code,
                )
                notices.append(
                    Notice(r.msisdn, text, f"lapsed:{r.id}:{month}", not_before=release_time(now))
                )
    barred = accounts.post_bulk(s, postings, allow_negative=True)
    run.barred += len(barred)
    by_account = {
        info[d[0].subscription_id].account_id: info[d[0].subscription_id] for d in lines.values()
    }
    for account in barred:
        r = by_account[account.id]
        text = render(
            "cycle.barring", r.language, month=month, yuan=fen_to_yuan(account.balance_fen)
        )
        notices.append(
            Notice(
                r.msisdn,
                text,
                f"barring:renewal:{r.subscriber_id}:{month}",
                not_before=release_time(now),
            )
        )
    if lapsed:
        s.execute(
            update(m.Subscription)
            .where(m.Subscription.id.in_(lapsed))
            .values(state="expired", ends_at=start)
        )
    bulk.insert_rows(s, Renewal, renewed)
    queue_many(s, notices, now=now)
