"""The SMS command grammar: every command, alias and real-world variation, plus fuzzing."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telcare.domain import sms_grammar as g
from telcare.domain.messages import known
from telcare.domain.sms_grammar import (
    BlockKeyword,
    BlockSender,
    Cancel,
    CancelAll,
    CancelNumbered,
    Command,
    Confirm,
    Decline,
    Help,
    ListSubscriptions,
    Malformed,
    QueryBalance,
    QueryPackages,
    QueryPoints,
    QueryUsage,
    Recharge,
    Redeem,
    ReminderOff,
    ReminderOn,
    SpamReport,
    SpUnsubscribe,
    Subscribe,
    UnblockSender,
    Unknown,
    parse,
    parse_sp_reply,
    parse_spam_report,
)

CARD, PIN = "1000000000000001", "123456"

CASES: list[tuple[str, Command]] = [
    # queries and their aliases
    ("CXYE", QueryBalance()),
    ("YE", QueryBalance()),
    ("余额", QueryBalance()),
    ("查余额", QueryBalance()),
    ("话费", QueryBalance()),
    ("查询话费", QueryBalance()),
    ("CXLL", QueryUsage()),
    ("流量", QueryUsage()),
    ("查流量", QueryUsage()),
    ("CXTC", QueryPackages()),
    ("套餐", QueryPackages()),
    ("查套餐", QueryPackages()),
    ("CXJF", QueryPoints()),
    ("积分", QueryPoints()),
    ("查积分", QueryPoints()),
    # subscribe / cancel
    ("KTG3YH", Subscribe("G3YH")),
    ("KTQQT88", Subscribe("QQT88")),
    ("开通G3YH", Subscribe("G3YH")),
    ("开通 wlt", Subscribe("WLT")),
    ("QXG3YH", Cancel("G3YH")),
    ("退订G3YH", Cancel("G3YH")),
    ("取消LCYJ", Cancel("LCYJ")),
    ("0000", ListSubscriptions()),
    ("00000", ListSubscriptions()),
    ("退订", ListSubscriptions()),
    ("QX1", CancelNumbered((1,))),
    ("QX1,3", CancelNumbered((1, 3))),
    ("QX1，3", CancelNumbered((1, 3))),
    ("QX1、3", CancelNumbered((1, 3))),
    ("qx 1 3", CancelNumbered((1, 3))),
    ("QX12", CancelNumbered((12,))),
    ("QX3,1,3", CancelNumbered((3, 1))),
    ("QX01", CancelNumbered((1,))),
    ("退订2", CancelNumbered((2,))),
    ("QXALL", CancelAll()),
    ("qx all", CancelAll()),
    # recharge
    (f"CZ{CARD}{PIN}", Recharge(CARD, PIN)),
    (f"CZ{CARD} {PIN}", Recharge(CARD, PIN)),
    (f"CZ{CARD}#{PIN}", Recharge(CARD, PIN)),
    (f"CZ{CARD}*{PIN}", Recharge(CARD, PIN)),
    (f"CZ{CARD}+{PIN}", Recharge(CARD, PIN)),
    (f"cz {CARD} {PIN}", Recharge(CARD, PIN)),
    ("CZ 1000 0000 0000 0001 123456", Recharge(CARD, PIN)),
    (f"充值{CARD}{PIN}", Recharge(CARD, PIN)),
    (f"充值 {CARD} {PIN}", Recharge(CARD, PIN)),
    # reminder, gifts, confirmations
    ("KTLLTX", ReminderOn()),
    ("开通流量提醒", ReminderOn()),
    ("QXLLTX", ReminderOff()),
    ("取消流量提醒", ReminderOff()),
    ("DHG001", Redeem("G001")),
    ("dh g001", Redeem("G001")),
    ("兑换G001", Redeem("G001")),
    ("Y", Confirm()),
    ("yes", Confirm()),
    ("是", Confirm()),
    ("确认", Confirm()),
    ("N", Decline()),
    ("no", Decline()),
    ("否", Decline()),
    ("取消", Decline()),
    # anti-spam rules
    ("LH13800138000", BlockSender("13800138000")),
    ("LH+8613800138000", BlockSender("13800138000")),
    ("LH 8613800138000", BlockSender("13800138000")),
    ("LH 138-0013-8000", BlockSender("13800138000")),
    ("LH10658888", BlockSender("10658888")),
    ("LH 1066000001", BlockSender("1066000001")),
    ("QXLH13800138000", UnblockSender("13800138000")),
    ("qxlh +86 138 0013 8000", UnblockSender("13800138000")),
    ("LHGJZ贷款", BlockKeyword("贷款")),
    ("LHGJZ 发票", BlockKeyword("发票")),
    ("lhgjz Loan Offer", BlockKeyword("loan offer")),
    ("LHGJZ：加微信！", BlockKeyword("加微信")),
    ("LHGJZ VX加我", BlockKeyword("vx加我")),
    # help
    ("", Help()),
    ("   ", Help()),
    ("?", Help()),
    ("？", Help()),
    ("HELP", Help()),
    ("help", Help()),
    ("帮助", Help()),
    ("0", Help()),
]

VARIATIONS: list[tuple[str, Command]] = [
    (" cx ye。", QueryBalance()),
    ("ＣＸＹＥ", QueryBalance()),
    ("ｃｘｙｅ", QueryBalance()),
    ("CX YE", QueryBalance()),
    ("C.X.Y.E!", QueryBalance()),
    ("cxye\n", QueryBalance()),
    ("\u200bCXYE\u200b", QueryBalance()),
    ("查 余额？", QueryBalance()),
    ("【余额】", QueryBalance()),
    ("kt g3yh", Subscribe("G3YH")),
    ("KT-G3YH", Subscribe("G3YH")),
    ("ＫＴ Ｇ３ＹＨ", Subscribe("G3YH")),
    ("KT:G3YH。", Subscribe("G3YH")),
    ("QX１，３", CancelNumbered((1, 3))),
    ("ＱＸ１", CancelNumbered((1,))),
    ("００００", ListSubscriptions()),
    (f"ＣＺ{CARD}　{PIN}", Recharge(CARD, PIN)),
    ("Ｙ", Confirm()),
    ("y。", Confirm()),
    ("LH１３８００１３８０００", BlockSender("13800138000")),
    ("cxye😀", QueryBalance()),
]

ORDERING: list[tuple[str, Command]] = [
    ("KTLLTX", ReminderOn()),  # not Subscribe("LLTX")
    ("KT LLTX", ReminderOn()),
    ("QXLLTX", ReminderOff()),  # not Cancel("LLTX")
    ("QXALL", CancelAll()),  # not Cancel("ALL")
    ("QXALLX", Cancel("ALLX")),
    ("QXLLTX2", Cancel("LLTX2")),
    ("QXLH13800138000", UnblockSender("13800138000")),  # not Cancel("LH...")
    ("QXLHABC", Malformed("QXLH", g.HINT_QXLH)),
    ("LHGJZ贷款", BlockKeyword("贷款")),  # not LH + number
    ("YE", QueryBalance()),  # not Confirm
    ("YES", Confirm()),
    ("取消", Decline()),  # alone: no to the confirmation
    ("取消G3YH", Cancel("G3YH")),
    ("退订", ListSubscriptions()),
    ("0", Help()),
    ("00000", ListSubscriptions()),
]

MALFORMED: list[tuple[str, Command]] = [
    ("KT", Malformed("KT", g.HINT_KT)),
    ("开通", Malformed("KT", g.HINT_KT)),
    ("KT123", Malformed("KT", g.HINT_KT)),  # a code has a letter
    ("KT流量包", Malformed("KT", g.HINT_KT)),
    ("KTABCDEFGHIJKLM", Malformed("KT", g.HINT_KT)),  # over 12 characters
    ("KT G3YH 谢谢", Malformed("KT", g.HINT_KT)),
    ("QX", Malformed("QX", g.HINT_QX)),
    ("QX0", Malformed("QX", g.HINT_QX_INDEX)),
    ("QX100", Malformed("QX", g.HINT_QX_INDEX)),
    ("QX1-3", Malformed("QX", g.HINT_QX_INDEX)),  # no ranges
    ("CZ", Malformed("CZ", g.HINT_CZ)),
    ("充值", Malformed("CZ", g.HINT_CZ)),
    (f"CZ{CARD}{PIN}0", Malformed("CZ", g.HINT_CZ_LENGTH)),
    (f"CZ{CARD[:-1]}{PIN}", Malformed("CZ", g.HINT_CZ_LENGTH)),
    (f"CZ{CARD[:-1]} {PIN}", Malformed("CZ", g.HINT_CZ_CARD)),
    (f"CZ{CARD} {PIN[:-1]}", Malformed("CZ", g.HINT_CZ_PIN)),
    (f"CZ{CARD} {PIN}7", Malformed("CZ", g.HINT_CZ_PIN)),
    (f"CZ{CARD}X{PIN}", Malformed("CZ", g.HINT_CZ_FORMAT)),
    ("DH", Malformed("DH", g.HINT_DH)),
    ("LH", Malformed("LH", g.HINT_LH)),
    ("LHabc", Malformed("LH", g.HINT_LH)),
    ("LH1234", Malformed("LH", g.HINT_LH)),  # too short
    ("LH" + "1" * 21, Malformed("LH", g.HINT_LH)),  # too long
    ("QXLH", Malformed("QXLH", g.HINT_QXLH)),
    ("LHGJZ", Malformed("LHGJZ", g.HINT_LHGJZ)),
    ("LHGJZ ！！", Malformed("LHGJZ", g.HINT_LHGJZ)),
    ("LHGJZ" + "贷" * 21, Malformed("LHGJZ", g.HINT_LHGJZ_LONG)),
]

UNKNOWN = ["hello", "CX", "TD", "谢谢", "CXYE please", "000", "１２３"]


@pytest.mark.parametrize(("text", "expected"), CASES + VARIATIONS + ORDERING + MALFORMED)
def test_parse(text: str, expected: Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("text", UNKNOWN)
def test_anything_else_is_unknown(text: str) -> None:
    assert parse(text) == Unknown(text)


def test_a_very_long_message_is_unknown_and_cut() -> None:
    text = "CXYE" + " " * 10_000
    assert parse(text) == Unknown(text[: g.MAX_INPUT])
    expanding = "\ufdfa" * g.MAX_INPUT  # NFKC makes 18 characters of each
    assert parse(expanding) == Unknown(expanding)
    assert parse_sp_reply(text) == Unknown(text[: g.MAX_INPUT])
    spam = "广告" * 100_000
    assert parse_spam_report(f"13800138000*{spam}") == SpamReport("13800138000", spam)


def test_every_hint_key_has_a_text() -> None:
    for text, command in MALFORMED:
        assert isinstance(command, Malformed)
        assert known(command.hint_key), text


def test_commands_are_frozen_values() -> None:
    assert parse("KTG3YH") == Subscribe("G3YH")
    assert hash(parse("QX1,3")) == hash(CancelNumbered((1, 3)))
    with pytest.raises(AttributeError):
        Subscribe("G3YH").code = "X"  # type: ignore[misc]


# --- 10086999 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000*恭喜中奖", SpamReport("13800138000", "恭喜中奖")),
        ("13800138000＊恭喜中奖", SpamReport("13800138000", "恭喜中奖")),
        ("+86 138 0013 8000*恭喜中奖", SpamReport("13800138000", "恭喜中奖")),
        ("8613800138000*x", SpamReport("13800138000", "x")),
        ("1069012345*【某银行】贷款ＶＩＰ", SpamReport("1069012345", "【某银行】贷款ＶＩＰ")),
        ("10086*  spam text  ", SpamReport("10086", "spam text")),
        ("恭喜中奖，点击领取", SpamReport(None, "恭喜中奖，点击领取")),
        ("*恭喜中奖", SpamReport(None, "恭喜中奖")),
        ("回复*退订", SpamReport(None, "回复*退订")),  # not a number before the star
        ("1234*x", SpamReport(None, "1234*x")),  # too short for a sender
        ("13800138000*a*b", SpamReport("13800138000", "a*b")),
        ("", None),
        ("   ", None),
        ("13800138000*", None),
        ("13800138000*   ", None),
        ("*", None),
    ],
)
def test_parse_spam_report(text: str, expected: SpamReport | None) -> None:
    assert parse_spam_report(text) == expected


# --- SP access codes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TD", SpUnsubscribe()),
        ("td", SpUnsubscribe()),
        (" ＴＤ。", SpUnsubscribe()),
        ("退订", SpUnsubscribe()),
        ("TDYY", SpUnsubscribe("YY")),
        ("td yy", SpUnsubscribe("YY")),
        ("退订YY", SpUnsubscribe("YY")),
        ("hello", Unknown("hello")),
        ("TD唱歌", Unknown("TD唱歌")),
        ("", Unknown("")),
    ],
)
def test_parse_sp_reply(text: str, expected: SpUnsubscribe | Unknown) -> None:
    assert parse_sp_reply(text) == expected


# --- properties ------------------------------------------------------------------------

ANY_TEXT = st.one_of(
    st.text(),
    st.text(st.characters(codec="utf-8"), max_size=60),
    st.text(st.characters(categories=["Cc", "Cf", "So", "Sk", "Zs", "Po"]), max_size=30),
    st.text(
        st.sampled_from("CXYEKTQZLHGJDN0123456789,，*#+ 　。？😀👍🏽\u200d\x00\n余额退订开通充值"),
        max_size=40,
    ),
    st.text(max_size=20).map(lambda s: s * 50),  # long input
)


@settings(max_examples=10_000, deadline=None)
@given(ANY_TEXT)
def test_parsers_never_raise(text: str) -> None:
    assert isinstance(parse(text), Command)
    parse_spam_report(text)
    assert isinstance(parse_sp_reply(text), SpUnsubscribe | Unknown)


CANONICAL = [text for text, _ in CASES if text.strip()]
_PAD = ["", " ", "  ", "\u3000", "。", "！", "?", "\n", "..."]


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def variants(draw: st.DrawFn) -> tuple[str, str]:
    """A canonical command and a full-width / re-cased / padded rendering of it."""
    text = draw(st.sampled_from(CANONICAL))
    rng = random.Random(draw(st.integers(0, 2**32)))
    chars = []
    for c in text:
        c = rng.choice([c, c.lower(), c.upper()]) if c.isascii() else c
        chars.append(_full_width(c) if rng.random() < 0.5 else c)
    return text, draw(st.sampled_from(_PAD)) + "".join(chars) + draw(st.sampled_from(_PAD))


@settings(max_examples=1_000, deadline=None)
@given(variants())
def test_normalisation_does_not_change_the_command(pair: tuple[str, str]) -> None:
    canonical, variant = pair
    assert parse(variant) == parse(canonical)


@pytest.mark.parametrize("text", [t for t, c in CASES if isinstance(c, Subscribe | Cancel)])
@pytest.mark.parametrize("sep", [" - ", "：", "_", "#", "\u3000"])
def test_separators_between_keyword_and_code_are_ignored(text: str, sep: str) -> None:
    assert parse(text[:2] + sep + text[2:]) == parse(text)  # KT, QX, 开通, 退订, 取消
