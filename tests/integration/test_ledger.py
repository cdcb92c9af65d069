"""Ledger invariants and idempotency on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from telcare.domain.errors import (
    DomainError,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidAmount,
    InvalidMsisdn,
    UnknownSubscriber,
)
from telcare.domain.ledger import EntryKind
from telcare.domain.money import MAX_OPERATION_FEN
from telcare.services import accounts, selfcare
from telcare.store.models import Account, IdempotencyRecord, LedgerEntry, Subscriber
from telcare.store.uow import Database, UnitOfWork

MSISDN = "13800138000"

amounts = st.one_of(
    st.integers(min_value=1, max_value=20_000),
    st.sampled_from([0, -1, MAX_OPERATION_FEN, MAX_OPERATION_FEN + 1]),
)
operations = st.lists(
    st.tuples(
        st.sampled_from(list(EntryKind)),
        amounts,
        st.booleans(),  # credit, for adjustments
        st.integers(min_value=0, max_value=5),  # key slot: repeats replay or conflict
    ),
    min_size=1,
    max_size=12,
)


def balance_and_ledger(db: Database) -> list[tuple[int, int]]:
    with db.uow() as uow:
        sums = dict(
            uow.session.execute(
                select(LedgerEntry.account_id, func.sum(LedgerEntry.amount_fen)).group_by(
                    LedgerEntry.account_id
                )
            ).all()
        )
        return [
            (a.balance_fen, int(sums.get(a.id, 0))) for a in uow.session.scalars(select(Account))
        ]


def balance(db: Database) -> int:
    return selfcare.overview(db, MSISDN).balance_fen


def table_counts(db: Database) -> tuple[int, int]:
    with db.uow() as uow:
        return (
            uow.session.scalar(select(func.count()).select_from(LedgerEntry)) or 0,
            uow.session.scalar(select(func.count()).select_from(IdempotencyRecord)) or 0,
        )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_balance_always_equals_the_sum_of_its_ledger(db: Database, ops: list) -> None:
    run = uuid.uuid4().hex
    expected = balance(db)
    used: dict[int, tuple[EntryKind, int, bool]] = {}
    for kind, amount, credit, slot in ops:
        key = f"{run}-{slot}"
        call = (kind, amount, credit if kind is EntryKind.ADJUSTMENT else False)
        try:
            posting = accounts.post(
                db,
                MSISDN,
                kind,
                amount,
                idempotency_key=key,
                credit=credit if kind is EntryKind.ADJUSTMENT else None,
                allow_negative=kind is EntryKind.ADJUSTMENT,
            )
        except InvalidAmount:
            assert not 0 < amount <= MAX_OPERATION_FEN
            continue
        except InsufficientFunds:
            assert kind is EntryKind.CHARGE and amount > expected and slot not in used
            continue
        except IdempotencyConflict:
            assert slot in used and used[slot] != call
            continue
        if slot in used:
            assert posting.replayed and used[slot] == call
            continue
        assert not posting.replayed
        used[slot] = call
        expected += posting.amount_fen
        assert posting.balance_fen == expected
    assert balance(db) == expected
    for cached, summed in balance_and_ledger(db):
        assert cached == summed


def test_same_key_twice_has_one_effect(db: Database) -> None:
    before = balance(db)
    first = accounts.recharge(db, MSISDN, 5000, idempotency_key="k-1")
    second = accounts.recharge(db, MSISDN, 5000, idempotency_key="k-1")
    assert (first.replayed, second.replayed) == (False, True)
    assert first.entry_id == second.entry_id
    assert balance(db) == before + 5000
    with pytest.raises(IdempotencyConflict):
        accounts.recharge(db, MSISDN, 6000, idempotency_key="k-1")
    with pytest.raises(IdempotencyConflict):
        accounts.charge(db, MSISDN, 5000, idempotency_key="k-1")


def recharge_together(db: Database, key: str) -> list[accounts.Posting]:
    """Two threads post the same recharge with the same key at the same moment."""
    barrier = threading.Barrier(2)

    def hit(_: int) -> accounts.Posting:
        barrier.wait()
        return accounts.recharge(db, MSISDN, 100, idempotency_key=key)

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(hit, range(2)))


@pytest.mark.postgres
def test_concurrent_requests_with_one_key_have_one_effect(pg_schema_url: str) -> None:
    from telcare.demo.seed import seed_demo
    from telcare.store.migrate import upgrade

    db = Database(pg_schema_url)
    upgrade(pg_schema_url, db.engine)
    seed_demo(db, subscribers=3)
    before = balance(db)
    for round_ in range(8):
        results = recharge_together(db, f"concurrent-{round_}")
        assert sorted(r.replayed for r in results) == [False, True]
        assert results[0].entry_id == results[1].entry_id
    assert balance(db) == before + 8 * 100
    db.dispose()


@pytest.mark.parametrize(
    ("msisdn", "amount", "error"),
    [
        ("1380013800", 100, InvalidMsisdn),
        ("10086", 100, InvalidMsisdn),
        ("13800138000", 0, InvalidAmount),
        ("13800138000", -100, InvalidAmount),
        ("13800138000", MAX_OPERATION_FEN + 1, InvalidAmount),
        ("13800138001", 100, UnknownSubscriber),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(
    db: Database, msisdn: str, amount: int, error: type[DomainError]
) -> None:
    before = table_counts(db)
    with pytest.raises(error):
        accounts.recharge(db, msisdn, amount, idempotency_key=f"bad-{uuid.uuid4()}")
    assert table_counts(db) == before


def test_overdraw_refused_and_writes_nothing(db: Database) -> None:
    before = table_counts(db)
    with pytest.raises(InsufficientFunds):
        accounts.charge(db, "13700137000", 51, idempotency_key="overdraw")
    assert table_counts(db) == before
    assert accounts.charge(db, "13700137000", 50, idempotency_key="exact").balance_fen == 0


def test_a_debit_moves_the_balance_with_its_entry_or_not_at_all(db: Database) -> None:
    with db.uow() as uow:
        sub_id = subscriber_id(uow, "13700137000")  # 0.50 yuan
    before = table_counts(db)
    with pytest.raises(InsufficientFunds), db.uow() as uow:
        accounts.debit(uow.session, sub_id, EntryKind.CHARGE, -51, reason="too much")
    assert table_counts(db) == before
    assert selfcare.overview(db, "13700137000").balance_fen == 50
    with db.uow() as uow:
        after = accounts.debit(uow.session, sub_id, EntryKind.CHARGE, -50, reason="all of it")
        uow.commit()
    assert after == 0
    assert all(b == s for b, s in balance_and_ledger(db))


@pytest.mark.postgres
def test_concurrent_debits_cannot_overdraw(pg_schema_url: str) -> None:
    from telcare.demo.seed import seed_demo
    from telcare.store.migrate import upgrade

    db = Database(pg_schema_url)
    upgrade(pg_schema_url, db.engine)
    seed_demo(db, subscribers=3)
    with db.uow() as uow:
        sub_id = subscriber_id(uow, "13700137000")  # 0.50 yuan
    barrier = threading.Barrier(2)

    def take_30(_: int) -> bool:
        with db.uow() as uow:
            barrier.wait()
            try:
                accounts.debit(uow.session, sub_id, EntryKind.CHARGE, -30, reason="race")
            except InsufficientFunds:
                return False
            uow.commit()
            return True

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(take_30, range(2))) == [False, True]
    assert selfcare.overview(db, "13700137000").balance_fen == 20
    assert all(b == s for b, s in balance_and_ledger(db))
    db.dispose()


def subscriber_id(uow: UnitOfWork, msisdn: str) -> int:
    return uow.session.scalars(select(Subscriber.id).where(Subscriber.msisdn == msisdn)).one()
