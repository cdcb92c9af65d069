"""Calls rated by where they go, through a real usage ingest (hand-checked fen)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from time_machine import TimeMachineFixture

from telcare.services import accounts, charging, orders
from telcare.services.charging import zones
from telcare.store.charging_models import UsageRecord
from telcare.store.uow import Database
from tests.conftest import BACKENDS, Templates, db_at

SEEDED = datetime(2026, 12, 10, 4, tzinfo=UTC)
SH_LINE = "13700137000"  # number of 辽宁省抚顺市, a Shanghai-province 神州行 line, no allowances
HEADER = "record_id,msisdn,service,started_at,volume,roaming,peer"


@pytest.fixture(params=BACKENDS)
def zdb(
    request: pytest.FixtureRequest,
    templates: Templates,
    tmp_path: Path,
    time_machine: TimeMachineFixture,
) -> Iterator[Database]:
    yield from db_at(SEEDED, request.param, templates, tmp_path, time_machine)


def ingest(db: Database, tmp_path: Path, name: str, lines: list[str]) -> dict[str, int]:
    path = tmp_path / f"{name}.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    charging.ingest(db, path, max_future=timedelta(days=60))  # calls dated ahead of the fixture
    with db.read() as uow:
        rows = uow.session.execute(select(UsageRecord.record_id, UsageRecord.charge_ufen)).all()
    return {rid: ufen // 1_000_000 for rid, ufen in rows}


def test_local_long_distance_roaming_and_two_cities(zdb: Database, tmp_path: Path) -> None:
    at = "2026-12-11 10:00:00"
    fen = ingest(
        zdb,
        tmp_path,
        "plain",
        [
            f"a1,{SH_LINE},voice,{at},60,0,13704130000",  # 抚顺 -> 抚顺: local 0.15
            f"a2,{SH_LINE},voice,{at},61,0,13900139000",  # 抚顺 -> 上海: 2 min LD 0.30
            f"a3,{SH_LINE},voice,{at},60,1,13704130000",  # roaming: 0.60
            f"a4,{SH_LINE},voice,{at},60,0,",  # no peer: the standard 0.19
        ],
    )
    assert fen == {"a1": 15, "a2": 60, "a3": 60, "a4": 19}
    accounts.recharge(zdb, SH_LINE, 1000, idempotency_key="z-top")
    orders.request_subscription(zdb, SH_LINE, "LCYJ", channel="sms")
    orders.confirm(zdb, SH_LINE)  # 两城一家: 抚顺 (the number's city) and 上海 (the province's)
    later = "2026-12-12 10:00:00"
    fen = ingest(
        zdb,
        tmp_path,
        "lcyj",
        [
            f"b1,{SH_LINE},voice,{later},60,0,13900139000",  # 上海: local now
            f"b2,{SH_LINE},voice,{later},60,1,13900139000",  # roaming in 上海: local
            f"b3,{SH_LINE},voice,{later},60,1,15800001111",  # roaming to 广州: LD, not roaming
        ],
    )
    assert {k: fen[k] for k in ("b1", "b2", "b3")} == {"b1": 15, "b2": 15, "b3": 30}


def test_holiday_terms_use_the_calendar_given(
    zdb: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zones, "_holidays", [lambda d: d == date(2027, 1, 1)])
    mzone = "13900139000"  # 上海 number, WLT + FCJQ
    accounts.recharge(zdb, mzone, 1000, idempotency_key="m-top")
    orders.request_subscription(zdb, mzone, "FCJQ", channel="sms")
    orders.confirm(zdb, mzone)
    with zdb.uow() as uow:  # use up the allowances, so the price shows
        from telcare.store import models as m

        for sub in uow.session.scalars(select(m.Product)):
            sub.voice_min = 0
        uow.commit()
    fen = ingest(
        zdb,
        tmp_path,
        "fcjq",
        [
            f"h1,{mzone},voice,2027-01-01 10:00:00,60,0,13800138000",  # holiday: local
            f"h2,{mzone},voice,2027-01-05 10:00:00,60,0,13800138000",  # workday: LD
        ],
    )
    assert fen == {"h1": 15, "h2": 30}


def test_the_operator_calendar_decides_holidays() -> None:
    assert zones.operator_holiday(date(2027, 10, 3))  # National Day week
    assert not zones.operator_holiday(date(2027, 10, 12))  # an ordinary Tuesday
