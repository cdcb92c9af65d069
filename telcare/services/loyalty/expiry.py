"""Expiring the points of a year still unused two years on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from telcare.domain import loyalty as rules
from telcare.domain.errors import InvalidInput
from telcare.domain.ledger import PointsKind
from telcare.domain.messages import N_
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store.uow import Database

from .days import _local_day, _now
from .points import BATCH_ACCOUNTS, _points_account, post_points


@dataclass
class ExpirySummary:
    year: int
    accounts: int = 0
    points: int = 0


def expire(db: Database, earned_year: int, *, now: datetime | None = None) -> ExpirySummary:
    """Expire the points earned in ``earned_year`` still unused when ``earned_year + 2``
    began (operator time). Once per account and year; refused before that day."""
    now = _now(now)
    cutoff = rules.expiry_day(earned_year)
    if _local_day(now) < cutoff:
        raise InvalidInput(N_("loyalty.expiry_early"), year=earned_year, day=cutoff.isoformat())
    summary = ExpirySummary(earned_year)
    with db.uow() as uow:
        ids = list(
            uow.session.scalars(
                select(m.Account.id)
                .outerjoin(lm.PointsAccount, lm.PointsAccount.account_id == m.Account.id)
                .where(
                    m.Account.points > 0,
                    (lm.PointsAccount.expired_through_year.is_(None))
                    | (lm.PointsAccount.expired_through_year < earned_year),
                )
                .order_by(m.Account.id)
            )
        )
    for i in range(0, len(ids), BATCH_ACCOUNTS):
        with db.uow() as uow:
            s = uow.session
            for account in s.scalars(
                select(m.Account)
                .where(m.Account.id.in_(ids[i : i + BATCH_ACCOUNTS]))
                .order_by(m.Account.id)
                .with_for_update()
            ):
                pa = _points_account(s, account.id)
                if pa.expired_through_year is not None and pa.expired_through_year >= earned_year:
                    continue
                moves = [
                    rules.PointsMove(p, _local_day(at), k)
                    for p, at, k in s.execute(
                        select(m.PointsEntry.points, m.PointsEntry.created_at, m.PointsEntry.kind)
                        .where(m.PointsEntry.account_id == account.id)
                        .order_by(m.PointsEntry.id)
                    )
                ]
                gone = rules.points_to_expire(moves, earned_year, account.points)
                if gone:
                    post_points(
                        s,
                        account,
                        PointsKind.EXPIRY,
                        -gone,
                        reason=f"{earned_year}年积分到期",
                        now=now,
                    )
                    summary.points += gone
                    summary.accounts += 1
                pa.expired_through_year = earned_year
            uow.commit()
    return summary
