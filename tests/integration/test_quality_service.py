"""Every indicator against the hand-computed fixture (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from telcare.domain import quality as q
from telcare.services import quality as qs
from telcare.store.uow import Database
from tests.integration.quality_fixture import MONTH, PREV, SP_CODE, load

# (code, province, month) -> value. Bases: XZ 4 live subscribers, QH 2, nation 6
# (the closed line and the demo lines created today do not count).
EXPECTED: dict[tuple[str, str, str], float | None] = {
    # T1..T4 in XZ (T3 filed 31 May 17:00 UTC = 1 June in Beijing), T5 in QH
    ("CMP_RATE", "XZ", MONTH): 4 * 10_000 / 4,
    ("CMP_RATE", "QH", MONTH): 1 * 10_000 / 2,
    ("CMP_RATE", "HQ", MONTH): 5 * 10_000 / 6,
    ("CMP_RATE", "XZ", PREV): 1 * 10_000 / 4,  # T6
    ("CMP_RATE", "BJ", MONTH): None,  # no subscribers in 2024: no base, no data
    ("CMP_MAJOR", "BJ", MONTH): 0.0,  # nothing counted is a real zero
    ("CMP_SLA", "XZ", MONTH): 25.0,  # T1 on time, T2 late, T3 and T4 open past due (#20)
    ("CMP_SLA", "QH", MONTH): 100.0,
    ("CMP_SLA", "HQ", MONTH): 2 / 5 * 100,
    ("CMP_SLA", "BJ", MONTH): None,  # nothing resolved: no data
    ("CMP_RESOLVE_HOURS", "XZ", MONTH): (24 + 72) / 2,
    ("CMP_RESOLVE_HOURS", "QH", MONTH): 24.0,
    ("CMP_RESP24", "XZ", MONTH): 50.0,  # T1 10 h, T4 1 h; T2 30 h, T3 never
    ("CMP_RESP24", "QH", MONTH): 100.0,
    ("CMP_RESP_ONTIME", "XZ", MONTH): 50.0,  # T1, T4 before respond_by
    ("CMP_REPEAT", "XZ", MONTH): 100 / 3,  # T1, T2, T3 have numbers: 3 − 2 distinct
    ("CMP_REPEAT", "QH", MONTH): 0.0,
    ("CMP_MAJOR", "XZ", MONTH): 1.0,
    ("CMP_MAJOR", "HQ", MONTH): 1.0,
    ("CMP_MAJOR", "QH", MONTH): 0.0,
    ("CMP_REOPEN", "XZ", MONTH): 25.0,
    ("CMP_ESCALATED", "XZ", MONTH): 25.0,
    ("CMP_UNCONF", "XZ", MONTH): 1.0,
    ("CMP_UNCONF", "QH", MONTH): 0.0,
    ("CMP_BILLING", "XZ", MONTH): 2_500.0,  # T2
    ("CMP_BILLING", "XZ", PREV): 2_500.0,  # T6
    ("CMP_NETWORK", "XZ", MONTH): 5_000.0,  # T1, T4
    ("CMP_ECHANNEL", "XZ", MONTH): 75.0,  # sms, hall, api of 4
    ("CMP_ECHANNEL", "QH", MONTH): 0.0,
    # surveys in XZ: answered 5, 2 (followed up), 1; one expired; one still open
    ("SAT_SCORE", "XZ", MONTH): 8 / 3,
    ("SAT_RATE", "XZ", MONTH): 100 / 3,
    ("SVY_RESPONSE", "XZ", MONTH): 75.0,
    ("SVY_FOLLOWUP", "XZ", MONTH): 50.0,
    ("SAT_SCORE", "QH", MONTH): None,
    # spam: two reports in XZ (12 h, 72 h), one open in QH, one from a non-subscriber
    ("SPAM_RATE", "XZ", MONTH): 5_000.0,
    ("SPAM_RATE", "QH", MONTH): 5_000.0,
    ("SPAM_RATE", "HQ", MONTH): 5_000.0,
    ("SPAM_HOURS", "XZ", MONTH): 42.0,
    ("SPAM_HOURS", "QH", MONTH): None,
    ("SPAM_48H", "XZ", MONTH): 50.0,
    ("SPAM_48H", "QH", MONTH): 0.0,
    ("SPAM_QUARANTINE", "XZ", MONTH): 2_500.0,
    ("SPAM_FLAGGED", "HQ", MONTH): 1.0,
    ("SPAM_FLAGGED", "HQ", PREV): 1.0,
    ("SP_VIOLATIONS", "HQ", MONTH): 1.0,  # the other was revoked
    # T3 names the SP in June; its subscriptions active at the month's end: May 3, June 3
    ("SP_COMPLAINT_RATE", "HQ", MONTH): 1 * 10_000 / 3,
    ("SP_COMPLAINT_RATE", "HQ", PREV): 0.0,  # no complaint, a base of 3: a real zero
    # recharges: 2 card recharges and 2 failed PINs in XZ; shop recharges in XZ and QH
    ("RCH_SUCCESS", "XZ", MONTH): 50.0,
    ("RCH_SUCCESS", "QH", MONTH): None,
    ("ECH_SHARE", "XZ", MONTH): 80.0,  # (2 of 3 recharges, 3 of 3 orders, 3 of 4 tickets)
    ("ECH_SHARE", "QH", MONTH): 0.0,
    ("ECH_SHARE", "HQ", MONTH): 8 / 12 * 100,
    ("REM_OPTIN", "XZ", MONTH): 75.0,  # on, off, default, default
    ("REM_OPTIN", "XZ", PREV): 75.0,
    ("REM_OPTIN", "QH", MONTH): 50.0,
    ("REM_BEFORE_SHOCK", "XZ", MONTH): 50.0,  # charged: line 1 (reminded), line 3 (not)
    ("USG_OOB_SHARE", "XZ", MONTH): 200 / 3,  # data users 1, 2, 3; charged 1, 3
    ("CHG_REFUND", "XZ", MONTH): 2_500.0,
    # gifts: delivered after 3 and 10 days, one cancelled, one merchant code
    ("PTS_DELIVERY_DAYS", "XZ", MONTH): 6.5,
    ("PTS_DELIVERY_7D", "XZ", MONTH): 50.0,
    ("PTS_RETURN", "XZ", MONTH): 100 / 3,
    ("PTS_REDEEM", "XZ", MONTH): 10_000.0,
    # calls C1–C5 in June (C4 is 1 June in Beijing), C0 in May: in time C1, C4, C5
    ("HOTLINE_20S", "XZ", MONTH): 60.0,
    ("HOTLINE_20S", "HQ", MONTH): 60.0,
    ("HOTLINE_20S", "XZ", PREV): 0.0,
    ("HOTLINE_20S", "QH", MONTH): None,  # no calls: no data, not 0 %
    ("HOTLINE_ABANDON", "XZ", MONTH): 20.0,
    ("HOTLINE_G3_20S", "XZ", MONTH): 100.0,
    # chats in XZ: K1 queued and answered after 15 s, K2 after 60 s, K3 never; closed in
    # June: K1, K2 and K4 (the bot's alone); K3 still waiting
    ("CHAT_20S", "XZ", MONTH): 100 / 3,
    ("CHAT_20S", "QH", MONTH): None,
    ("CHAT_BOT_RESOLVED", "XZ", MONTH): 100 / 3,
    ("NET_DROP", "HQ", MONTH): None,
}


@pytest.fixture
def loaded(db: Database) -> Database:
    load(db)
    return db


def test_every_indicator_against_the_fixture(loaded: Database) -> None:
    result = qs.compute(loaded, [PREV, MONTH])
    assert {code for code, _, _ in EXPECTED} == set(q.BY_CODE)
    for (code, province, month), want in EXPECTED.items():
        got = result.value(code, province, month)
        if want is None:
            assert got is None, (code, province, month, got)
        else:
            assert got == pytest.approx(want), (code, province, month, got)


def test_breakdowns_by_channel_and_sp(loaded: Database) -> None:
    by_channel = {
        f.dim_value: f.value for f in qs.breakdown(loaded, "CMP_RATE", "channel", MONTH, "XZ")
    }
    assert by_channel == {"api": 2500.0, "console": 2500.0, "hall": 2500.0, "sms": 2500.0}
    sat = {f.dim_value: f.value for f in qs.breakdown(loaded, "SAT_SCORE", "channel", MONTH, "HQ")}
    assert sat == {"hotline": 1.5, "shop": 5.0}
    assert [
        (f.dim_value, f.value) for f in qs.breakdown(loaded, "CMP_UNCONF", "sp", MONTH, "HQ")
    ] == [(SP_CODE, 1.0)]
    sp = qs.breakdown(loaded, "SP_VIOLATIONS", "sp", MONTH, "HQ")
    assert [(f.dim_value, f.value) for f in sp] == [(SP_CODE, 1.0)]
    rate = qs.breakdown(loaded, "SP_COMPLAINT_RATE", "sp", MONTH, "HQ")
    assert [(f.dim_value, f.numerator, f.denominator) for f in rate] == [(SP_CODE, 1.0, 3.0)]
    by_queue = {
        f.dim_value: f.value for f in qs.breakdown(loaded, "HOTLINE_20S", "queue", MONTH, "XZ")
    }
    assert by_queue == {"GEN": 50.0, "G3": 100.0}  # GEN: C1, C4 of C1–C4


def test_drill_down_lists_the_rows_behind_a_figure(loaded: Database) -> None:
    cols, rows = qs.details(loaded, "CMP_RATE", "XZ", MONTH)
    assert cols[0] == "id"
    assert sorted(r[0] for r in rows) == ["T1", "T2", "T3", "T4"]
    _, reports = qs.details(loaded, "SPAM_48H", "HQ", MONTH)
    assert len(reports) == 3


def test_standards_and_overview(loaded: Database) -> None:
    ov = qs.overview(loaded, "QH", MONTH)
    outcome = {r.standard.code: r.outcome.value for r in ov.standards}
    assert outcome == {"S1": "pass", "S2": "pass", "S3": "no_data", "S4": "no_data",
                       "S5": "pass", "S6": "fail", "S7": "no_data", "S8": "no_data"}  # fmt: skip
    s6 = next(r for r in ov.standards if r.standard.code == "S6")
    assert s6.evidence["numerator"] == 0 and s6.evidence["denominator"] == 1
    xz = qs.overview(loaded, "XZ", MONTH)
    rate = next(r for r in xz.rows if r.indicator.code == "CMP_BILLING")
    assert rate.previous == 2500.0 and rate.change == 0.0
    ranks = {r.province: r.rank for r in xz.ranking["CMP_RATE"]}
    assert ranks == {"QH": 1, "XZ": 2}  # lower is better; provinces without a base: no data
    assert xz.problems[0].indicator.code == "CMP_BILLING"  # 2,500 against a target of 1
    assert all(r.meets is False for r in xz.problems)
    gaps = [r.gap for r in xz.problems]
    assert gaps == sorted(gaps, reverse=True)


def test_snapshots_replace_a_month(loaded: Database) -> None:
    result = qs.compute(loaded, [MONTH])
    n = qs.store_snapshot(loaded, result)
    assert n == qs.store_snapshot(loaded, result)  # replaced, not added
    stored = qs.load_snapshot(loaded, MONTH)
    assert stored[("CMP_RATE", "XZ")] == 10_000.0
    assert stored[("SAT_SCORE", "XZ")] == pytest.approx(8 / 3)
