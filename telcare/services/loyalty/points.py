"""The points ledger: every points movement, its sum and history, the accrual state row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from telcare.domain.errors import InvalidInput, NotEligible
from telcare.domain.ledger import PointsKind
from telcare.domain.messages import N_
from telcare.services import lookups
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store.uow import Database

BATCH_ACCOUNTS = 500


def post_points(
    s: Session,
    account: m.Account,
    kind: PointsKind,
    delta: int,
    *,
    reason: str,
    now: datetime,
) -> m.PointsEntry:
    """Append one points entry and move the (locked) account's points with it.

    A debit beyond the account's points is refused (nothing written).
    """
    if delta == 0:
        raise InvalidInput(N_("loyalty.zero_points"))
    if account.points + delta < 0:
        raise NotEligible(N_("loyalty.points_short"), code="-", need=-delta, have=account.points)
    account.points += delta
    entry = m.PointsEntry(
        account_id=account.id,
        kind=kind.value,
        points=delta,
        points_after=account.points,
        reason=reason[:200],
        created_at=now,
    )
    s.add(entry)
    s.flush()
    return entry


def points_sum(s: Session, account_id: int) -> int:
    total = s.scalar(
        select(func.coalesce(func.sum(m.PointsEntry.points), 0)).where(
            m.PointsEntry.account_id == account_id
        )
    )
    return int(total or 0)


@dataclass(frozen=True, slots=True)
class PointsRow:
    created_at: datetime
    kind: str
    points: int
    points_after: int
    reason: str


def spendable_points(db: Database, msisdn: str) -> int:
    """The points a redemption would spend now: the balance with every accrual due so far
    counted first (the same accrual a redemption runs), so what is shown equals what can
    be spent."""
    from .accrual import accrue  # accrual imports this module

    accrue(db, msisdn=msisdn)
    with db.uow() as uow:
        return lookups.subscriber(uow.session, msisdn).account.points


def points_history(db: Database, msisdn: str, limit: int = 20) -> list[PointsRow]:
    """The subscriber's latest points entries, newest first."""
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        rows = uow.session.scalars(
            select(m.PointsEntry)
            .where(m.PointsEntry.account_id == sub.account.id)
            .order_by(m.PointsEntry.id.desc())
            .limit(min(max(limit, 1), 100))
        )
        return [PointsRow(r.created_at, r.kind, r.points, r.points_after, r.reason) for r in rows]


def _points_account(s: Session, account_id: int) -> lm.PointsAccount:
    row = s.get(lm.PointsAccount, account_id)
    if row is None:
        row = lm.PointsAccount(account_id=account_id, accrued_milli=0, expired_through_year=None)
        s.add(row)
        s.flush()
    return row
