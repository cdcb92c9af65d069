"""Recharge cards: each usable once, PINs hashed, wrong PINs limited per line and per card.

The limit: ``MAX_FAILURES_PER_DAY`` wrong card numbers or PINs per line per operator day
(Beijing time), after which the line may try no card, and the same number of wrong PINs
per card number per day from all lines together, after which nobody may try that card.

It holds under concurrency because an attempt is counted *before* its PIN is checked: one
statement (``INSERT … ON CONFLICT DO UPDATE SET failures = failures + 1 WHERE failures <
limit RETURNING failures``) takes a slot on the line's counter and on the card's, or finds
none free and refuses. A right PIN gives its slots back in the transaction that credits the
account, so only wrong ones stay counted; so does an attempt that ends otherwise (card used,
replayed key, any error). On PostgreSQL the statement locks the counter row until commit;
SQLite serialises writers (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain.errors import Conflict, Locked, WrongSecret
from telcare.domain.ledger import EntryKind
from telcare.domain.messages import N_
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
MAX_CARD_NUMBER = 20  # recharge_card.number


def _today(now: datetime) -> date:
    return now.astimezone(OPERATOR_TZ).date()


def failures_today(db: Database, msisdn: str, now: datetime | None = None) -> int:
    """Wrong card PINs counted against the line ``msisdn`` today."""
    day = _today(now or clock.now())
    with db.uow() as uow:
        row = uow.session.get(m.SecretAttempt, (msisdn, PURPOSE, day))
        return row.failures if row else 0


def card_failures_today(db: Database, card: str, now: datetime | None = None) -> int:
    """Wrong PINs counted against the card number ``card`` today, from all lines."""
    day = _today(now or clock.now())
    with db.uow() as uow:
        row = uow.session.get(m.CardAttempt, (card, day))
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

    A wrong card number or PIN counts as a failure of the line and of the card number;
    after five in a day on either, further attempts are refused until tomorrow.
    """
    number = normalise_msisdn(msisdn)
    now = now or clock.now()
    attempt = _Attempt(number, card if _may_be_card(card) else None, _today(now))
    left = _take_slot(db, attempt)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        s = uow.session
        sub = lookups.subscriber(s, number)
        row = s.scalars(
            select(m.RechargeCard).where(m.RechargeCard.number == card).with_for_update()
        ).one_or_none()
        if row is None or not verify_secret(pin, row.pin_hash):
            raise WrongSecret(N_("card.wrong"), left=left)
        if row.status != "unused":
            raise Conflict(N_("card.used"))
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
        _give_back(s, attempt)  # with the credit: a right PIN is no failure
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
        raise  # the slot taken stays: one failure counted
    except Exception:
        _give_back_alone(db, attempt)
        raise
    if result["replayed"]:
        _give_back_alone(db, attempt)  # ``work`` did not run
    return Posting.from_result(result)


# --- the counters -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Attempt:
    msisdn: str
    card: str | None  # None: the input cannot be a card number, only the line counts
    day: date

    def counters(self) -> list[tuple[Table, dict[str, Any]]]:
        line = (_table(m.SecretAttempt), {"msisdn": self.msisdn, "purpose": PURPOSE})
        found = (
            [line] if self.card is None else [line, (_table(m.CardAttempt), {"card": self.card})]
        )
        return [(table, {**key, "day": self.day}) for table, key in found]


def _may_be_card(card: str) -> bool:
    return 0 < len(card) <= MAX_CARD_NUMBER and card.isascii() and card.isdigit()


def _table(model: type[m.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _take_slot(db: Database, attempt: _Attempt) -> int:
    """Count the attempt on the line and the card (committed); how many are left after it.

    Refused with ``Locked`` when either has no attempt left today (the line first)."""
    used = 0
    with db.uow() as uow:
        for table, key in attempt.counters():
            after = _bump(uow.session, table, key)
            if after is None:  # rolled back: nothing counted
                locked = (
                    N_("card.locked") if table.name == "secret_attempt" else N_("card.card_locked")
                )
                raise Locked(locked, limit=MAX_FAILURES_PER_DAY)
            used = max(used, after)
        uow.commit()
    return MAX_FAILURES_PER_DAY - used


def _bump(s: Session, table: Table, key: dict[str, Any]) -> int | None:
    """``failures + 1`` if below the limit (the row created at 1); the new count or None."""
    dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table)
        .values(**key, failures=1)
        .on_conflict_do_update(
            index_elements=list(key),
            set_={"failures": table.c.failures + 1},
            where=table.c.failures < MAX_FAILURES_PER_DAY,
        )
        .returning(table.c.failures)
    )
    found: int | None = s.execute(statement).scalar_one_or_none()
    return found


def _give_back(s: Session, attempt: _Attempt) -> None:
    """Uncount the attempt (a row back at zero is removed)."""
    for table, key in attempt.counters():
        where: ColumnElement[bool] = and_(*(table.c[k] == v for k, v in key.items()))
        s.execute(update(table).where(where).values(failures=table.c.failures - 1))
        s.execute(delete(table).where(where, table.c.failures <= 0))


def _give_back_alone(db: Database, attempt: _Attempt) -> None:
    with db.uow() as uow:
        _give_back(uow.session, attempt)
        uow.commit()
