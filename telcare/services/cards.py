"""Recharge cards: each usable once, PINs hashed, wrong PINs limited per subscriber per day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from telcare import clock
from telcare.domain.errors import Conflict, Locked, WrongSecret
from telcare.domain.ledger import EntryKind
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import lookups
from telcare.services.accounts import Posting, post_entry
from telcare.services.hashing import verify_secret
from telcare.services.idempotency import run_once
from telcare.store import models as m
from telcare.store.uow import Database, UnitOfWork

MAX_FAILURES_PER_DAY = 5
PURPOSE = "card"


def _today(now: datetime) -> date:
    return now.astimezone(OPERATOR_TZ).date()


def failures_today(db: Database, msisdn: str, now: datetime | None = None) -> int:
    day = _today(now or clock.now())
    with db.uow() as uow:
        row = uow.session.get(m.SecretAttempt, (msisdn, PURPOSE, day))
        return row.failures if row else 0


def recharge_with_card(
    db: Database,
    msisdn: str,
    card: str,
    pin: str,
    *,
    idempotency_key: str,
    now: datetime | None = None,
) -> Posting:
    """Credit the card's face value to the subscriber's account and use the card up.

    A wrong card number or PIN counts as a failure (committed on its own); after
    five failures in a day further attempts are refused until tomorrow.
    """
    number = normalise_msisdn(msisdn)
    now = now or clock.now()
    used = failures_today(db, number, now)
    if used >= MAX_FAILURES_PER_DAY:
        raise Locked("card.locked", limit=MAX_FAILURES_PER_DAY)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        s = uow.session
        sub = lookups.subscriber(s, number)
        row = s.scalars(
            select(m.RechargeCard).where(m.RechargeCard.number == card).with_for_update()
        ).one_or_none()
        if row is None or not verify_secret(pin, row.pin_hash):
            raise WrongSecret("card.wrong", left=MAX_FAILURES_PER_DAY - used - 1)
        if row.status != "unused":
            raise Conflict("card.used")
        row.status, row.used_by, row.used_at = "used", number, now
        account = lookups.account_for_update(s, sub.id)
        entry = post_entry(
            s,
            account,
            EntryKind.RECHARGE,
            row.face_value_fen,
            reason=f"充值卡 {card[:4]}…{card[-4:]}",
            reference=f"card:{card}",
        )
        return {
            "entry_id": entry.id,
            "msisdn": number,
            "kind": "recharge",
            "amount_fen": row.face_value_fen,
            "balance_fen": account.balance_fen,
        }

    try:
        result = run_once(
            db, "card.recharge", idempotency_key, {"card": card, "msisdn": number}, work
        )
    except WrongSecret:
        _count_failure(db, number, now)
        raise
    return Posting.from_result(result)


def _count_failure(db: Database, msisdn: str, now: datetime) -> None:
    with db.uow() as uow:
        key = (msisdn, PURPOSE, _today(now))
        row = uow.session.get(m.SecretAttempt, key)
        if row is None:
            uow.session.add(m.SecretAttempt(msisdn=msisdn, purpose=PURPOSE, day=key[2], failures=1))
        else:
            row.failures += 1
        uow.commit()
