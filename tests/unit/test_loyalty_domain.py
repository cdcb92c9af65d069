"""Loyalty rules: accrual, tiers, campaigns, expiry, order states, warehouses, codes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telcare.domain import loyalty as ly
from telcare.domain.errors import Conflict, InvalidInput, NotEligible

D = Decimal
RULES = [
    ly.AccrualRule(ly.Source.SPEND, D(1)),
    ly.AccrualRule(ly.Source.SPEND, D(2), brand="GOTONE"),
    ly.AccrualRule(ly.Source.SPEND, D(3), brand="GOTONE", tier="gold"),
    ly.AccrualRule(ly.Source.SPEND, D("1.5"), tier="gold"),
    ly.AccrualRule(ly.Source.RECHARGE, D("0.5")),
]
TIERS = [
    ly.Tier("standard", "普通", "Standard", 0),
    ly.Tier("silver", "银卡", "Silver", 10_000),
    ly.Tier("gold", "金卡", "Gold", 30_000),
]
DAY = date(2026, 5, 1)


def test_most_specific_rule_wins() -> None:
    assert ly.rate(RULES, [], ly.Source.SPEND, "GOTONE", "gold", DAY) == 3
    assert ly.rate(RULES, [], ly.Source.SPEND, "GOTONE", "silver", DAY) == 2
    assert ly.rate(RULES, [], ly.Source.SPEND, "MZONE", "gold", DAY) == D("1.5")
    assert ly.rate(RULES, [], ly.Source.SPEND, "MZONE", None, DAY) == 1
    assert ly.rate(RULES, [], ly.Source.RECHARGE, "MZONE", None, DAY) == D("0.5")


def test_rules_in_force_by_date() -> None:
    old = ly.AccrualRule(ly.Source.SPEND, D(5), valid_to=date(2026, 1, 1))
    new = ly.AccrualRule(ly.Source.SPEND, D(7), valid_from=date(2026, 1, 1))
    assert ly.rate([old, new], [], ly.Source.SPEND, "X", None, date(2025, 12, 31)) == 5
    assert ly.rate([old, new], [], ly.Source.SPEND, "X", None, date(2026, 1, 1)) == 7
    assert ly.rate([], [], ly.Source.SPEND, "X", None, DAY) == 0


def test_campaigns_multiply_and_add_within_their_dates() -> None:
    double = ly.Campaign("NEW09", "新品", "New", date(2009, 1, 1), date(2009, 12, 31), D(2))
    bonus = ly.Campaign(
        "RB", "充值", "Top-up", DAY, DAY, bonus_per_yuan=D(1), source=ly.Source.RECHARGE
    )
    gotone_only = ly.Campaign(
        "GT", "全球通", "GoTone", DAY, DAY, D(3), brands=frozenset({"GOTONE"})
    )
    rules = [ly.AccrualRule(ly.Source.SPEND, D(1))]
    assert ly.rate(rules, [double], ly.Source.SPEND, "X", None, date(2009, 6, 1)) == 2
    assert ly.rate(rules, [double], ly.Source.SPEND, "X", None, date(2010, 1, 1)) == 1
    assert ly.rate(rules, [bonus], ly.Source.RECHARGE, "X", None, DAY) == 1
    assert ly.rate(rules, [gotone_only], ly.Source.SPEND, "GOTONE", None, DAY) == 3
    assert ly.rate(rules, [gotone_only], ly.Source.SPEND, "MZONE", None, DAY) == 1


def test_tiers_from_previous_month() -> None:
    assert ly.tier_for(0, TIERS) == "standard"
    assert ly.tier_for(29_999, TIERS) == "silver"
    assert ly.tier_for(30_000, TIERS) == "gold"
    assert ly.tier_for(-1, TIERS) is None
    assert ly.previous_month(date(2026, 1, 15)) == (date(2025, 12, 1), date(2026, 1, 1))


def test_spend_and_sources() -> None:
    assert ly.spend_of("charge", -150) == 150
    assert ly.spend_of("refund", 150) == -150
    assert ly.spend_of("recharge", 5000) == 5000
    assert ly.spend_of("adjustment", 99) == 0
    assert ly.source_of("charge") is ly.Source.SPEND
    assert ly.source_of("adjustment") is None


@given(st.lists(st.integers(min_value=-5_000, max_value=100_000), max_size=40))
def test_milli_points_add_up_without_double_rounding(spends: list[int]) -> None:
    total, posted = 0, 0
    for fen in spends:
        before = total
        total += ly.milli_points(fen, D(2))
        posted += ly.points_step(before, total)
    assert posted == total // ly.MILLI
    assert ly.milli_points(sum(spends), D(2)) == total


def test_small_charges_still_earn() -> None:
    step = ly.milli_points(37, D(1))  # 0.37 yuan
    assert step == 370
    assert sum(ly.points_step(i * step, (i + 1) * step) for i in range(3)) == 1


def mv(points: int, day: date, kind: str = "accrual") -> ly.PointsMove:
    return ly.PointsMove(points, day, kind)


def test_expiry_end_of_next_year_fifo() -> None:
    moves = [
        mv(1000, date(2024, 3, 1)),
        mv(500, date(2025, 2, 1)),
        mv(-300, date(2025, 6, 1), "redemption"),
    ]
    # 2024's 1,000 points, 300 of them used: 700 expire on 2026-01-01.
    assert ly.expiry_day(2024) == date(2026, 1, 1)
    assert ly.points_to_expire(moves, 2024, 1200) == 700
    after = [*moves, mv(-700, date(2026, 1, 1), "expiry")]
    # 2025's 500 points expire on 2027-01-01; the earlier expiry counts as used.
    assert ly.points_to_expire(after, 2025, 500) == 500
    assert ly.points_to_expire(after, 2024, 500) == 0


def test_expiry_spends_after_cutoff_do_not_save_points_and_balance_caps() -> None:
    moves = [mv(1000, date(2024, 3, 1)), mv(-400, date(2026, 2, 1), "redemption")]
    assert ly.points_to_expire(moves, 2024, 600) == 600
    assert ly.points_to_expire([mv(1000, date(2024, 3, 1))], 2024, 10) == 10


def test_order_state_machine_refunds_once() -> None:
    S = ly.OrderState
    assert ly.transition(S.PLACED, S.PICKED, refunded=False) is False
    assert ly.transition(S.PICKED, S.CANCELLED, refunded=False) is True
    assert ly.transition(S.DELIVERED, S.RETURNED, refunded=False) is True
    with pytest.raises(Conflict):
        ly.transition(S.DELIVERED, S.RETURNED, refunded=True)
    with pytest.raises(Conflict):
        ly.transition(S.SHIPPED, S.CANCELLED, refunded=False)
    with pytest.raises(Conflict):
        ly.transition(S.CANCELLED, S.PLACED, refunded=True)
    for terminal in (S.CANCELLED, S.RETURNED):
        assert ly.next_states(terminal) == frozenset()


def test_warehouse_own_province_then_nearest() -> None:
    stock = {"GD": 5, "SH": 1, "HE": 0, "TJ": 2}
    assert ly.choose_warehouse("SH", stock) == "SH"
    assert ly.choose_warehouse("BJ", stock) == "TJ"  # HE is nearer but empty
    assert ly.choose_warehouse("HI", stock) == "GD"
    assert ly.warehouses_by_distance("ZJ", stock) == ["SH", "TJ", "GD"]
    assert ly.choose_warehouse("BJ", {"GD": 0}) is None
    assert ly.distance_km("BJ", "SH") == pytest.approx(1068, rel=0.02)


def test_eligibility_and_search() -> None:
    gift = ly.GiftOffer(
        "M1", "体检套餐", "Health check", 3000, ly.GiftKind.SERVICE,
        brands=frozenset({"GOTONE"}), provinces=frozenset({"BJ"}),
    )  # fmt: skip
    ly.check_can_redeem(gift, "GOTONE", "BJ", 3000)
    for brand, province, points, key in [
        ("MZONE", "BJ", 9000, "loyalty.gift_brand"),
        ("GOTONE", "GD", 9000, "loyalty.gift_province"),
        ("GOTONE", "BJ", 2999, "loyalty.points_short"),
    ]:
        with pytest.raises(NotEligible) as err:
            ly.check_can_redeem(gift, brand, province, points)
        assert err.value.key == key
    assert ly.search([gift], "health") == [gift]
    assert ly.search([gift], "体检 m1") == [gift]
    assert ly.search([gift], "thermos") == []


def test_addresses() -> None:
    a = ly.check_address(ly.Address(" 张伟 ", "13800138000", "he", "石家庄", "中山路1号"))
    assert a.province == "HE" and a.recipient == "张伟"
    with pytest.raises(InvalidInput):
        ly.check_address(ly.Address("x", "138", "HE", "c", "s"))
    with pytest.raises(InvalidInput):
        ly.check_address(ly.Address("x", "13800138000", "ZZ", "c", "s"))
    with pytest.raises(InvalidInput):
        ly.check_address(ly.Address("x", "13800138000", "HE", "", "s"))


def test_codes() -> None:
    codes = {ly.new_code() for _ in range(200)}
    assert all(len(c) == ly.CODE_DIGITS and c.isdigit() for c in codes)
    assert len(codes) > 190
    assert ly.normalise_code(" 1234-5678 ") == "12345678"
    now = datetime(2026, 5, 1, tzinfo=UTC)
    later = now + timedelta(days=1)
    ok = {"found": True, "merchant_matches": True, "used_at": None, "expires_at": later}
    assert ly.judge_code(**ok, now=now) is ly.CodeVerdict.OK
    assert ly.judge_code(**{**ok, "used_at": now}, now=now) is ly.CodeVerdict.USED
    assert ly.judge_code(**ok, now=later) is ly.CodeVerdict.EXPIRED
    assert ly.judge_code(**{**ok, "merchant_matches": False}, now=now) is ly.CodeVerdict.UNKNOWN
    assert ly.judge_code(**{**ok, "found": False}, now=now) is ly.CodeVerdict.UNKNOWN
