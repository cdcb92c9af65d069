"""Sender standing from behaviour: the thresholds decide, and texts differing only in
numbers look the same."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from telcare.domain import sender_standing as s

POLICY = s.StandingPolicy()


def test_same_text_to_many_recipients_restricts() -> None:
    seen = s.Activity(recipients=60, same_text_recipients=50, line_age_days=400)
    assert s.behaviour_verdict(seen) is s.BehaviourReason.SAME_TEXT
    assert s.behaviour_verdict(s.Activity(60, 49, 400)) is None


def test_many_recipients_restricts_whatever_the_texts() -> None:
    assert s.behaviour_verdict(s.Activity(150, 1, 400)) is s.BehaviourReason.RECIPIENTS
    assert s.behaviour_verdict(s.Activity(149, 1, 400)) is None


def test_a_new_line_is_restricted_sooner() -> None:
    assert s.behaviour_verdict(s.Activity(30, 1, 3)) is s.BehaviourReason.NEW_LINE_BULK
    assert s.behaviour_verdict(s.Activity(30, 1, 30)) is None
    assert s.behaviour_verdict(s.Activity(30, 1, None)) is None


def test_thresholds_are_data() -> None:
    strict = s.StandingPolicy(same_text_recipients=5)
    assert s.behaviour_verdict(s.Activity(5, 5, 400), strict) is s.BehaviourReason.SAME_TEXT


def test_shingles_ignore_numbers_case_width_and_spaces() -> None:
    assert s.shingles("验证码 123456") == s.shingles("验证码987654")
    assert s.shingles("ＣＬＩＣＫ Here") == s.shingles("click here")
    assert s.shingles("") == ["\0\0\0"] and s.shingles("Ab") == ["ab\0"]


@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_texts_differing_in_numbers_share_all_shingles(a: int, b: int) -> None:
    one, two = f"照片在这里 http://t.cn/A{a}", f"照片在这里 http://t.cn/A{b}"
    if len(str(a)) == len(str(b)):
        assert s.shingles(one) == s.shingles(two)
