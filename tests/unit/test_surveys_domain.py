"""Survey rules: reply parsing, sampling, the 7-day rule, quiet hours, templates, CI math."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telcare.domain import surveys as sv
from telcare.domain.errors import Forbidden, InvalidInput
from telcare.domain.subscriptions import OPERATOR_TZ


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=OPERATOR_TZ)


A = sv.Answer
M = sv.Malformed

SCALE_CASES = [
    ("1", A(1, "1")),
    ("5", A(5, "5")),
    ("５", A(5, "5")),
    (" ３ ", A(3, "3")),
    ("4分", A(4, "4")),
    ("2 排队太久", A(2, "2", "排队太久")),
    ("2，排队太久。", A(2, "2", "排队太久")),
    ("５服务很好", M("survey.hint_scale")),  # a digit glued to text is not read as a score
    ("满意", A(5, "满意")),
    ("不满意 排队太久", A(1, "不满意", "排队太久")),
    ("不满意排队太久", A(1, "不满意", "排队太久")),
    ("非常满意！", A(5, "非常满意")),
    ("一般", A(3, "一般")),
    ("比较满意", A(4, "比较满意")),
    ("Satisfied thanks", A(5, "Satisfied", "thanks")),
    ("", M("survey.hint_scale")),
    ("   ", M("survey.hint_scale")),
    ("0", M("survey.hint_scale")),
    ("6", M("survey.hint_scale")),
    ("10", M("survey.hint_scale")),
    ("4.5", M("survey.hint_scale")),
    ("-1", M("survey.hint_scale")),
    ("排队太久", M("survey.hint_scale")),
    ("CXYE", M("survey.hint_scale")),
    ("\x00\x01", M("survey.hint_scale")),
]


@pytest.mark.parametrize(("text", "expected"), SCALE_CASES)
def test_parse_scale_replies(text: str, expected: sv.Answer | sv.Malformed) -> None:
    assert sv.parse_reply(text, sv.AnswerKind.SCALE5) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("满意", A(5, "满意")),
        ("一般 还行", A(3, "一般", "还行")),
        ("不满意 排队太久", A(1, "不满意", "排队太久")),
        ("1", M("survey.hint_three")),  # digits do not answer a three-level question
        ("好", M("survey.hint_three")),
    ],
)
def test_parse_three_level_replies(text: str, expected: sv.Answer | sv.Malformed) -> None:
    assert sv.parse_reply(text, sv.AnswerKind.THREE) == expected


def test_free_text_is_kept() -> None:
    assert sv.parse_reply(" 营业员  很耐心 ", sv.AnswerKind.TEXT) == A(None, "", "营业员 很耐心")
    assert sv.parse_reply("", sv.AnswerKind.TEXT) == M("survey.hint_text")
    assert sv.parse_reply("x" * 2000, sv.AnswerKind.TEXT) == A(None, "", "x" * sv.MAX_COMMENT)


def test_answer_flags() -> None:
    assert A(4, "4").satisfied and not A(3, "3").satisfied
    assert A(2, "2").low and not A(3, "3").low and not A(None, "").low


@given(st.text(max_size=200), st.sampled_from(list(sv.AnswerKind)))
def test_parse_never_raises(text: str, kind: sv.AnswerKind) -> None:
    out = sv.parse_reply(text, kind)
    assert isinstance(out, sv.Answer | sv.Malformed)
    if isinstance(out, sv.Answer):
        assert out.score is None or 1 <= out.score <= 5
        assert len(out.comment) <= sv.MAX_COMMENT


def test_sampling_is_deterministic_and_near_the_share() -> None:
    keys = [f"visit:{i}" for i in range(10_000)]
    picked = [k for k in keys if sv.sampled(k, 30, "seed")]
    assert picked == [k for k in keys if sv.sampled(k, 30, "seed")]
    assert 2850 < len(picked) < 3150
    assert all(sv.sampled(k, 100) for k in keys[:50])
    assert not any(sv.sampled(k, 0) for k in keys[:50])
    # a higher share keeps everyone a lower share picked (monotone)
    assert set(picked) <= {k for k in keys if sv.sampled(k, 60, "seed")}
    assert picked != [k for k in keys if sv.sampled(k, 30, "other")]


def test_one_survey_per_seven_days() -> None:
    sent = local("2026-03-02 10:00")
    assert sv.may_survey(None, sent)
    assert not sv.may_survey(sent, sent + timedelta(days=6, hours=23, minutes=59))
    assert sv.may_survey(sent, sent + timedelta(days=7))


@pytest.mark.parametrize(
    ("now", "out"),
    [
        ("2026-03-02 21:59", "2026-03-02 21:59"),
        ("2026-03-02 22:00", "2026-03-03 08:00"),
        ("2026-03-03 02:30", "2026-03-03 08:00"),
        ("2026-03-03 08:00", "2026-03-03 08:00"),
    ],
)
def test_quiet_hours(now: str, out: str) -> None:
    assert sv.send_time(local(now)) == local(out)


def test_expiry_is_48_hours_from_sending() -> None:
    assert sv.expires_at(local("2026-03-03 08:00")) == local("2026-03-05 08:00")


def _template(**over: object) -> sv.Template:
    data: dict[str, object] = {
        "name_zh": "营业厅服务",
        "trigger": "shop",
        "questions": [
            {"id": "overall", "kind": "scale5", "text_zh": "您对营业厅服务满意吗？"},
            {"id": "why", "kind": "text", "text_zh": "您的建议？"},
        ],
        "sample_percent": 20,
    }
    data.update(over)
    owner = str(data.pop("owner", "HQ"))
    return sv.template_from_dict("shop", 1, owner, data)


def test_template_round_trip_and_headline() -> None:
    t = _template()
    assert t.code == "SHOP" and t.headline.id == "overall" and t.vias == (sv.Via.SMS, sv.Via.WEB)
    assert sv.template_from_dict("SHOP", 1, "HQ", sv.template_to_dict(t)) == t


@pytest.mark.parametrize(
    "over",
    [
        {"questions": []},
        {"questions": [{"id": "a", "kind": "text", "text_zh": "x"}]},
        {"questions": [{"id": "a", "kind": "stars", "text_zh": "x"}]},
        {"trigger": "party"},
        {"sample_percent": 101},
        {"provinces": ["XX"]},
        {"owner": "BJ"},  # a province's template covers exactly that province
        {"active_from": "2026-03-05T00:00", "active_until": "2026-03-01T00:00"},
    ],
)
def test_template_rules(over: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        _template(**over)


def test_choose_template_prefers_the_province_and_honours_window_and_via() -> None:
    national = _template()
    bj = sv.template_from_dict(
        "SHOP-BJ", 1, "BJ", {**sv.template_to_dict(national), "provinces": ["BJ"]}
    )
    later = sv.template_from_dict(
        "G3",
        1,
        "HQ",
        {**sv.template_to_dict(national), "trigger": "g3", "active_from": "2026-04-01T00:00"},
    )
    now = local("2026-03-02 10:00")
    assert sv.choose_template([national, bj], sv.Trigger.SHOP, "BJ", now, sv.Via.SMS) == bj
    assert sv.choose_template([national, bj], sv.Trigger.SHOP, "GD", now, sv.Via.SMS) == national
    assert sv.choose_template([later], sv.Trigger.G3, "GD", now, sv.Via.SMS) is None
    assert sv.choose_template([later], sv.Trigger.G3, "GD", local("2026-04-01 00:00"), sv.Via.SMS)
    web_only = sv.template_from_dict(
        "W", 1, "HQ", {**sv.template_to_dict(national), "vias": ["web"]}
    )
    assert sv.choose_template([web_only], sv.Trigger.SHOP, "GD", now, sv.Via.SMS) is None


def test_who_may_edit() -> None:
    sv.may_edit("HQ", "BJ")
    sv.may_edit("BJ", "BJ")
    with pytest.raises(Forbidden):
        sv.may_edit("BJ", "HQ")


def test_web_form() -> None:
    t = _template()
    assert sv.parse_form(t, {"overall": "4", "why": ""}) == {"overall": A(4, "4")}
    assert sv.parse_form(t, {"overall": "满意", "why": "好"}) == {
        "overall": A(5, "满意"),
        "why": A(None, "", "好"),
    }
    assert sv.parse_form(t, {"why": "好"}) == M("survey.hint_scale")


def test_wilson_interval_known_values() -> None:
    # 8 of 10: the textbook Wilson 95% interval is [0.4902, 0.9433]
    low, high = sv.wilson(8, 10)
    assert math.isclose(low, 0.4902, abs_tol=1e-4) and math.isclose(high, 0.9433, abs_tol=1e-4)
    assert sv.wilson(0, 0) == (0.0, 1.0)
    low, high = sv.wilson(0, 5)
    assert low == 0.0 and 0 < high < 0.5
    low, high = sv.wilson(5, 5)
    assert high == 1.0 and 0.5 < low < 1


def test_mean_interval() -> None:
    mean, low, high = sv.mean_interval([5, 4, 3, 4])
    sd = math.sqrt(((1) ** 2 + 0 + 1 + 0) / 3)
    assert mean == 4.0
    assert math.isclose(high - mean, sv.Z95 * sd / 2)
    assert math.isclose(mean - low, sv.Z95 * sd / 2)
    assert sv.mean_interval([3]) == (3.0, 1.0, 5.0)
    assert sv.mean_interval([5, 5, 5]) == (5.0, 5.0, 5.0)


def test_score_table_groups_and_counts() -> None:
    def s(p: str, score: int, v: int = 1) -> sv.Scored:
        return sv.Scored(p, "shop", "BJ001", "SHOP", v, "2026-03", score)

    rows = [s("BJ", 5), s("BJ", 4), s("BJ", 1), s("GD", 3), s("GD", 5, 2)]
    table = sv.score_table(rows)
    assert [(r.key, r.count, r.satisfied) for r in table] == [(("BJ",), 3, 2), (("GD",), 2, 1)]
    assert table[0].histogram == (1, 0, 0, 1, 1)
    by_version = sv.score_table(rows, ("province", "version"))
    assert [r.key for r in by_version] == [("BJ", "1"), ("GD", "1"), ("GD", "2")]
    with pytest.raises(InvalidInput):
        sv.score_table(rows, ("colour",))
