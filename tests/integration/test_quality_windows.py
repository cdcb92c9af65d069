"""The service standards count only cases whose window has closed (#20): a ticket or an
order still inside its window is neither met nor missed, and one whose window ended
without the answer, the resolution or the delivery is a miss."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from telcare.domain import quality as q
from telcare.services import quality as qs
from telcare.store import loyalty_models as ly
from telcare.store import models as m
from telcare.store.uow import Database
from tests.integration.quality_fixture import _ticket

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)
MONTH = "2026-06"
H = timedelta(hours=1)


def _standards(db: Database) -> dict[str, q.StandardResult]:
    result = qs.compute(db, [MONTH], now=NOW)
    return {r.standard.code: r for r in q.check_standards(result.of("BJ", MONTH))}


def _tickets(db: Database, *rows: dict[str, object]) -> None:
    from telcare.store import complaint_models as cm

    with db.uow() as uow:
        uow.session.execute(insert(cm.Ticket), list(rows))
        uow.commit()


def test_tickets_inside_their_windows_are_neither_met_nor_missed(sqlite_db: Database) -> None:
    just_filed = [
        _ticket(f"BJ-NEW{i}", "BJ", None, "NET.COV.INDOOR", "hall", NOW - 5 * 60 * H / 60,
                None, NOW + 24 * H, NOW + 48 * H, None)
        for i in (1, 2)
    ]  # fmt: skip
    _tickets(sqlite_db, *just_filed)
    got = _standards(sqlite_db)
    assert got["S1"].outcome is q.Outcome.NO_DATA  # not "fail (0/2)" minutes after filing
    assert got["S5"].outcome is q.Outcome.NO_DATA


def test_a_resolution_window_that_closed_unresolved_is_a_miss(sqlite_db: Database) -> None:
    _tickets(
        sqlite_db,
        _ticket("BJ-LATE", "BJ", None, "NET.COV.INDOOR", "hall", NOW - 72 * H, NOW - 71 * H,
                NOW - 48 * H, NOW - 24 * H, None),
        _ticket("BJ-OK", "BJ", None, "NET.COV.INDOOR", "hall", NOW - 72 * H, NOW - 71 * H,
                NOW - 48 * H, NOW - 24 * H, NOW - 30 * H),
        _ticket("BJ-OPEN", "BJ", None, "NET.COV.INDOOR", "hall", NOW - 2 * H, None,
                NOW + 22 * H, NOW + 46 * H, None),
    )  # fmt: skip
    s5 = _standards(sqlite_db)["S5"]
    assert (s5.outcome, s5.numerator, s5.denominator) == (q.Outcome.FAIL, 1.0, 2.0)


def test_a_gift_not_delivered_in_seven_days_is_a_miss(sqlite_db: Database) -> None:
    with sqlite_db.uow() as uow:
        s = uow.session
        sub = s.scalars(select(m.Subscriber).where(m.Subscriber.msisdn == "13800138000")).one()
        acc = s.scalars(select(m.Account).where(m.Account.subscriber_id == sub.id)).one()
        pe = s.execute(insert(m.PointsEntry).returning(m.PointsEntry.id), [
            {"account_id": acc.id, "kind": "redeem", "points": -10, "points_after": 0,
             "reason": "r", "created_at": NOW - 10 * 24 * H}]).scalar_one()  # fmt: skip

        def order(state: str, created: datetime) -> dict[str, object]:
            return {"subscriber_id": sub.id, "gift_code": "G001", "points": 10, "state": state,
                    "warehouse": "BJ", "recipient": "r", "phone": "1", "province_code": "BJ",
                    "city": "c", "street": "s", "channel": "web", "points_entry_id": pe,
                    "created_at": created, "updated_at": created}  # fmt: skip

        s.execute(insert(ly.DeliveryOrder), [
            order("shipped", NOW - 9 * 24 * H),  # 9 days, not delivered: a miss
            order("placed", NOW - 24 * H),  # 1 day: still inside its 7 days
        ])  # fmt: skip
        uow.commit()
    s4 = _standards(sqlite_db)["S4"]
    assert (s4.outcome, s4.numerator, s4.denominator) == (q.Outcome.FAIL, 0.0, 1.0)
