"""Loyalty services on SQLite and PostgreSQL: accrual, expiry, redemption, delivery
orders, refunds exactly once, merchant codes, settlement, and no overselling."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from time_machine import TimeMachineFixture

from telcare.demo.loyalty import seed_loyalty
from telcare.domain import loyalty as rules
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from telcare.domain.ledger import PointsKind
from telcare.services import accounts, loyalty, orders, selfcare
from telcare.services.loyalty import gifts
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store.uow import Database
from tests.clock import LOYALTY_SEASON
from tests.conftest import BACKENDS, Templates, db_at

BJ, GD, SH = "13800138000", "13900139000", "13700137000"
HQ = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
GD_AGENT = Principal(Kind.STAFF, "gd-agent", "GD", "agent")
BJ_AGENT = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")


@pytest.fixture(params=BACKENDS)
def ldb(
    request: pytest.FixtureRequest,
    templates: Templates,
    tmp_path: Path,
    time_machine: TimeMachineFixture,
) -> Iterator[Database]:
    """The demo seeded in the 2026 campaigns, with the test's clock starting there too."""
    for db in db_at(LOYALTY_SEASON, request.param, templates, tmp_path, time_machine):
        seed_loyalty(db)
        yield db


def points(db: Database, msisdn: str) -> int:
    return selfcare.overview(db, msisdn).points


def ledger_ok(db: Database) -> None:
    """Every account's points equal the sum of its points ledger."""
    with db.uow() as uow:
        for account in uow.session.scalars(select(m.Account)):
            assert account.points == loyalty.points_sum(uow.session, account.id)
            assert account.points >= 0


def stock(db: Database, code: str) -> dict[str, int]:
    with db.uow() as uow:
        return gifts._stock(uow.session, code)


def redeem(db: Database, msisdn: str, code: str, **kw: object) -> loyalty.Redeemed:
    loyalty.request_redemption(db, msisdn, code, channel="web", **kw)  # type: ignore[arg-type]
    return loyalty.confirm_redemption(db, msisdn)


def test_seed_is_idempotent(ldb: Database) -> None:
    assert seed_loyalty(ldb) == {}
    codes = {g.code for g in loyalty.catalog(ldb)}
    assert {"G001", "G002", "G003", "M101", "M201"} <= codes


def test_accrual_from_spending_and_recharge_once(ldb: Database) -> None:
    before = points(ldb, GD)  # M-Zone: 1 point/yuan spent, x2 in the 2026 season
    accounts.charge(ldb, GD, 1000, idempotency_key="c1")  # 10 yuan
    accounts.recharge(ldb, GD, 2000, idempotency_key="r1")  # 20 yuan: 0.5 + 0.5 bonus
    when = datetime(2026, 11, 25, tzinfo=UTC)
    first = loyalty.accrue(ldb, now=when + timedelta(days=1))
    again = loyalty.accrue(ldb, now=when + timedelta(days=1))
    assert again.entries == 0 and again.points == 0
    # opening balances (recharges) also earned; GD's own: 10 yuan x1 x2 + 20 yuan x1
    gained = points(ldb, GD) - before
    assert gained == 20 + 20 + 30  # + the 30.00 yuan opening recharge
    assert first.points >= gained
    ledger_ok(ldb)


def test_accrual_small_charges_add_up(ldb: Database) -> None:
    loyalty.accrue(ldb)  # opening recharges
    before = points(ldb, SH)  # Easy Own: 1 point per yuan
    for i in range(3):
        accounts.adjust(ldb, SH, 100, credit=True, idempotency_key=f"a{i}", reason="t")
        accounts.charge(ldb, SH, 40, idempotency_key=f"s{i}")
        loyalty.accrue(ldb, msisdn=SH)
    assert points(ldb, SH) - before == 1  # 3 x 0.40 yuan = 1.2 points
    ledger_ok(ldb)


def test_expiry_of_unused_points(ldb: Database) -> None:
    # Opening points were posted now (2026): they expire when 2028 begins.
    with pytest.raises(InvalidInput):
        loyalty.expire(ldb, 2026, now=datetime(2027, 6, 1, tzinfo=UTC))
    redeem(ldb, BJ, "G001")  # 1,000 of BJ's 5,000 used
    done = loyalty.expire(ldb, 2026, now=datetime(2028, 1, 1, 1, tzinfo=UTC))
    assert points(ldb, BJ) == 0 and points(ldb, GD) == 0
    assert done.points >= 4000 + 800
    again = loyalty.expire(ldb, 2026, now=datetime(2028, 1, 2, tzinfo=UTC))
    assert again.points == 0
    ledger_ok(ldb)


