"""Prepaid accounts: every balance change is one ledger entry, posted idempotently."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain.ledger import EntryKind, apply_delta, barring_after, signed_amount
from telcare.domain.msisdn import normalise_msisdn
from telcare.services import lookups
from telcare.services.idempotency import check_key, run_once
from telcare.services.tmf_hub import resources as tmf_events
from telcare.store import bulk
from telcare.store.models import Account, LedgerEntry
from telcare.store.tmf_models import BalanceReservation
from telcare.store.uow import Database, UnitOfWork


@dataclass(frozen=True, slots=True)
class Posting:
    entry_id: int
    msisdn: str
    kind: str
    amount_fen: int  # signed delta
    balance_fen: int
    replayed: bool

    @classmethod
    def from_result(cls, result: dict[str, Any]) -> Posting:
        return cls(**{k: result[k] for k in cls.__slots__})


def post_entry(
    session: Session,
    account: Account,
    kind: EntryKind,
    delta_fen: int,
    *,
    reason: str = "",
    reference: str | None = None,
    allow_negative: bool = False,
    held_fen: int | None = None,
) -> LedgerEntry:
    """Append one entry and move the (locked) account's running balance with it;
    a balance back above zero lifts a barring mark. A debit may not take what live
    reservations hold (``held_fen``, default: looked up). (Many postings at once:
    :func:`post_bulk`.)"""
    if held_fen is None:
        held_fen = held(session, account.subscriber_id) if delta_fen < 0 else 0
    account.balance_fen = apply_delta(
        account.balance_fen, delta_fen, allow_negative=allow_negative, held_fen=held_fen
    )
    account.barring_pending = barring_after(
        account.balance_fen, bool(account.barring_pending), may_mark=False
    )
    values = _entry(account.id, kind, delta_fen, account.balance_fen, reason, reference)
    entry = LedgerEntry(**values)
    session.add(entry)
    session.flush()
    if kind is EntryKind.RECHARGE:
        tmf_events.topup_created(
            session, entry.id, account.subscriber_id, delta_fen, reason, clock.now()
        )
    return entry


_HELD = (
    select(func.coalesce(func.sum(BalanceReservation.amount_fen), 0))
    .where(
        BalanceReservation.subscriber_id == bindparam("subscriber_id"),
        BalanceReservation.status == "created",
        BalanceReservation.expires_at > bindparam("now"),
    )
    .scalar_subquery()
)


def held(session: Session, subscriber_id: int, now: datetime | None = None) -> int:
    """What the line's live (unexpired) balance reservations hold, in fen: the one
    figure every funds check subtracts (see :func:`telcare.domain.ledger.available`)."""
    found = session.execute(
        select(_HELD), {"subscriber_id": subscriber_id, "now": now or clock.now()}
    ).scalar_one()
    return int(found or 0)


def held_many(
    session: Session, subscriber_ids: Iterable[int], now: datetime | None = None
) -> dict[int, int]:
    """:func:`held` of many lines in one query (lines holding nothing are absent)."""
    r = BalanceReservation
    rows = session.execute(
        select(r.subscriber_id, func.sum(r.amount_fen))
        .where(
            r.subscriber_id.in_(list(subscriber_ids)),
            r.status == "created",
            r.expires_at > (now or clock.now()),
        )
        .group_by(r.subscriber_id)
    )
    return {int(sid): int(total or 0) for sid, total in rows}


# debit's statements, built once (see lookups)
_DEBIT = (
    update(Account)
    .where(Account.subscriber_id == bindparam("holder"))
    .values(balance_fen=Account.balance_fen + bindparam("delta"))
    .returning(Account.id, Account.balance_fen)
)
_ADD_ENTRY = insert(LedgerEntry)


def debit(
    session: Session,
    subscriber_id: int,
    kind: EntryKind,
    delta_fen: int,
    *,
    reason: str = "",
    reference: str | None = None,
) -> int:
    """:func:`post_entry` of a debit in two statements and no ORM objects (the order
    hot path); the new balance.

    One ``UPDATE … RETURNING`` moves and row-locks the balance; the ledger rule
    (:func:`apply_delta`) then checks the move, and a refused one (an overdraft)
    raises, so the caller's transaction rolls back and nothing is written. A debit
    never lifts a barring mark, so the mark is left as it is.
    """
    assert delta_fen < 0, "debit posts debits; credits go through post_entry"
    account_id, after = session.execute(_DEBIT, {"holder": subscriber_id, "delta": delta_fen}).one()
    apply_delta(after - delta_fen, delta_fen, held_fen=held(session, subscriber_id))
    session.execute(_ADD_ENTRY, _entry(account_id, kind, delta_fen, after, reason, reference))
    return int(after)


@dataclass(slots=True)
class HeldAccount:
    """An account row locked by :func:`lock_many`; :func:`post_bulk` moves it."""

    id: int
    balance_fen: int
    barring_pending: bool


_LOCK_MANY = (
    select(Account.id, Account.balance_fen, Account.barring_pending)
    .where(Account.id.in_(bindparam("ids", expanding=True)))
    .order_by(Account.id)
    .with_for_update()
)


def lock_many(session: Session, account_ids: Iterable[int]) -> dict[int, HeldAccount]:
    """Lock these accounts (in id order: no deadlock between bulk posters)."""
    ids = sorted(set(account_ids))
    held: dict[int, HeldAccount] = {}
    for i in range(0, len(ids), 5000):
        for row in session.execute(_LOCK_MANY, {"ids": ids[i : i + 5000]}):
            held[row.id] = HeldAccount(row.id, row.balance_fen, row.barring_pending)
    return held


@dataclass(frozen=True, slots=True)
class BulkPosting:
    account: HeldAccount
    kind: EntryKind
    delta_fen: int
    reason: str
    reference: str | None


def post_bulk(
    session: Session, postings: Sequence[BulkPosting], *, allow_negative: bool = False
) -> list[HeldAccount]:
    """:func:`post_entry` for many postings in two statements (usage ingest).

    Entries are applied in order; a prepaid account left at or below zero is
    marked for barring. The newly marked accounts are returned.
    """
    entries = []
    touched: dict[int, HeldAccount] = {}
    for p in postings:
        a = p.account
        a.balance_fen = apply_delta(a.balance_fen, p.delta_fen, allow_negative=allow_negative)
        entries.append(_entry(a.id, p.kind, p.delta_fen, a.balance_fen, p.reason, p.reference))
        touched[a.id] = a
    barred = []
    for held in touched.values():
        was = held.barring_pending
        held.barring_pending = barring_after(held.balance_fen, was, may_mark=True)
        if held.barring_pending and not was:
            barred.append(held)
    bulk.insert_rows(session, LedgerEntry, entries)
    bulk.update_rows(
        session,
        Account,
        "id",
        [
            {"id": a.id, "balance_fen": a.balance_fen, "barring_pending": a.barring_pending}
            for a in touched.values()
        ],
    )
    return barred


def _entry(
    account_id: int,
    kind: EntryKind,
    delta_fen: int,
    balance_after_fen: int,
    reason: str,
    reference: str | None,
) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "kind": kind.value,
        "amount_fen": delta_fen,
        "balance_after_fen": balance_after_fen,
        "reason": reason[:200],
        "reference": reference,
        "created_at": clock.now(),
    }


def post(
    db: Database,
    msisdn: str,
    kind: EntryKind,
    amount_fen: int,
    *,
    idempotency_key: str,
    reason: str = "",
    credit: bool | None = None,
    allow_negative: bool = False,
) -> Posting:
    """Post ``amount_fen`` (positive) of ``kind`` to the subscriber's account, once per key.

    Everything is validated before the transaction opens, so a refused request
    writes nothing.
    """
    number = normalise_msisdn(msisdn)
    delta = signed_amount(kind, amount_fen, credit=credit)
    check_key(idempotency_key)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        sub = lookups.subscriber(uow.session, number)
        account = lookups.account_for_update(uow.session, sub.id)
        entry = post_entry(
            uow.session, account, kind, delta, reason=reason, allow_negative=allow_negative
        )
        return {
            "entry_id": entry.id,
            "msisdn": number,
            "kind": kind.value,
            "amount_fen": delta,
            "balance_fen": account.balance_fen,
        }

    payload = {"msisdn": number, "kind": kind.value, "delta": delta, "reason": reason}
    return Posting.from_result(run_once(db, f"ledger.{kind.value}", idempotency_key, payload, work))


def recharge(
    db: Database, msisdn: str, amount_fen: int, *, idempotency_key: str, reason: str = "recharge"
) -> Posting:
    return post(
        db, msisdn, EntryKind.RECHARGE, amount_fen, idempotency_key=idempotency_key, reason=reason
    )


def charge(
    db: Database, msisdn: str, amount_fen: int, *, idempotency_key: str, reason: str = "charge"
) -> Posting:
    return post(
        db, msisdn, EntryKind.CHARGE, amount_fen, idempotency_key=idempotency_key, reason=reason
    )


def refund(
    db: Database, msisdn: str, amount_fen: int, *, idempotency_key: str, reason: str = "refund"
) -> Posting:
    return post(
        db, msisdn, EntryKind.REFUND, amount_fen, idempotency_key=idempotency_key, reason=reason
    )


def adjust(
    db: Database, msisdn: str, amount_fen: int, *, credit: bool, idempotency_key: str, reason: str
) -> Posting:
    return post(
        db,
        msisdn,
        EntryKind.ADJUSTMENT,
        amount_fen,
        credit=credit,
        idempotency_key=idempotency_key,
        reason=reason,
        allow_negative=True,
    )


def ledger_sum(session: Session, account_id: int) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(
            LedgerEntry.account_id == account_id
        )
    )
    return int(total or 0)
