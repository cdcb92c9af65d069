"""The SP credit score formula, tiers, tier rules and the suspension/termination policy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from telcare.domain import partners as p
from telcare.domain.months import next_month


def test_a_clean_month_scores_100_and_is_a() -> None:
    s = p.score(p.ScoreInputs(subscribers=1000, complaints=0))
    assert (s.value, s.tier) == (Decimal(100), p.Tier.A)


def test_formula_by_hand() -> None:
    inputs = p.ScoreInputs(
        subscribers=20_000,
        complaints=6,  # 3 per 10,000 -> 6 points
        ratings=(3, 4),  # mean 3.5 -> 5 points
        violations={p.ViolationType.FALSE_ADVERTISING: 1},  # 10 points
        fees_fen=100_000,
        refunds_fen=2_000,  # 2 % -> 2 points
    )
    s = p.score(inputs)
    assert s.parts == {
        "complaints": Decimal("6.0"),
        "satisfaction": Decimal("5.0"),
        "violations": Decimal("10.0"),
        "refunds": Decimal("2.0"),
    }
    assert (s.value, s.tier) == (Decimal("77.0"), p.Tier.B)


def test_caps_and_floor() -> None:
    s = p.score(
        p.ScoreInputs(
            subscribers=1,
            complaints=5,
            ratings=(1,),
            violations={p.ViolationType.UNCONFIRMED_CHARGE: 3},
            refunds_fen=1,
        )
    )
    assert s.parts["complaints"] == 30 and s.parts["satisfaction"] == 20
    assert s.parts["refunds"] == 20 and (s.value, s.tier) == (Decimal(0), p.Tier.D)


@pytest.mark.parametrize(
    ("value", "violation", "tier"),
    [(95, False, "A"), (95, True, "B"), (90, False, "A"), (89.9, False, "B"), (75, True, "B"),
     (74.9, False, "C"), (60, False, "C"), (59.9, False, "D")],
)  # fmt: skip
def test_tier_floors(value: float, violation: bool, tier: str) -> None:
    assert p.tier_for(Decimal(str(value)), violation).value == tier


def test_tier_rules() -> None:
    assert p.rules_for(p.Tier.A) == p.TierRules(True, 0, False, True)
    assert p.rules_for(p.Tier.D).reconfirm and not p.rules_for(p.Tier.C).launch_allowed
    assert p.settlement_held(p.Tier.C, 1000) == 300 and p.settlement_held(p.Tier.B, 1000) == 0
    assert p.rules_for(None) == p.rules_for(p.Tier.B)


def test_policy() -> None:
    active, suspended = p.SpStatus.ACTIVE, p.SpStatus.SUSPENDED
    assert p.decide(active, p.Tier.B, 1, 1) is p.Action.SUSPEND
    assert p.decide(active, p.Tier.D, 0, 0) is p.Action.SUSPEND
    assert p.decide(suspended, p.Tier.B, 1, 2) is p.Action.NONE
    assert p.decide(suspended, p.Tier.B, 0, 2) is p.Action.REINSTATE
    assert p.decide(suspended, p.Tier.C, 0, 2) is p.Action.NONE
    assert p.decide(active, p.Tier.A, 0, 0) is p.Action.NONE
    assert p.decide(active, p.Tier.D, 3, 3) is p.Action.TERMINATE
    assert p.decide(p.SpStatus.TERMINATED, p.Tier.D, 3, 3) is p.Action.NONE
    assert p.refund_on_termination(frozenset({p.ViolationType.UNCONFIRMED_CHARGE}))
    assert not p.refund_on_termination(frozenset({p.ViolationType.SPAM}))
    assert p.window_start("2026-03") == date(2025, 4, 1)


def test_consent_rules_and_orders() -> None:
    assert p.can_charge(p.SubState.ACTIVE, 1, False)
    assert not p.can_charge(p.SubState.PENDING, None, False)
    assert not p.can_charge(p.SubState.ACTIVE, None, False)
    assert not p.can_charge(p.SubState.ACTIVE, 1, True)
    assert not p.can_charge(p.SubState.CANCELLED, 1, False)
    assert [p.parse_sp_order(t) for t in ("DGYY", "dg yy", "ＹＹ", "订购YY", "好的谢谢!?", "")] == [
        "YY", "YY", "YY", "YY", None, None,
    ]  # fmt: skip
    assert next_month("2026-12") == "2027-01" and next_month("2026-01") == "2026-02"