def test_mall_browse_and_search(ldb: Database) -> None:
    bj = {g.code: g for g in loyalty.mall(ldb, BJ)}
    assert {"G001", "G002", "M101", "M201"} <= set(bj)
    assert bj["G001"].kind == "physical" and bj["G001"].stock == 300
    assert bj["M101"].merchant and bj["M101"].stock is None
    assert "M101" not in {g.code for g in loyalty.mall(ldb, GD)}  # a Beijing restaurant
    assert [g.code for g in loyalty.mall(ldb, BJ, "umbrella")] == ["G002"]
    assert not loyalty.mall(ldb, SH)[0].affordable


def test_redeem_cross_province_and_follow_timeline(ldb: Database) -> None:
    # G002 is stocked in GD and ZJ only: BJ's parcel comes from the nearest, ZJ.
    done = redeem(ldb, BJ, "G002")
    assert done.warehouse == "ZJ" and done.order_id is not None
    assert points(ldb, BJ) == 4400
    assert stock(ldb, "G002") == {"GD": 30, "ZJ": 19}
    assert "ZJ" not in done.message_params["warehouse"]  # shown as a province name
    for target in ("picked", "shipped", "delivered"):
        loyalty.advance_order(ldb, HQ, done.order_id, target, note=f"step {target}")
    (order,) = loyalty.my_orders(ldb, BJ)
    assert order.cross_province and order.state == "delivered"
    assert [e.state for e in order.timeline] == ["placed", "picked", "shipped", "delivered"]
    with pytest.raises(Conflict):
        loyalty.advance_order(ldb, HQ, done.order_id, "cancelled")
    loyalty.advance_order(ldb, HQ, done.order_id, "returned")
    assert points(ldb, BJ) == 5000
    with pytest.raises(Conflict):
        loyalty.advance_order(ldb, HQ, done.order_id, "returned")
    assert points(ldb, BJ) == 5000
    ledger_ok(ldb)


def test_cancel_refunds_exactly_once(ldb: Database) -> None:
    done = redeem(ldb, BJ, "G001")
    assert done.warehouse == "BJ"
    assert stock(ldb, "G001")["BJ"] == 49
    order_id = done.order_id
    assert order_id is not None
    view = loyalty.cancel_order(ldb, BJ, order_id)
    assert view.state == "cancelled" and view.refunded
    assert points(ldb, BJ) == 5000 and stock(ldb, "G001")["BJ"] == 50
    for _ in range(2):
        with pytest.raises(Conflict):
            loyalty.cancel_order(ldb, BJ, order_id)
    assert points(ldb, BJ) == 5000
    with ldb.uow() as uow:
        kinds = [
            e.kind
            for e in uow.session.scalars(
                select(m.PointsEntry).where(m.PointsEntry.reason.startswith(f"订单{order_id}"))
            )
        ]
    assert kinds == [PointsKind.REVERSAL.value]
    ledger_ok(ldb)


def test_subscriber_cannot_cancel_after_pick_and_others_cannot_see(ldb: Database) -> None:
    done = redeem(ldb, BJ, "G001")
    assert done.order_id is not None
    with pytest.raises(NotFound):  # neither from nor to GD: not GD's to see
        loyalty.advance_order(ldb, GD_AGENT, done.order_id, "picked")
    loyalty.advance_order(ldb, BJ_AGENT, done.order_id, "picked")
    with pytest.raises(Conflict):
        loyalty.cancel_order(ldb, BJ, done.order_id)
    with pytest.raises(NotFound):
        loyalty.cancel_order(ldb, GD, done.order_id)
    assert [o.id for o in loyalty.fulfilment_queue(ldb, BJ_AGENT)] == [done.order_id]
    assert loyalty.fulfilment_queue(ldb, GD_AGENT) == []
    loyalty.advance_order(ldb, BJ_AGENT, done.order_id, "cancelled")  # staff may, before shipping
    assert points(ldb, BJ) == 5000


def test_redemption_refusals(ldb: Database) -> None:
    with pytest.raises(DomainError) as err:
        loyalty.request_redemption(ldb, SH, "G001", channel="sms")
    assert err.value.key == "loyalty.points_short"
    with pytest.raises(DomainError) as err:
        loyalty.request_redemption(ldb, GD, "G002", channel="sms")
    assert err.value.key == "loyalty.address_needed"
    with pytest.raises(NotFound):
        loyalty.request_redemption(ldb, BJ, "NOPE", channel="sms")
    with ldb.uow() as uow:
        uow.session.execute(
            update(m.GiftStock).where(m.GiftStock.gift_code == "G003").values(quantity=0)
        )
        uow.commit()
    with pytest.raises(loyalty.OutOfStock):
        loyalty.request_redemption(ldb, BJ, "G003", channel="sms")
    assert points(ldb, BJ) == 5000


