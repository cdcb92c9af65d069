"""Usage ingest on SQLite and PostgreSQL: rating, ledger, duplicates, rejects, barring, SMS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select, update

from telcare.domain.reminders import SHANGHAI
from telcare.services import accounts, charging
from telcare.services.accounts import ledger_sum
from telcare.store.charging_models import UsageRecord
from telcare.store.models import Account, LedgerEntry, OutboundSms, Subscriber, Subscription
from telcare.store.uow import Database

GOTONE, MZONE, EASYOWN = "13800138000", "13900139000", "13700137000"
HEADER = "record_id,msisdn,service,started_at,volume,roaming,peer"
NOW = datetime(2026, 10, 20, 12, 0, tzinfo=SHANGHAI)
PLAN_KB = 150 * 1024

LINES = [
    f"r1,{GOTONE},data,2026-10-05 10:00:00,{PLAN_KB},0,",
    f"r2,{GOTONE},data,2026-10-06T10:00:00+08:00,1000,0,",  # beyond the plan: 10 yuan
    f"r3,{GOTONE},voice,2026-10-06 11:00:00,61,0,13900139000",  # 2 of 450 minutes
    f"r4,{GOTONE},sms,2026-10-06 11:05:00,1,0,13900139000",
    f"r5,{EASYOWN},data,2026-10-07 09:00:00,60,0,",  # 0.60 yuan, balance 0.50 -> barred
    f"r6,{MZONE},data,2026-10-07 09:00:00,10,1,",  # roaming: 0.10 yuan, no allowance
    f"r2,{GOTONE},data,2026-10-06T10:00:00+08:00,1000,0,",  # duplicate in the file
    "r7,13600000000,data,2026-10-07 09:00:00,10,0,",  # unknown subscriber
    f"r8,{GOTONE},data,2026-10-07 09:00:00,-5,0,",  # negative volume
    "this line is not a record",
    f"r9,{GOTONE},fax,2026-10-07 09:00:00,1,0,",
    f"r10,{GOTONE},data,yesterday,1,0,",
]


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def rated_db(db: Database) -> Database:
    """The demo with every subscription in force since January."""
    with db.uow() as uow:
        uow.session.execute(
            update(Subscription).values(starts_at=datetime(2026, 1, 1, tzinfo=SHANGHAI))
        )
        uow.commit()
    return db


@dataclass(frozen=True)
class Acc:
    id: int
    balance_fen: int
    barring_pending: bool


def account_of(db: Database, msisdn: str) -> Acc:
    with db.uow() as uow:
        sub = uow.session.scalars(select(Subscriber).where(Subscriber.msisdn == msisdn)).one()
        a = uow.session.scalars(select(Account).where(Account.subscriber_id == sub.id)).one()
        return Acc(a.id, a.balance_fen, a.barring_pending)


def usage_charges(db: Database) -> int:
    with db.uow() as uow:
        return -int(
            uow.session.scalar(
                select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(
                    LedgerEntry.reason.like("usage %")
                )
            )
            or 0
        )


def outbox(db: Database) -> list[OutboundSms]:
    with db.uow() as uow:
        rows = list(uow.session.scalars(select(OutboundSms).order_by(OutboundSms.id)))
        uow.session.expunge_all()
        return rows


def test_ingest_rates_posts_and_reports(rated_db: Database, tmp_path: Path) -> None:
    db = rated_db
    path = write_csv(tmp_path / "usage.csv", LINES)
    seen: list[tuple[int, int]] = []
    summary = charging.ingest(
        db, path, chunk_rows=3, now=NOW, progress=lambda d, t: seen.append((d, t))
    )
    assert (summary.rated, summary.duplicates, summary.rejected) == (6, 1, 5)
    assert summary.charged_fen == 1000 + 60 + 10
    assert seen[-1][0] == seen[-1][1] == path.stat().st_size
    assert usage_charges(db) == 1070
    for msisdn in (GOTONE, MZONE, EASYOWN):
        acc = account_of(db, msisdn)
        with db.uow() as uow:
            assert ledger_sum(uow.session, acc.id) == acc.balance_fen
    assert account_of(db, GOTONE).balance_fen == 10000 - 1000
    poor = account_of(db, EASYOWN)
    assert poor.balance_fen == -10 and poor.barring_pending
    assert not account_of(db, GOTONE).barring_pending
    rejects = pl.read_csv(summary.reject_path)
    assert dict(zip(rejects["line"], rejects["reason"], strict=True)) == {
        9: "unknown msisdn",
        10: "negative volume",
        11: "malformed line: expected 7 fields",
        12: "unknown service",
        13: "malformed started_at",
    }
    sms = outbox(db)
    barring = [m for m in sms if m.recipient == EASYOWN]
    assert len(barring) == 1 and "余额" in barring[0].text
    reminders = [m for m in sms if m.recipient == GOTONE]
    assert [m.dedupe_key.rsplit(":", 1)[-1] for m in reminders] == ["100", "1000"]
    assert "100%" in reminders[0].text and "10.00" in reminders[1].text
    with db.uow() as uow:
        rec = uow.session.get(UsageRecord, "r3")
        assert rec is not None and (rec.units, rec.covered, rec.charge_ufen) == (2, 2, 0)


def test_a_recharge_lifts_the_barring_mark_and_a_new_crossing_is_told_again(
    rated_db: Database, tmp_path: Path
) -> None:
    db = rated_db
    charging.ingest(db, write_csv(tmp_path / "a.csv", LINES), now=NOW)
    assert account_of(db, EASYOWN).barring_pending
    accounts.recharge(db, EASYOWN, 100, idempotency_key="lift-1")
    lifted = account_of(db, EASYOWN)
    assert (lifted.balance_fen, lifted.barring_pending) == (90, False)
    later = [f"s1,{EASYOWN},data,2026-10-08 09:00:00,100,0,"]  # 1.00 yuan: 0.90 -> -0.10
    charging.ingest(db, write_csv(tmp_path / "b.csv", later), now=NOW)
    again = account_of(db, EASYOWN)
    assert (again.balance_fen, again.barring_pending) == (-10, True)
    notices = [m for m in outbox(db) if m.dedupe_key.startswith("barring:")]
    assert len(notices) == 2 and all(m.recipient == EASYOWN for m in notices)
    with db.uow() as uow:
        assert ledger_sum(uow.session, again.id) == again.balance_fen


def test_rerun_charges_nothing_more(rated_db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "usage.csv", LINES)
    charging.ingest(rated_db, path, chunk_rows=4, now=NOW)
    before = [account_of(rated_db, m).balance_fen for m in (GOTONE, MZONE, EASYOWN)]
    again = charging.ingest(rated_db, path, chunk_rows=5, now=NOW)
    assert (again.rated, again.duplicates, again.rejected, again.charged_fen) == (0, 7, 5, 0)
    assert [account_of(rated_db, m).balance_fen for m in (GOTONE, MZONE, EASYOWN)] == before
    assert len(outbox(rated_db)) == 3


def test_fractional_fen_round_once_per_day_across_chunks(
    rated_db: Database, tmp_path: Path
) -> None:
    with rated_db.uow() as uow:  # a fractional voice price for the test: 0.5 fen a minute
        from telcare.store.models import TariffPrice

        for price in uow.session.scalars(
            select(TariffPrice).where(TariffPrice.code.in_(["VOICE_LD_SINGLE", "VOICE_LD"]))
        ):
            price.fen_per_unit = Decimal("0.5")
        uow.commit()
    lines = [f"v{i},{EASYOWN},voice,2026-10-08 10:0{i}:00,60,0,13800138000" for i in range(3)]
    summary = charging.ingest(rated_db, write_csv(tmp_path / "v.csv", lines), chunk_rows=1)
    assert summary.charged_fen == 2  # 1.5 fen rounded once, half up (per record: 3)
    assert usage_charges(rated_db) == 2


def test_usage_summary_for_the_month(rated_db: Database, tmp_path: Path) -> None:
    charging.ingest(rated_db, write_csv(tmp_path / "usage.csv", LINES), now=NOW)
    summary = charging.usage_summary(rated_db, GOTONE, "2026-10")
    assert (summary.data_kb, summary.voice_min, summary.sms) == (PLAN_KB + 1000, 2, 1)
    assert (summary.data_charge_fen, summary.charged_fen) == (1000, 1000)
    assert summary.left("data") == 0 and summary.left("voice") == 448 and summary.left("sms") == 99
    assert {a.code for a in summary.allowances} == {"QQT88"}
    empty = charging.usage_summary(rated_db, GOTONE, "2026-09")
    assert empty.data_kb == 0 and empty.left("data") == PLAN_KB


def test_reminder_opt_out_silences_reminders(rated_db: Database, tmp_path: Path) -> None:
    assert charging.reminder_enabled(rated_db, GOTONE)
    assert charging.set_data_reminder(rated_db, GOTONE, False, idempotency_key="k1") is False
    assert charging.set_data_reminder(rated_db, GOTONE, False, idempotency_key="k1") is False
    assert not charging.reminder_enabled(rated_db, GOTONE)
    charging.ingest(rated_db, write_csv(tmp_path / "usage.csv", LINES), now=NOW)
    assert [m for m in outbox(rated_db) if m.recipient == GOTONE] == []


def test_quiet_hours_hold_reminders_until_eight(rated_db: Database, tmp_path: Path) -> None:
    night = datetime(2026, 10, 20, 23, 30, tzinfo=SHANGHAI)
    charging.ingest(rated_db, write_csv(tmp_path / "usage.csv", LINES[:2]), now=night)
    (first, _) = [m for m in outbox(rated_db) if m.recipient == GOTONE]
    assert first.not_before.astimezone(SHANGHAI) == datetime(2026, 10, 21, 8, tzinfo=SHANGHAI)


def test_parquet_files_are_rated_too(rated_db: Database, tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "record_id": ["p1", "p2", "p3"],
            "msisdn": [MZONE, MZONE, "123"],
            "service": ["sms", "voice", "sms"],
            "started_at": [datetime(2026, 10, 9, 10), datetime(2026, 10, 9, 11), None],
            "volume": [1, 30, 1],
            "roaming": [False, True, False],
            "peer": ["", "13800138000", ""],
        }
    )
    frame.write_parquet(tmp_path / "u.parquet")
    summary = charging.ingest(rated_db, tmp_path / "u.parquet", now=NOW)
    # a roaming minute on WLT (no 长途一费制): the roaming rate, 0.60 (call_zones)
    assert (summary.rated, summary.rejected, summary.charged_fen) == (2, 1, 60)
