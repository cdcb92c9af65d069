"""Bulk statements (store.bulk) and bulk ledger postings, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from telcare.domain.errors import InsufficientFunds
from telcare.domain.ledger import EntryKind
from telcare.services import accounts
from telcare.store import bulk
from telcare.store.charging_models import UsageDay
from telcare.store.models import Account, LedgerEntry, OutboundSms
from telcare.store.uow import Database

T0 = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)


def sms(key: str, text: str = "你好") -> dict[str, object]:
    return {
        "dedupe_key": key,
        "sender": "10086",
        "recipient": "13800138000",
        "text": text,
        "created_at": T0,
        "not_before": T0,
    }


def outbox(db: Database) -> dict[str, tuple[str, datetime]]:
    """dedupe_key -> (text, not_before in UTC)."""
    with db.uow() as uow:
        rows = uow.session.execute(
            select(OutboundSms.dedupe_key, OutboundSms.text, OutboundSms.not_before)
        )
        return {k: (t, nb if nb.tzinfo else nb.replace(tzinfo=UTC)) for k, t, nb in rows}


def test_insert_rows_writes_every_row_with_its_types(empty_db: Database) -> None:
    with empty_db.uow() as uow:
        n = bulk.insert_rows(uow.session, OutboundSms, [sms("a"), sms("b", "x" * 500)])
        uow.commit()
    assert n == 2
    rows = outbox(empty_db)
    assert rows["a"] == ("你好", T0)
    assert rows["b"][0] == "x" * 500


def test_conflicting_rows_are_skipped_and_not_counted(empty_db: Database) -> None:
    with empty_db.uow() as uow:
        bulk.insert_rows(uow.session, OutboundSms, [sms("a", "first")], conflict=["dedupe_key"])
        n = bulk.insert_rows(
            uow.session, OutboundSms, [sms("a", "second"), sms("c")], conflict=["dedupe_key"]
        )
        uow.commit()
    assert n == 1
    assert {k: v[0] for k, v in outbox(empty_db).items()} == {"a": "first", "c": "你好"}


def test_without_conflict_keys_a_duplicate_fails_and_writes_nothing(empty_db: Database) -> None:
    with empty_db.uow() as uow:
        bulk.insert_rows(uow.session, OutboundSms, [sms("a")])
        uow.commit()
    with pytest.raises(DBAPIError), empty_db.uow() as uow:
        bulk.insert_rows(uow.session, OutboundSms, [sms("z"), sms("a")])
    assert set(outbox(empty_db)) == {"a"}


def test_upsert_overwrites_the_other_columns(db: Database) -> None:
    day = datetime(2026, 11, 2).date()
    zero = {"voice_min": 0, "sms": 0, "voice_ufen": 0, "sms_ufen": 0}
    first = {"subscriber_id": 1, "day": day, "data_kb": 5, "data_ufen": 50, "charged_fen": 0}
    again = {**first, "data_kb": 7, "data_ufen": 70, "charged_fen": 1}
    keys = ["subscriber_id", "day"]
    with db.uow() as uow:
        for row in (first, again):
            bulk.insert_rows(
                uow.session,
                UsageDay,
                [{**row, **zero}],
                conflict=keys,
                update_on_conflict=True,
            )
        uow.commit()
    with db.uow() as uow:
        got = uow.session.execute(
            select(UsageDay.data_kb, UsageDay.data_ufen, UsageDay.charged_fen)
        ).all()
    assert [tuple(r) for r in got] == [(7, 70, 1)]


def test_a_string_too_long_for_its_column_fails_instead_of_being_cut(empty_db: Database) -> None:
    if not empty_db.is_postgresql:
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    with pytest.raises(DBAPIError, match="too long"), empty_db.uow() as uow:
        bulk.insert_rows(uow.session, OutboundSms, [sms("k" * 121)])


def test_update_rows_sets_each_row_by_its_key(db: Database) -> None:
    with db.uow() as uow:
        ids = sorted(uow.session.scalars(select(Account.id)))[:3]
        bulk.update_rows(
            uow.session,
            Account,
            "id",
            [{"id": i, "balance_fen": 100 * i, "barring_pending": i == ids[0]} for i in ids],
        )
        uow.commit()
    with db.uow() as uow:
        got = uow.session.execute(
            select(Account.id, Account.balance_fen, Account.barring_pending).where(
                Account.id.in_(ids)
            )
        ).all()
    assert sorted(tuple(r) for r in got) == [(i, 100 * i, i == ids[0]) for i in ids]


# --- bulk postings ----------------------------------------------------------------------


def ledger_matches_balances(db: Database) -> None:
    with db.uow() as uow:
        s = uow.session
        sums = dict(
            s.execute(
                select(LedgerEntry.account_id, func.sum(LedgerEntry.amount_fen)).group_by(
                    LedgerEntry.account_id
                )
            ).all()
        )
        for account_id, balance in s.execute(select(Account.id, Account.balance_fen)):
            assert balance == int(sums.get(account_id, 0)), account_id


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    moves=st.lists(
        st.tuples(st.integers(0, 2), st.integers(-5_000, 5_000).filter(bool)),
        min_size=1,
        max_size=15,
    )
)
def test_bulk_postings_keep_every_balance_equal_to_its_ledger(
    db: Database, moves: list[tuple[int, int]]
) -> None:
    with db.uow() as uow:
        ids = sorted(uow.session.scalars(select(Account.id)))[:3]
        held = accounts.lock_many(uow.session, ids)
        before = {i: held[i].balance_fen for i in ids}
        postings = [
            accounts.BulkPosting(held[ids[slot]], EntryKind.ADJUSTMENT, delta, "test", None)
            for slot, delta in moves
        ]
        barred = accounts.post_bulk(uow.session, postings, allow_negative=True)
        uow.commit()
    for slot, _ in enumerate(ids):
        expected = before[ids[slot]] + sum(d for s, d in moves if s == slot)
        assert held[ids[slot]].balance_fen == expected
    assert all(a.balance_fen <= 0 and a.barring_pending for a in barred)
    ledger_matches_balances(db)


def test_an_account_is_marked_for_barring_once(db: Database) -> None:
    with db.uow() as uow:
        account_id = min(uow.session.scalars(select(Account.id)))
        held = accounts.lock_many(uow.session, [account_id])[account_id]
        owed = held.balance_fen + 10
        post = accounts.BulkPosting(held, EntryKind.CHARGE, -owed, "usage", None)
        assert accounts.post_bulk(uow.session, [post], allow_negative=True) == [held]
        post = accounts.BulkPosting(held, EntryKind.CHARGE, -5, "usage", None)
        assert accounts.post_bulk(uow.session, [post], allow_negative=True) == []
        uow.commit()
    with db.uow() as uow:
        account = uow.session.get(Account, account_id)
        assert account is not None
        assert (account.balance_fen, account.barring_pending) == (-15, True)
    ledger_matches_balances(db)


def test_without_allow_negative_an_overdraft_fails_before_writing(db: Database) -> None:
    with db.uow() as uow:
        account_id = min(uow.session.scalars(select(Account.id)))
        held = accounts.lock_many(uow.session, [account_id])[account_id]
        count = uow.session.scalar(select(func.count()).select_from(LedgerEntry))
        post = accounts.BulkPosting(held, EntryKind.CHARGE, -(held.balance_fen + 1), "x", None)
        with pytest.raises(InsufficientFunds):
            accounts.post_bulk(uow.session, [post])
        assert uow.session.scalar(select(func.count()).select_from(LedgerEntry)) == count
