"""Rating: a hand-checked table, exact daily rounding, and vectorised == baseline."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telcare.demo.catalog import TARIFFS
from telcare.domain.catalog import Service, TariffPrice
from telcare.domain.rating import (
    DATA,
    SMS,
    VOICE,
    Batch,
    Buckets,
    PriceTable,
    Rated,
    daily_totals,
    local_midnight,
    rate,
    rate_baseline,
    to_ufen,
    ufen_to_fen,
)

SEED = PriceTable.from_tariffs(TARIFFS)
U = 1_000_000  # µfen per fen
FRACTIONAL = PriceTable.from_tariffs(
    [
        TariffPrice("DATA_STD", Service.DATA, "KB", Decimal("0.3"), date(2003, 1, 1)),
        TariffPrice("VOICE_LD_SINGLE", Service.VOICE, "min", Decimal("0.5"), date(2003, 1, 1)),
    ]
)


def at(text: str) -> int:
    """Epoch seconds of a local (Asia/Shanghai) ``YYYY-MM-DD HH:MM:SS``."""
    moment = datetime.fromisoformat(text)
    return local_midnight(moment.date()) + moment.hour * 3600 + moment.minute * 60 + moment.second


Rec = tuple[int, int, str, int, bool]  # sub, service, local time, volume, roaming
Bkt = tuple[int, int, str, str, int, int]  # sub, service, start, end, remaining, tiebreak


def batch_of(records: list[Rec]) -> Batch:
    return Batch(
        np.array([r[0] for r in records], dtype=np.int64),
        np.array([r[1] for r in records], dtype=np.int8),
        np.array([at(r[2]) for r in records], dtype=np.int64),
        np.array([r[3] for r in records], dtype=np.int64),
        np.array([r[4] for r in records], dtype=np.bool_),
    )


def buckets_of(buckets: list[Bkt]) -> Buckets:
    if not buckets:
        return Buckets.empty()
    return Buckets(
        np.array([b[0] for b in buckets], dtype=np.int64),
        np.array([b[1] for b in buckets], dtype=np.int8),
        np.array([at(b[2]) for b in buckets], dtype=np.int64),
        np.array([at(b[3]) for b in buckets], dtype=np.int64),
        np.array([b[4] for b in buckets], dtype=np.int64),
        np.array([b[5] for b in buckets], dtype=np.int64),
    )


NOV = ("2026-11-01 00:00:00", "2026-12-01 00:00:00")
T = "2026-11-15 10:00:00"
A100 = (1, DATA, *NOV, 100, 1)  # 100 KB of data left, whole month

# id, records, buckets, covered per record, charge in fen per record, used per bucket
CASES: list[tuple[str, list[Rec], list[Bkt], list[int], list[int], list[int]]] = [
    ("data no allowance", [(1, DATA, T, 100, False)], [], [0], [100], []),
    ("data old price", [(1, DATA, "2009-09-30 23:59:59", 100, False)], [], [0], [300], []),
    (
        "data new price at midnight",
        [(1, DATA, "2009-10-01 00:00:00", 100, False)],
        [],
        [0],
        [100],
        [],
    ),
    (
        "new price before UTC midnight",
        [(1, DATA, "2009-10-01 07:59:59", 10, False)],
        [],
        [0],
        [10],
        [],
    ),
    ("data 2003 price", [(1, DATA, "2003-01-01 00:00:00", 1, False)], [], [0], [3], []),
    ("voice 1 s is a minute", [(1, VOICE, T, 1, False)], [], [0], [19], []),
    ("voice 60 s", [(1, VOICE, T, 60, False)], [], [0], [19], []),
    ("voice 61 s", [(1, VOICE, T, 61, False)], [], [0], [38], []),
    ("voice 0 s", [(1, VOICE, T, 0, False)], [], [0], [0], []),
    ("sms", [(1, SMS, T, 2, False)], [], [0], [20], []),
    ("data 0 KB", [(1, DATA, T, 0, False)], [A100], [0], [0], [0]),
    ("allowance exactly used", [(1, DATA, T, 100, False)], [A100], [100], [0], [100]),
    ("allowance plus one KB", [(1, DATA, T, 101, False)], [A100], [100], [1], [100]),
    (
        "second record after allowance",
        [(1, DATA, T, 100, False), (1, DATA, "2026-11-15 10:00:01", 5, False)],
        [A100],
        [100, 0],
        [0, 5],
        [100],
    ),
    ("empty allowance", [(1, DATA, T, 7, False)], [(1, DATA, *NOV, 0, 1)], [0], [7], [0]),
    ("roaming data skips allowance", [(1, DATA, T, 50, True)], [A100], [0], [50], [0]),
    (
        "roaming voice at standard rate",
        [(1, VOICE, T, 90, True)],
        [(1, VOICE, *NOV, 100, 1)],
        [0],
        [38],
        [0],
    ),
    (
        "before the allowance starts",
        [(1, DATA, "2026-11-09 23:59:59", 10, False)],
        [(1, DATA, "2026-11-10 00:00:00", NOV[1], 100, 1)],
        [0],
        [10],
        [0],
    ),
    (
        "at the allowance start",
        [(1, DATA, "2026-11-10 00:00:00", 10, False)],
        [(1, DATA, "2026-11-10 00:00:00", NOV[1], 100, 1)],
        [10],
        [0],
        [10],
    ),
    (
        "at the allowance end (exclusive)",
        [(1, DATA, "2026-12-01 00:00:00", 10, False)],
        [A100],
        [0],
        [10],
        [0],
    ),
    (
        "earliest end first",
        [(1, DATA, T, 30, False)],
        [A100, (1, DATA, NOV[0], "2026-11-20 00:00:00", 20, 2)],
        [30],
        [0],
        [10, 20],
    ),
    (
        "same end: lower tiebreak first",
        [(1, DATA, T, 30, False)],
        [(1, DATA, *NOV, 100, 9), (1, DATA, *NOV, 100, 3)],
        [30],
        [0],
        [0, 30],
    ),
    (
        "one record across two allowances",
        [(1, DATA, T, 150, False)],
        [A100, (1, DATA, NOV[0], "2026-11-20 00:00:00", 20, 2)],
        [120],
        [30],
        [100, 20],
    ),
    ("another subscriber's allowance", [(2, DATA, T, 10, False)], [A100], [0], [10], [0]),
    ("data allowance does not cover voice", [(1, VOICE, T, 60, False)], [A100], [0], [19], [0]),
    (
        "voice allowance in started minutes",
        [(1, VOICE, T, 90, False)],
        [(1, VOICE, *NOV, 1, 1)],
        [1],
        [19],
        [1],
    ),
    (
        "voice 301 s with 5 minutes left",
        [(1, VOICE, T, 301, False)],
        [(1, VOICE, *NOV, 5, 1)],
        [5],
        [19],
        [5],
    ),
    (
        "sms allowance",
        [(1, SMS, T, 3, False)],
        [(1, SMS, *NOV, 2, 1)],
        [2],
        [10],
        [2],
    ),
    (
        "earlier record consumes first, whatever the file order",
        [(1, DATA, "2026-11-15 12:00:00", 80, False), (1, DATA, "2026-11-15 09:00:00", 80, False)],
        [A100],
        [20, 80],
        [60, 0],
        [100],
    ),
    (
        "same time: file order",
        [(1, DATA, T, 60, False), (1, DATA, T, 60, False)],
        [A100],
        [60, 40],
        [0, 20],
        [100],
    ),
    (
        "add-on from mid-month serves only later records",
        [
            (1, DATA, "2026-11-05 00:00:00", 150, False),
            (1, DATA, "2026-11-25 00:00:00", 150, False),
        ],
        [A100, (1, DATA, "2026-11-20 00:00:00", NOV[1], 100, 2)],
        [100, 100],
        [50, 50],
        [100, 100],
    ),
    (
        "expired promotion no longer used",
        [(1, DATA, "2026-11-25 00:00:00", 10, False)],
        [(1, DATA, NOV[0], "2026-11-20 00:00:00", 100, 1)],
        [0],
        [10],
        [0],
    ),
    (
        "promotion ending next month comes after the monthly plan",
        [(1, DATA, T, 120, False)],
        [(1, DATA, NOV[0], "2027-01-10 00:00:00", 500, 1), A100],
        [120],
        [0],
        [20, 100],
    ),
]


@pytest.mark.parametrize(
    ("records", "buckets", "covered", "charge_fen", "used"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
@pytest.mark.parametrize("engine", [rate, rate_baseline], ids=["vectorised", "baseline"])
def test_hand_checked_table(
    engine: object,
    records: list[Rec],
    buckets: list[Bkt],
    covered: list[int],
    charge_fen: list[int],
    used: list[int],
) -> None:
    assert callable(engine)
    rated: Rated = engine(batch_of(records), buckets_of(buckets), SEED)
    assert rated.covered.tolist() == covered
    assert (rated.charge_ufen // U).tolist() == charge_fen
    assert (rated.charge_ufen % U == 0).all()
    assert rated.used.tolist() == used


def test_the_table_has_at_least_30_cases() -> None:
    assert len(CASES) >= 30


def day_fen(records: list[Rec], prices: PriceTable = FRACTIONAL) -> list[tuple[int, int]]:
    batch = batch_of(records)
    rated = rate(batch, Buckets.empty(), prices)
    subs, _days, ufen = daily_totals(batch.sub, batch.started, rated.charge_ufen)
    return [(int(s), ufen_to_fen(int(u))) for s, u in zip(subs, ufen, strict=True)]


def test_fractional_fen_accumulate_per_day_then_round_once() -> None:
    # 3 x 1 KB at 0.3 fen: 0.9 fen -> 1 fen (three separate roundings would give 0).
    assert day_fen([(1, DATA, T, 1, False)] * 3) == [(1, 1)]


def test_half_a_fen_rounds_up() -> None:
    assert day_fen([(1, VOICE, T, 60, False)]) == [(1, 1)]  # 0.5 fen
    assert ufen_to_fen(499_999) == 0 and ufen_to_fen(500_000) == 1


def test_each_local_day_rounds_on_its_own() -> None:
    # 23:59 and 00:01 local are two days: 0.5 + 0.5 fen -> 1 + 1 fen.
    records = [
        (1, VOICE, "2026-11-15 23:59:00", 60, False),
        (1, VOICE, "2026-11-16 00:01:00", 60, False),
    ]
    assert day_fen(records) == [(1, 1), (1, 1)]


def test_each_subscriber_rounds_on_its_own() -> None:
    records = [(1, DATA, T, 1, False), (2, DATA, T, 1, False), (2, DATA, T, 1, False)]
    assert day_fen(records) == [(1, 0), (2, 1)]  # 0.3 -> 0, 0.6 -> 1


def test_unit_prices_are_exact_micro_fen() -> None:
    assert to_ufen(Decimal("0.03") * 100) == 3 * U
    with pytest.raises(ValueError):
        to_ufen(Decimal("0.0000001"))


def test_seed_data_price_cut() -> None:
    price, found = SEED.lookup(
        np.array([DATA, DATA], dtype=np.int8),
        np.array([at("2009-09-30 23:59:59"), at("2009-10-01 00:00:00")], dtype=np.int64),
    )
    assert price.tolist() == [3 * U, 1 * U] and found.all()
    _, found = SEED.lookup(np.array([DATA], dtype=np.int8), np.array([at("2002-12-31 00:00:00")]))
    assert not found.any()


BASE = at("2026-11-01 00:00:00")
HOUR = 3600


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Batch, Buckets]:
    n = draw(st.integers(0, 40))
    m = draw(st.integers(0, 8))
    rec = st.tuples(
        st.integers(0, 3),
        st.sampled_from([DATA, VOICE, SMS]),
        st.integers(0, 24 * 6),
        st.integers(0, 400),
        st.booleans(),
    )
    bkt = st.tuples(
        st.integers(0, 3),
        st.sampled_from([DATA, VOICE, SMS]),
        st.integers(-24, 24 * 6),
        st.integers(0, 24 * 4),
        st.integers(0, 600),
        st.integers(0, 3),
    )
    rs = draw(st.lists(rec, min_size=n, max_size=n))
    bs = draw(st.lists(bkt, min_size=m, max_size=m))
    batch = Batch(
        np.array([r[0] for r in rs], dtype=np.int64),
        np.array([r[1] for r in rs], dtype=np.int8),
        np.array([BASE + r[2] * HOUR for r in rs], dtype=np.int64),
        np.array([r[3] for r in rs], dtype=np.int64),
        np.array([r[4] for r in rs], dtype=np.bool_),
    )
    buckets = Buckets(
        np.array([b[0] for b in bs], dtype=np.int64),
        np.array([b[1] for b in bs], dtype=np.int8),
        np.array([BASE + b[2] * HOUR for b in bs], dtype=np.int64),
        np.array([BASE + (b[2] + b[3]) * HOUR for b in bs], dtype=np.int64),
        np.array([b[4] for b in bs], dtype=np.int64),
        np.array([b[5] for b in bs], dtype=np.int64),
    )
    return batch, buckets


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_vectorised_equals_baseline(scenario: tuple[Batch, Buckets]) -> None:
    batch, buckets = scenario
    fast, slow = rate(batch, buckets, SEED), rate_baseline(batch, buckets, SEED)
    for field in ("units", "covered", "charge_ufen", "used"):
        assert getattr(fast, field).tolist() == getattr(slow, field).tolist(), field
