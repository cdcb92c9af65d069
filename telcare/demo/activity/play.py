"""Playing the months: the sample of lines, each month's plan, and the run in time order."""

from __future__ import annotations

import heapq
import random
from datetime import datetime, timedelta

from sqlalchemy import select, update

from telcare import clock
from telcare.demo.activity.gifts import _plan_orders
from telcare.demo.activity.recharges import _plan_recharges
from telcare.demo.activity.schedule import (
    KEEP_OUT,
    MARKER,
    SAMPLE,
    UNCONFIRMED_SP,
    Line,
    Progress,
    _daytime,
    _Run,
)
from telcare.demo.activity.spam import _plan_spam
from telcare.demo.activity.tickets import _contact, _plan_ticket
from telcare.demo.activity.usage import _usage
from telcare.domain import quality as q
from telcare.domain.errors import DomainError
from telcare.domain.months import month_of
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.domain.surveys import Trigger
from telcare.services import (
    charging,
    orders,
    partners,
    surveys,
)
from telcare.store import models as m
from telcare.store.uow import Database


def generate(
    db: Database,
    *,
    months: int = 3,
    until: str | None = None,
    seed: int = 2026,
    progress: Progress | None = None,
    lines: int | None = None,
) -> dict[str, int]:
    """Play ``months`` months of activity ending at ``until`` (ISO date or time, default
    now) for a sample of ``lines`` demo subscribers (default: ``activity.yaml``'s
    ``sample``; never the README's example lines); what was created, by kind (empty when
    this seed already ran)."""
    marker = MARKER.format(seed=seed)
    with db.uow() as uow:
        if uow.session.get(m.IdempotencyRecord, marker) is not None:
            return {}
    end = _parse_until(until)
    window = q.month_range(month_of(end), max(months, 1))
    start = q.month_start(window[0])
    _backdate_lines(db, start - timedelta(days=1))
    rng = random.Random(seed)
    run = _Run(db, rng, seed, end, _sample(db, rng, SAMPLE if lines is None else lines))
    if not run.lines:
        return {}
    _opt_outs(run)
    _plan_sp_subscriptions(run, start)
    for month in window:
        lo = max(q.month_start(month), start)
        hi = min(q.month_start(q.add_months(month, 1)), end)
        if hi <= lo:
            continue
        share = (hi - lo) / (q.month_start(q.add_months(month, 1)) - q.month_start(month))
        _plan_month(run, month, lo, hi, share)
    total = len(run.heap)
    done = 0
    while run.heap:
        when, _, step = heapq.heappop(run.heap)
        try:
            step(when)
        except DomainError as err:  # e.g. a gift out of stock: the step is skipped
            run.count(f"refused ({type(err).__name__})")
        done += 1
        if progress is not None and done % 20 == 0:
            progress(done, total + len(run.heap))
    surveys.expire(db, now=end)
    for month in window:
        _usage(
            run,
            month,
            max(q.month_start(month), start),
            min(q.month_start(q.add_months(month, 1)), end),
        )
    if progress is not None:
        progress(total, total)
    with db.uow() as uow:
        uow.session.add(
            m.IdempotencyRecord(
                key=marker,
                operation="demo.activity",
                fingerprint=f"{seed}:{window[0]}:{window[-1]}",
                result=dict(run.counts),
                created_at=clock.now(),
            )
        )
        uow.commit()
    return dict(sorted(run.counts.items()))


def _parse_until(until: str | None) -> datetime:
    if not until:
        return clock.now()
    when = datetime.fromisoformat(until)
    if len(until) <= 10:  # a date: its end, operator time
        when = datetime.combine(when.date(), datetime.max.time()).replace(tzinfo=OPERATOR_TZ)
    return when if when.tzinfo else when.replace(tzinfo=OPERATOR_TZ)


def _sample(db: Database, rng: random.Random, size: int) -> list[Line]:
    with db.uow() as uow:
        rows = uow.session.execute(
            select(m.Subscriber.msisdn, m.Subscriber.province_code, m.Account.points)
            .join(m.Account, m.Account.subscriber_id == m.Subscriber.id)
            .where(m.Subscriber.status == "active")
            .order_by(m.Subscriber.msisdn)
        ).all()
    lines = [Line(str(a), str(b), int(c or 0)) for a, b, c in rows if str(a) not in KEEP_OUT]
    return sorted(rng.sample(lines, min(max(size, 1), len(lines))), key=lambda x: x.msisdn)


def _backdate_lines(db: Database, before: datetime) -> None:
    """Direct rows: lines created after ``before`` (the seed makes them "today") are moved
    to ``before``, with their customers, base subscriptions and opening balance/points."""
    with db.uow() as uow:
        s = uow.session
        ids = list(s.scalars(select(m.Subscriber.id).where(m.Subscriber.created_at > before)))
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            cust = select(m.Subscriber.customer_id).where(m.Subscriber.id.in_(chunk))
            accs = select(m.Account.id).where(m.Account.subscriber_id.in_(chunk))
            s.execute(
                update(m.Subscriber).where(m.Subscriber.id.in_(chunk)).values(created_at=before)
            )
            s.execute(update(m.Customer).where(m.Customer.id.in_(cust)).values(created_at=before))
            s.execute(
                update(m.Subscription)
                .where(m.Subscription.subscriber_id.in_(chunk), m.Subscription.starts_at > before)
                .values(starts_at=before, created_at=before)
            )
            s.execute(
                update(m.LedgerEntry)
                .where(
                    m.LedgerEntry.account_id.in_(accs), m.LedgerEntry.reason == "opening balance"
                )
                .values(created_at=before)
            )
            s.execute(
                update(m.PointsEntry)
                .where(m.PointsEntry.account_id.in_(accs), m.PointsEntry.reason == "opening points")
                .values(created_at=before)
            )
        uow.commit()


# --- planning one month --------------------------------------------------------------


def _plan_month(run: _Run, month: str, lo: datetime, hi: datetime, share: float) -> None:
    n = len(run.lines)
    for _ in range(max(3, round(n / 8 * share))):
        _plan_ticket(run, run.rng.choice(run.lines), _daytime(run, lo, hi))
    for i in range(max(3, round(n / 6 * share))):
        trigger = run.rng.choice((Trigger.SHOP, Trigger.HOTLINE))
        line = run.rng.choice(run.lines)
        run.at(_daytime(run, lo, hi), _contact(run, line, trigger, f"{month}-{i}"))
    _plan_spam(run, month, lo, hi, share)
    _plan_recharges(run, month, lo, hi, share)
    _plan_orders(run, lo, hi, share)


def _opt_outs(run: _Run) -> None:
    for line in run.lines:
        if run.rng.random() < 0.06:
            charging.set_data_reminder(
                run.db, line.msisdn, False, idempotency_key=run.key("reminder", line.msisdn)
            )
            run.count("reminder opt-outs")


def _plan_sp_subscriptions(run: _Run, start: datetime) -> None:
    """Some lines take SP services (consent by ``Y``) early in the window: the base of
    ``SP_COMPLAINT_RATE``."""
    for line in run.lines:
        x = run.rng.random()
        sp = (UNCONFIRMED_SP, "YX") if x < 0.12 else ("1066000001", "YY") if x < 0.2 else None
        if sp is None:
            continue

        def step(now: datetime, line: Line = line, sp: tuple[str, str] = sp) -> None:
            partners.request(run.db, line.msisdn, sp[0], sp[1], channel="sms", now=now)
            orders.confirm(run.db, line.msisdn, now=now + timedelta(minutes=2))
            run.count("SP subscriptions")

        run.at(_daytime(run, start, start + timedelta(days=5)), step)