def test_address_for_another_province(ldb: Database) -> None:
    addr = rules.Address("Li Na", "13900139000", "HI", "Haikou", "1 Binhai Ave")
    pending = loyalty.request_redemption(ldb, GD, "G002", channel="web", address=addr, save=True)
    assert pending.address == addr
    assert loyalty.default_address(ldb, GD) == addr
    done = loyalty.confirm_redemption(ldb, GD)
    assert done.warehouse == "GD"  # Haikou's nearest stock


def test_merchant_code_once_and_only_by_its_merchant(ldb: Database) -> None:
    done = redeem(ldb, BJ, "M201")
    assert done.code and len(done.code) == rules.CODE_DIGITS
    assert points(ldb, BJ) == 2000
    (mine,) = loyalty.my_codes(ldb, BJ)
    assert mine.status(datetime.now(UTC)) == "valid" and "<svg" in mine.qr_svg
    with pytest.raises(NotFound):
        loyalty.verify_code(ldb, "M0001", done.code)  # another merchant
    ok = loyalty.verify_code(ldb, "M0002", f" {done.code[:4]}-{done.code[4:]} ")
    assert ok.used_at is not None and ok.msisdn_masked == "138****8000"
    with pytest.raises(loyalty.CodeRefused) as err:
        loyalty.verify_code(ldb, "M0002", done.code)
    assert err.value.key == "loyalty.code_used"
    rows = loyalty.settlement(ldb)
    assert [(r.merchant_code, r.redemptions, r.points, r.amount_fen) for r in rows] == [
        ("M0002", 1, 3000, 3600)
    ]
    csv = loyalty.settlement_csv(rows)
    assert csv.splitlines()[1].endswith(",1,3000,36.00")


def test_expired_code_refused(ldb: Database) -> None:
    done = redeem(ldb, BJ, "M101")
    assert done.code is not None
    later = datetime.now(UTC) + timedelta(days=15)
    with pytest.raises(loyalty.CodeRefused) as err:
        loyalty.verify_code(ldb, "M0001", done.code, now=later)
    assert err.value.key == "loyalty.code_expired"


def test_merchant_login_and_token(ldb: Database) -> None:
    loyalty.set_merchant_password(ldb, "M0001", "secret-1")
    with pytest.raises(DomainError):
        loyalty.authenticate_merchant(ldb, "M0001", "wrong")
    who = loyalty.authenticate_merchant(ldb, "m0001", "secret-1")
    assert loyalty.read_merchant_token(ldb, loyalty.issue_merchant_token(who)) == who
    with pytest.raises(DomainError):
        loyalty.read_merchant_token(ldb, "forged")


def test_stock_management(ldb: Database) -> None:
    assert loyalty.set_stock(ldb, BJ_AGENT, "G002", "BJ", 7) == 7
    assert stock(ldb, "G002")["BJ"] == 7
    with pytest.raises(Forbidden):
        loyalty.set_stock(ldb, BJ_AGENT, "G002", "GD", 7)
    with pytest.raises(InvalidInput):
        loyalty.set_stock(ldb, HQ, "M101", "BJ", 7)
    loyalty.set_gift_active(ldb, HQ, "G002", False)
    assert "G002" not in {g.code for g in loyalty.mall(ldb, BJ)}


