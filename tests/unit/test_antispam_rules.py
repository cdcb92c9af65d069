"""The anti-spam filter order, sensitivity thresholds, rule values and flagging thresholds."""

from __future__ import annotations

import pytest

from telcare.domain import antispam_rules as r
from telcare.domain.errors import Conflict, InvalidInput

SPAM = (True, 0.99)
HAM = (False, 0.01)


def never(_threshold: float | None) -> tuple[bool, float]:
    raise AssertionError("the classifier should not be asked")


def test_restricted_sender_is_stopped_before_anything_else() -> None:
    rules = r.Rules(allow=frozenset({"13512345678"}))
    decision = r.decide("13512345678", "hi", rules, never, r.SenderStatus.RESTRICTED)
    assert (decision.action, decision.reason) == (r.Action.STOP, r.Reason.SENDER_RESTRICTED)


def test_allowlist_beats_blocklist_keywords_and_classifier() -> None:
    rules = r.Rules(
        allow=frozenset({"13512345678"}), numbers=frozenset({"13512345678"}), keywords=("贷款",)
    )
    decision = r.decide("13512345678", "贷款", rules, never)
    assert decision.delivered and decision.reason is r.Reason.ALLOWLIST


@pytest.mark.parametrize(
    ("sender", "text", "reason", "detail"),
    [
        ("13512345678", "hello", r.Reason.BLOCKED_NUMBER, "13512345678"),
        ("10659000123", "hello", r.Reason.BLOCKED_PREFIX, "106590"),
        ("13600000000", "低息ＬＯＡＮ 贷款", r.Reason.KEYWORD, "loan"),
    ],
)
def test_personal_rules_quarantine(sender: str, text: str, reason: r.Reason, detail: str) -> None:
    rules = r.Rules(
        numbers=frozenset({"13512345678"}), prefixes=("106590",), keywords=("loan", "贷款")
    )
    decision = r.decide(sender, text, rules, never)
    assert (decision.action, decision.reason, decision.detail) == (
        r.Action.QUARANTINE,
        reason,
        detail,
    )


def test_flagged_sender_is_quarantined_unless_allowed() -> None:
    assert r.decide("1066000001", "x", r.Rules(), never, r.SenderStatus.FLAGGED).reason is (
        r.Reason.SENDER_FLAGGED
    )
    allowed = r.Rules(allow=frozenset({"1066000001"}))
    assert r.decide("1066000001", "x", allowed, never, r.SenderStatus.FLAGGED).delivered


def test_sensitivity_sets_the_classifier_threshold() -> None:
    asked: list[float | None] = []

    def classify(threshold: float | None) -> tuple[bool, float]:
        asked.append(threshold)
        return ((threshold or 0.5) <= 0.6, 0.6)

    strict = r.decide("1", "x", r.Rules(sensitivity=r.Sensitivity.STRICT), classify)
    normal = r.decide("1", "x", r.Rules(), classify)
    off = r.decide("1", "x", r.Rules(sensitivity=r.Sensitivity.OFF), never)
    # Normal holds only a high score (issue 19): 0.6 passes, while strict holds it.
    assert asked == [r.STRICT_THRESHOLD, r.QUARANTINE_SCORE]
    assert strict.reason is r.Reason.CLASSIFIER and strict.score == 0.6
    assert normal.delivered and normal.score == 0.6
    assert off.delivered and off.score is None


def test_classifier_decides_last() -> None:
    assert r.decide("1", "x", r.Rules(), lambda _t: SPAM).action is r.Action.QUARANTINE
    assert r.decide("1", "x", r.Rules(), lambda _t: HAM).action is r.Action.DELIVER


def test_fingerprint_ignores_width_case_and_spacing() -> None:
    assert r.fingerprint("Win ＦＲＥＥ  cash") == r.fingerprint(" win free cash ")
    assert r.fingerprint("a") != r.fingerprint("b")


def test_rule_values() -> None:
    assert r.rule_value(r.RuleKind.NUMBER, "+86 135-1234-5678") == "13512345678"
    assert r.rule_value(r.RuleKind.PREFIX, "1065") == "1065"
    assert r.rule_value(r.RuleKind.KEYWORD, "  ＬＯＡＮ ") == "loan"
    for kind, bad in [
        (r.RuleKind.NUMBER, "abc"),
        (r.RuleKind.NUMBER, "123"),
        (r.RuleKind.PREFIX, "10"),
        (r.RuleKind.KEYWORD, "   "),
        (r.RuleKind.KEYWORD, "x" * 21),
    ]:
        with pytest.raises(InvalidInput):
            r.rule_value(kind, bad)


def test_rule_limits() -> None:
    r.check_limit(r.RuleKind.NUMBER, r.MAX_NUMBER_RULES - 1)
    with pytest.raises(Conflict) as err:
        r.check_limit(r.RuleKind.PREFIX, r.MAX_NUMBER_RULES)
    assert err.value.key == "antispam.limit_numbers"
    with pytest.raises(Conflict) as err:
        r.check_limit(r.RuleKind.KEYWORD, r.MAX_KEYWORD_RULES)
    assert err.value.params == {"limit": 50}


def test_sender_kinds_and_what_a_flag_does() -> None:
    assert r.sender_kind("1066000001", on_net=False) is r.SenderKind.SP
    assert r.sender_kind("13800138000", on_net=True) is r.SenderKind.ON_NET
    assert r.sender_kind("13512345678", on_net=False) is r.SenderKind.OFF_NET
    assert r.status_after_flag(r.SenderKind.ON_NET) is r.SenderStatus.RESTRICTED
    assert r.status_after_flag(r.SenderKind.SP) is r.SenderStatus.FLAGGED


@pytest.mark.parametrize(
    ("reporters", "score", "expected"),
    [
        (r.FLAG_REPORTERS, None, r.FlagReason.REPORTERS),
        (r.FLAG_REPORTERS - 1, 0.5, None),
        (r.FLAG_HIGH_SCORE_REPORTERS, r.FLAG_HIGH_SCORE, r.FlagReason.HIGH_SCORE),
        (r.FLAG_HIGH_SCORE_REPORTERS - 1, 1.0, None),
        (r.FLAG_HIGH_SCORE_REPORTERS, r.FLAG_HIGH_SCORE - 0.01, None),
        (0, None, None),
    ],
)
def test_flag_thresholds(
    reporters: int, score: float | None, expected: r.FlagReason | None
) -> None:
    assert r.should_flag(reporters, score) is expected


def test_flag_policy_is_adjustable() -> None:
    assert r.should_flag(2, None, r.FlagPolicy(reporters=2)) is r.FlagReason.REPORTERS
    assert r.mean([None, 0.5, 1.0]) == 0.75 and r.mean([]) is None


def test_enterprise_sender_skips_standing_and_classifier_but_not_block_lists() -> None:
    ok = r.decide("10086", "x", r.Rules(), never, r.SenderStatus.FLAGGED, enterprise=True)
    assert ok.delivered and ok.reason is r.Reason.ENTERPRISE
    blocked = r.decide("10086", "x", r.Rules(numbers=frozenset({"10086"})), never, enterprise=True)
    assert blocked.reason is r.Reason.BLOCKED_NUMBER
    stopped = r.decide("10086", "x", r.Rules(), never, r.SenderStatus.RESTRICTED, enterprise=True)
    assert stopped.action is r.Action.STOP
