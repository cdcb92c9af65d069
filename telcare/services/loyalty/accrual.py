"""Earning points for charges, refunds and recharges, by rule, tier and campaign."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare.domain import loyalty as rules
from telcare.domain.ledger import PointsKind
from telcare.services import lookups
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store.uow import Database

from .days import _day_start, _local_day, _now
from .points import BATCH_ACCOUNTS, _points_account, post_points


@dataclass
class AccrualSummary:
    entries: int = 0
    accounts: int = 0
    points: int = 0


@dataclass(frozen=True, slots=True)
class _Data:
    accrual: list[rules.AccrualRule]
    campaigns: list[rules.Campaign]
    tiers: list[rules.Tier]


def _load_rules(s: Session) -> _Data:
    return _Data(
        [
            rules.AccrualRule(
                rules.Source(r.source),
                Decimal(r.points_per_yuan),
                r.brand,
                r.tier,
                r.valid_from,
                r.valid_to,
            )
            for r in s.scalars(select(lm.AccrualRule))
        ],
        [
            rules.Campaign(
                c.code,
                c.name_zh,
                c.name_en,
                c.starts_on,
                c.ends_on,
                Decimal(c.multiplier),
                Decimal(c.bonus_per_yuan),
                rules.Source(c.source),
                frozenset(c.brands) if c.brands is not None else None,
            )
            for c in s.scalars(select(lm.LoyaltyCampaign))
        ],
        [
            rules.Tier(t.code, t.name_zh, t.name_en, t.min_monthly_spend_fen)
            for t in s.scalars(select(lm.LoyaltyTier))
        ],
    )


_EARNING = ("charge", "refund", "recharge")


def _pending_entries(
    s: Session, until: datetime, account_ids: list[int] | None
) -> list[m.LedgerEntry]:
    q = (
        select(m.LedgerEntry)
        .outerjoin(lm.PointsAccrual, lm.PointsAccrual.ledger_entry_id == m.LedgerEntry.id)
        .where(
            lm.PointsAccrual.ledger_entry_id.is_(None),
            m.LedgerEntry.kind.in_(_EARNING),
            m.LedgerEntry.created_at < until,
        )
        .order_by(m.LedgerEntry.account_id, m.LedgerEntry.id)
    )
    if account_ids is not None:
        q = q.where(m.LedgerEntry.account_id.in_(account_ids))
    return list(s.scalars(q))


def _month_spend(s: Session, account_id: int, day: date) -> int:
    """What the account spent (charges less refunds) in the calendar month before ``day``."""
    start, end = rules.previous_month(day)
    total = s.scalar(
        select(func.coalesce(func.sum(m.LedgerEntry.amount_fen), 0)).where(
            m.LedgerEntry.account_id == account_id,
            m.LedgerEntry.kind.in_(tuple(rules.SPEND_KINDS)),
            m.LedgerEntry.created_at >= _day_start(start),
            m.LedgerEntry.created_at < _day_start(end),
        )
    )
    return -int(total or 0)


def accrue(
    db: Database,
    *,
    msisdn: str | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> AccrualSummary:
    """Earn points for every charge, refund and recharge not yet counted (before ``until``).

    Idempotent per ledger entry: each earns once (a mark row with the entry's id as
    key, written with the points under the account's lock), so running it after
    every usage ingest or recharge, or twice, or concurrently, is safe. One
    transaction per batch of accounts.
    """
    now = _now(now)
    until = until or now
    summary = AccrualSummary()
    with db.uow() as uow:
        s = uow.session
        only = None
        if msisdn is not None:
            only = [lookups.subscriber(s, msisdn).account.id]
        account_ids = sorted({e.account_id for e in _pending_entries(s, until, only)})
    for i in range(0, len(account_ids), BATCH_ACCOUNTS):
        batch = account_ids[i : i + BATCH_ACCOUNTS]
        for attempt in (1, 2):
            try:
                with db.uow() as uow:
                    _accrue_batch(uow.session, batch, until, now, summary)
                    uow.commit()
                break
            except IntegrityError:  # a concurrent run marked some entries first
                if attempt == 2:
                    raise
    return summary


def _accrue_batch(
    s: Session, account_ids: list[int], until: datetime, now: datetime, summary: AccrualSummary
) -> None:
    data = _load_rules(s)
    accounts = {
        a.id: a
        for a in s.scalars(
            select(m.Account)
            .where(m.Account.id.in_(account_ids))
            .order_by(m.Account.id)
            .with_for_update()
        )
    }
    brands = dict(
        (r[0], r[1])
        for r in s.execute(
            select(m.Account.id, m.Subscriber.brand)
            .join(m.Subscriber, m.Subscriber.id == m.Account.subscriber_id)
            .where(m.Account.id.in_(account_ids))
        )
    )
    by_account: dict[int, list[m.LedgerEntry]] = defaultdict(list)
    for entry in _pending_entries(s, until, account_ids):
        by_account[entry.account_id].append(entry)
    for account_id, entries in sorted(by_account.items()):
        account = accounts[account_id]
        tiers: dict[str, str | None] = {}
        milli_total = 0
        for e in entries:
            day = _local_day(e.created_at)
            month = rules.month_key(day)
            if month not in tiers:
                tiers[month] = rules.tier_for(_month_spend(s, account_id, day), data.tiers)
            source = rules.source_of(e.kind)
            assert source is not None
            r = rules.rate(
                data.accrual, data.campaigns, source, brands[account_id], tiers[month], day
            )
            milli = rules.milli_points(rules.spend_of(e.kind, e.amount_fen), r)
            s.add(
                lm.PointsAccrual(
                    ledger_entry_id=e.id, account_id=account_id, milli_points=milli, created_at=now
                )
            )
            milli_total += milli
        s.flush()
        pa = _points_account(s, account_id)
        before, pa.accrued_milli = pa.accrued_milli, pa.accrued_milli + milli_total
        step = rules.points_step(before, pa.accrued_milli)
        if step < 0:  # refunds take back earned points, but never below zero
            step = max(step, -account.points)
        if step:
            kind = PointsKind.ACCRUAL if step > 0 else PointsKind.ADJUSTMENT
            post_points(s, account, kind, step, reason=f"积分累积 {len(entries)}笔", now=now)
            summary.points += step
        summary.entries += len(entries)
        summary.accounts += 1