def test_pending_redemption_and_decline(ldb: Database) -> None:
    loyalty.request_redemption(ldb, BJ, "G001", channel="web")
    pending = loyalty.pending_redemption(ldb, BJ)
    assert pending is not None and pending.points == 1000 and pending.address is not None
    orders.decline(ldb, BJ)
    assert loyalty.pending_redemption(ldb, BJ) is None
    assert points(ldb, BJ) == 5000


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    ops=st.lists(
        st.sampled_from(["charge", "recharge", "accrue", "redeem", "cancel", "return"]),
        max_size=12,
    )
)
def test_points_equal_their_ledger(ldb: Database, ops: list[str]) -> None:
    """Whatever happens, points equal the sum of the points ledger and stay >= 0."""
    with ldb.uow() as uow:
        n = uow.session.scalar(select(m.PointsEntry.id).order_by(m.PointsEntry.id.desc()))
    tag = f"{n}-{len(ops)}"
    for i, op in enumerate(ops):
        key = f"h{tag}-{i}"
        try:
            if op == "charge":
                accounts.charge(ldb, GD, 777, idempotency_key=key)
            elif op == "recharge":
                accounts.recharge(ldb, GD, 1234, idempotency_key=key)
            elif op == "accrue":
                loyalty.accrue(ldb)
            elif op == "redeem":
                addr = rules.Address("Li", "13900139000", "GD", "Guangzhou", "1 Road")
                loyalty.request_redemption(ldb, GD, "G002", channel="web", address=addr)
                loyalty.confirm_redemption(ldb, GD)
            else:
                for o in loyalty.my_orders(ldb, GD):
                    if op == "cancel" and o.state == "placed":
                        loyalty.cancel_order(ldb, GD, o.id)
                    elif op == "return" and o.state == "placed":
                        for step in ("picked", "shipped", "returned"):
                            loyalty.advance_order(ldb, HQ, o.id, step)
        except DomainError:
            pass
        ledger_ok(ldb)


@pytest.mark.postgres
def test_concurrent_redemptions_never_oversell(pg_schema_url: str) -> None:
    """40 subscribers redeem the last 5 units at once on PostgreSQL: 5 win, none oversold."""
    from telcare.demo.seed import seed_demo
    from telcare.store.migrate import upgrade

    db = Database(pg_schema_url)
    upgrade(pg_schema_url, db.engine)
    seed_demo(db, subscribers=43)
    seed_loyalty(db)
    with db.uow() as uow:
        s = uow.session
        s.execute(update(m.GiftStock).where(m.GiftStock.gift_code == "G003").values(quantity=0))
        s.execute(
            update(m.GiftStock)
            .where(m.GiftStock.gift_code == "G003", m.GiftStock.province_code == "SC")
            .values(quantity=5)
        )
        subs = s.scalars(select(m.Subscriber).order_by(m.Subscriber.id)).all()
        numbers = [x.msisdn for x in subs][:40]
        for x in subs[:40]:
            if x.account.points != 10_000:
                loyalty.post_points(
                    s,
                    x.account,
                    PointsKind.ADJUSTMENT,
                    10_000 - x.account.points,
                    reason="test",
                    now=datetime.now(UTC),
                )
            s.merge(
                lm.DeliveryAddress(
                    subscriber_id=x.id,
                    recipient="X",
                    phone="13800000000",
                    province_code="SC",
                    city="Chengdu",
                    street="1 Road",
                    updated_at=datetime.now(UTC),
                )
            )
        uow.commit()
    for n in numbers:
        loyalty.request_redemption(db, n, "G003", channel="api")
    barrier = threading.Barrier(len(numbers))
    won: list[str] = []
    lost: list[str] = []

    def go(n: str) -> None:
        barrier.wait()
        try:
            loyalty.confirm_redemption(db, n)
            won.append(n)
        except loyalty.OutOfStock:
            lost.append(n)

    threads = [threading.Thread(target=go, args=(n,)) for n in numbers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 5 and len(lost) == 35
    assert sum(stock(db, "G003").values()) == 0
    with db.uow() as uow:
        assert uow.session.scalar(
            select(lm.DeliveryOrder.id).where(lm.DeliveryOrder.gift_code == "G003").limit(1)
        )
        count = len(
            uow.session.scalars(
                select(lm.DeliveryOrder).where(lm.DeliveryOrder.gift_code == "G003")
            ).all()
        )
    assert count == 5
    ledger_ok(db)
    db.dispose()


def test_points_from_rated_usage_and_a_recharge(ldb: Database, tmp_path) -> None:
    """The issue's demo: rated usage and a recharge earn points (GoTone: 2 a yuan spent;
    top-ups 0.5 a yuan plus the 2026 top-up bonus of 0.5)."""
    from telcare.services import charging

    loyalty.accrue(ldb)  # what the opening balances earned
    before = points(ldb, BJ)
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "record_id,msisdn,service,started_at,volume,roaming,peer\n"
        f"u1,{BJ},data,2026-10-06 10:00:00,1000,0,\n",  # before any allowance: 10.00 yuan
        encoding="utf-8",
    )
    assert charging.ingest(ldb, usage).charged_fen == 1000
    accounts.recharge(ldb, BJ, 5000, idempotency_key="demo-topup")  # 50.00 yuan
    loyalty.accrue(ldb)
    assert points(ldb, BJ) - before == 20 + 50
    ledger_ok(ldb)
