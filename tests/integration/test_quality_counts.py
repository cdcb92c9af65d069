"""Figures that used to count wrong (issue #22), each on hand-made data: every source of
SP violations, only cases whose window has closed, SPs without data, spendable points."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from telcare.domain import quality as q
from telcare.services import partners
from telcare.services import quality as qs
from telcare.store import antispam_models as am
from telcare.store import complaint_models as cm
from telcare.store import partner_models as pm
from telcare.store.uow import Database
from tests.integration.quality_fixture import MONTH, SP_CODE, XZ, _ticket, at, load

# the fixture's June closes at 23:00 UTC on 30 June (07:00 on 1 July in Beijing is July)
AS_OF = datetime(2024, 6, 30, 15, tzinfo=UTC)


@pytest.fixture
def loaded(db: Database) -> Database:
    load(db)
    return db


def test_sp_violations_count_every_source_once(loaded: Database) -> None:
    """The fixture has one live anti-spam violation (and one revoked). Add an inspection,
    a complaint-based record, and the anti-spam one copied into the register: 3, not 1."""
    with loaded.uow() as uow:
        s = uow.session
        live = s.scalar(select(am.SpViolation.id).where(am.SpViolation.revoked_at.is_(None)))

        def record(ref: str, source: str, when: datetime, revoked: datetime | None = None) -> dict:
            return {"access_code": SP_CODE, "type": "unconfirmed_charge", "source": source,
                    "source_ref": ref, "serious": True, "penalty_points": 30, "fine_fen": 0,
                    "evidence": {}, "occurred_at": when, "recorded_by": "t",
                    "revoked_at": revoked}  # fmt: skip

        s.execute(insert(pm.SpViolationRecord), [
            record(f"antispam:{live}", "antispam", at(6, 4)),  # the same one, copied
            record("ticket:T3", "complaint", at(6, 8)),
            record("inspection:1", "inspection", at(6, 9)),
            record("inspection:2", "inspection", at(6, 9), revoked=at(6, 10)),
            record("inspection:3", "inspection", at(5, 9)),  # May
        ])  # fmt: skip
        uow.commit()
    got = qs.compute(loaded, [MONTH], ["SP_VIOLATIONS"], now=AS_OF)
    assert got.value("SP_VIOLATIONS", "HQ", MONTH) == 3.0
    by_sp = qs.breakdown(loaded, "SP_VIOLATIONS", "sp", MONTH, "HQ")
    assert [(f.dim_value, f.value) for f in by_sp] == [(SP_CODE, 3.0)]
    _, rows = qs.details(loaded, "SP_VIOLATIONS", "HQ", MONTH)
    assert sorted(r[0] for r in rows) == [f"antispam:{live}", "inspection:1", "ticket:T3"]


def test_s1_counts_only_tickets_whose_24_hours_have_passed(loaded: Database) -> None:
    """XZ in June: T1 (10 h) and T4 (1 h) answered in time, T2 (30 h) late, T3 never: 50 %.
    A ticket filed two hours before the figure is taken is not yet a failure."""
    with loaded.uow() as uow:
        uow.session.execute(insert(cm.Ticket), [
            _ticket("T9", "XZ", XZ[3], "NET.COV.INDOOR", "sms", at(6, 30, 13), None,
                    at(6, 30, 16), at(7, 2), None),
        ])  # fmt: skip
        uow.commit()
    got = qs.compute(loaded, [MONTH], ["CMP_RESP24", "CMP_RESP_ONTIME"], now=AS_OF)
    assert got.value("CMP_RESP24", "XZ", MONTH) == 50.0  # not 2 of 5
    assert got.value("CMP_RESP_ONTIME", "XZ", MONTH) == 50.0  # its deadline has not passed
    later = qs.compute(loaded, [MONTH], ["CMP_RESP24"], now=datetime(2024, 7, 2, tzinfo=UTC))
    assert later.value("CMP_RESP24", "XZ", MONTH) == 40.0  # now it is late
    (s1,) = q.check_standards(got.of("XZ", MONTH), [q.STANDARDS[0]])
    assert s1.outcome is q.Outcome.FAIL and s1.denominator == 4


def test_a_window_not_yet_closed_is_no_data_not_a_failure(loaded: Database) -> None:
    """QH's only June ticket (T5) was answered; a fresh unanswered one changes nothing.
    With only open cases there is no data at all."""
    with loaded.uow() as uow:
        uow.session.execute(insert(cm.Ticket), [
            _ticket("T8", "SC", None, "NET.COV.INDOOR", "sms", at(6, 30, 14), None,
                    at(6, 30, 20), at(7, 2), None),
        ])  # fmt: skip
        uow.commit()
    got = qs.compute(loaded, [MONTH], ["CMP_RESP24", "SPAM_48H"], now=AS_OF)
    assert got.value("CMP_RESP24", "SC", MONTH) is None
    (s1,) = q.check_standards(got.of("SC", MONTH), [q.STANDARDS[0]])
    assert s1.outcome is q.Outcome.NO_DATA
    # QH's spam report of 10 June, never handled: its 48 hours are over, a failure
    assert got.value("SPAM_48H", "QH", MONTH) == 0.0
    early = qs.compute(loaded, [MONTH], ["SPAM_48H"], now=datetime(2024, 6, 11, tzinfo=UTC))
    assert early.value("SPAM_48H", "QH", MONTH) is None  # reported 14 h before: still open


def test_an_sp_without_subscribers_gets_no_score_no_tier_and_is_not_published(
    db: Database,
) -> None:
    """The demo's SPs have no subscriptions in the small seed: no data, not 100 and A."""
    results = partners.run_month(db, "2024-06", now=AS_OF)
    assert results and all(r.score is None and r.tier is None for r in results)
    assert all(r.action == "none" for r in results)
    assert partners.disclosed(db, "2024-06") == []
    with db.uow() as uow:
        assert uow.session.scalars(select(pm.SpScore)).all() == []
