"""Reply segmentation: lossless, within the UCS-2 limit, surrogate-safe, near-minimal."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telcare.domain.sms_segments import SIGNATURE, segment, slack, ucs2_units

EMOJI = "😀"  # outside the BMP: two UTF-16 units


@pytest.mark.parametrize(
    ("text", "units"),
    [("", 0), ("abc", 3), ("余额", 2), (EMOJI, 2), ("a😀b", 4), ("👍🏽", 4), ("\ud83d", 1)],
)
def test_ucs2_units(text: str, units: int) -> None:
    assert ucs2_units(text) == units


def test_empty_text_has_no_segments() -> None:
    assert segment("") == []


def test_a_short_reply_is_one_segment() -> None:
    text = "尊敬的客户，您的账户余额为100.00元。【中国移动】"
    assert segment(text) == [text]
    assert segment("x" * 70) == ["x" * 70]


def test_hard_cut_when_there_is_nowhere_to_break() -> None:
    assert segment("x" * 71) == ["x" * 70, "x"]
    assert segment("余" * 150) == ["余" * 70, "余" * 70, "余" * 10]


def test_breaks_after_chinese_punctuation_near_the_limit() -> None:
    text = "余" * 60 + "，" + "额" * 20
    assert segment(text) == ["余" * 60 + "，", "额" * 20]


def test_breaks_after_english_whitespace_near_the_limit() -> None:
    words = "Your balance is 30.00 yuan and your data allowance has 1.5 GB left this month."
    first, *rest = segment(words)
    assert first.endswith(" ") and ucs2_units(first) <= 70
    assert "".join([first, *rest]) == words


def test_no_break_inside_a_number() -> None:
    text = "余" * 65 + "88.00元"
    parts = segment(text)
    assert not any(p.endswith("88.") for p in parts)
    assert "".join(parts) == text


def test_punctuation_far_from_the_limit_is_not_used() -> None:
    text = "余" * 10 + "，" + "额" * 100
    assert segment(text)[0] == "余" * 10 + "，" + "额" * 59


def test_an_emoji_is_never_split() -> None:
    text = "x" * 69 + EMOJI + "y"
    assert segment(text) == ["x" * 69, EMOJI + "y"]


def test_a_surrogate_pair_given_as_two_code_points_is_kept_together() -> None:
    text = "x" * 69 + "\ud83d\ude00" + "y"
    assert segment(text) == ["x" * 69, "\ud83d\ude00y"]


def test_limit_below_two_is_refused() -> None:
    with pytest.raises(ValueError):
        segment("abc", 1)


def _lone_surrogate(part: str) -> bool:
    try:
        part.encode("utf-16-le")
    except UnicodeEncodeError:
        return True
    return False


def _max_segments(text: str, limit: int) -> int:
    """The bound segment() guarantees: all but the last hold >= limit - slack(limit) units."""
    return math.ceil(ucs2_units(text) / (limit - slack(limit)))


REPLY_TEXT = st.text(
    st.one_of(
        st.characters(exclude_categories=["Cs"]),  # any code point but lone surrogates
        st.sampled_from("，。！？；：、 \n.,!?()（）【】《》" + EMOJI + "👍🏽"),
        st.sampled_from("余额流量套餐积分尊敬的客户abcXYZ0123456789"),
    ),
    max_size=400,
)


@settings(max_examples=2_000, deadline=None)
@given(REPLY_TEXT, st.integers(min_value=2, max_value=160) | st.just(70))
def test_segment_invariants(text: str, limit: int) -> None:
    parts = segment(text, limit)
    assert "".join(parts) == text
    assert all(part and ucs2_units(part) <= limit for part in parts)
    assert not any(_lone_surrogate(part) for part in parts)
    assert len(parts) <= _max_segments(text, limit)
    assert all(ucs2_units(part) >= limit - slack(limit) for part in parts[:-1])


def test_cxtc_reply_does_not_send_the_signature_alone() -> None:
    """Issue #20: ``CXTC`` spent a second SMS on just "【中国移动】"."""
    text = (
        "您当前办理的套餐：全球通88套餐G3版(GQT88) 88.00；1元G3优惠包(G3YH) 1.00；"
        "来电显示(LDXS) 0.。【中国移动】"
    )
    parts = segment(text)
    assert "".join(parts) == text and len(parts) == 2
    assert parts[-1] != "【中国移动】" and parts[-1] != "。【中国移动】"
    assert parts[-1].endswith("0.。【中国移动】")


@settings(max_examples=1_000, deadline=None)
@given(
    REPLY_TEXT,
    st.sampled_from(["【中国移动】", "。【中国移动】", " [China Mobile]", ". [China Mobile]"]),
    st.integers(min_value=20, max_value=160) | st.just(70),
)
def test_a_signature_never_travels_alone(body: str, signature: str, limit: int) -> None:
    text = body + signature
    parts = segment(text, limit)
    assert "".join(parts) == text
    assert all(part and ucs2_units(part) <= limit for part in parts)
    assert all(ucs2_units(part) >= limit - slack(limit) for part in parts[:-1])
    if len(parts) > 1 and SIGNATURE.fullmatch(parts[-1]):  # alone only when nothing fits:
        prev, floor = parts[-2], limit - slack(limit)
        word = max((i for i, ch in enumerate(prev) if not SIGNATURE.fullmatch(prev[i:] + "【x】")),
                   default=-1)  # fmt: skip
        moved = prev[word:] + parts[-1]
        assert word < 0 or ucs2_units(prev[:word]) < floor or ucs2_units(moved) > limit, parts
