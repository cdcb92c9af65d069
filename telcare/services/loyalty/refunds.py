"""Expired, unused merchant codes give their points back, once per code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare.domain.ledger import PointsKind
from telcare.domain.messages import render
from telcare.services import lookups
from telcare.services.notify import queue_sms
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store.uow import Database

from .days import _now
from .points import post_points


@dataclass
class CodeRefundSummary:
    codes: int = 0
    points: int = 0


def refund_expired_codes(db: Database, *, now: datetime | None = None) -> CodeRefundSummary:
    """Give back the points of every code that expired unused, once per code.

    Idempotent: a code refunded has a ``redemption_code_refund`` row (its id is the
    key), written with the reversal under the code's and the account's row locks;
    a concurrent run either waits and finds it, or fails on the key and moves on.
    """
    now = _now(now)
    summary = CodeRefundSummary()
    with db.uow() as uow:
        ids = list(
            uow.session.scalars(
                select(lm.RedemptionCode.id)
                .outerjoin(lm.CodeRefund, lm.CodeRefund.code_id == lm.RedemptionCode.id)
                .where(
                    lm.RedemptionCode.used_at.is_(None),
                    lm.RedemptionCode.expires_at <= now,
                    lm.CodeRefund.code_id.is_(None),
                )
                .order_by(lm.RedemptionCode.id)
            )
        )
    for code_id in ids:
        try:
            with db.uow() as uow:
                points = _refund_code(uow.session, code_id, now)
                uow.commit()
        except IntegrityError:  # a concurrent run refunded it first
            continue
        if points:
            summary.codes += 1
            summary.points += points
    return summary


def _refund_code(s: Session, code_id: int, now: datetime) -> int:
    row = s.scalars(
        select(lm.RedemptionCode).where(lm.RedemptionCode.id == code_id).with_for_update()
    ).one()
    if row.used_at is not None or row.expires_at > now:
        return 0
    if s.get(lm.CodeRefund, code_id) is not None:
        return 0
    sub = s.get(m.Subscriber, row.subscriber_id)
    gift = s.get(m.Gift, row.gift_code)
    assert sub is not None and gift is not None
    account = lookups.account_for_update(s, sub.id)
    entry = post_points(
        s, account, PointsKind.REVERSAL, row.points, reason=f"兑换码{row.code}过期退还", now=now
    )
    s.add(lm.CodeRefund(code_id=row.id, points_entry_id=entry.id, created_at=now))
    s.flush()
    lang = sub.language
    queue_sms(
        s,
        sub.msisdn,
        render(
            "loyalty.code_refunded",
            lang,
            code=row.code,
            name=gift.name_en if lang == "en" else gift.name_zh,
            points=row.points,
        ),
        dedupe_key=f"loyalty-code-refund:{row.id}",
        now=now,
    )
    return row.points
