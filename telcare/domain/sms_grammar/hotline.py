"""Parsing a message to 10086: whole-message commands first, then keyword prefixes and arguments."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeAlias

from telcare.domain.sms_grammar.commands import (
    CARD_DIGITS,
    MAX_INDEX,
    MAX_INPUT,
    MAX_KEYWORD,
    PIN_DIGITS,
    BlockKeyword,
    BlockSender,
    Cancel,
    CancelAll,
    CancelNumbered,
    CancelPlanChange,
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
    Subscribe,
    UnblockSender,
    Unknown,
)
from telcare.domain.sms_grammar.hints import (
    HINT_CZ,
    HINT_CZ_CARD,
    HINT_CZ_FORMAT,
    HINT_CZ_LENGTH,
    HINT_CZ_PIN,
    HINT_DH,
    HINT_KT,
    HINT_LH,
    HINT_LHGJZ,
    HINT_LHGJZ_LONG,
    HINT_QX,
    HINT_QX_INDEX,
    HINT_QXLH,
)
from telcare.domain.sms_grammar.normalise import _clean, _code, _key, _strip, phone_number

_INDEX_LIST = re.compile(r"[0-9]+(?:[\s,;、/.+]+[0-9]+)*", re.ASCII)
_DIGIT_GROUPS = re.compile(r"[0-9]+(?: +[0-9]+)*", re.ASCII)

_WHOLE: dict[str, Command] = {
    word: command
    for words, command in (
        (("", "HELP", "帮助", "菜单", "0"), Help()),
        (
            ("CXYE", "YE", "余额", "查余额", "查询余额", "话费", "查话费", "查询话费"),
            QueryBalance(),
        ),
        (("CXLL", "流量", "查流量", "查询流量"), QueryUsage()),
        (("CXTC", "套餐", "查套餐", "查询套餐"), QueryPackages()),
        (("CXJF", "积分", "查积分", "查询积分"), QueryPoints()),
        (("0000", "00000", "退订"), ListSubscriptions()),
        (("QXALL",), CancelAll()),
        (("QXTCBG", "取消套餐变更", "取消变更"), CancelPlanChange()),
        (("KTLLTX", "开通流量提醒"), ReminderOn()),
        (("QXLLTX", "取消流量提醒", "关闭流量提醒"), ReminderOff()),
        (("Y", "YES", "是", "确认"), Confirm()),
        (("N", "NO", "否", "取消"), Decline()),
    )
    for word in words
}
"""Whole messages (separators removed) that are a command by themselves; checked first."""


def _subscribe(rest_key: str, _rest: str) -> Command:
    code = _code(rest_key)
    return Subscribe(code) if code else Malformed("KT", HINT_KT)


def _cancel(rest_key: str, rest: str) -> Command:
    compact = rest_key.replace(" ", "")
    if compact.isascii() and compact.isdigit():
        if not _INDEX_LIST.fullmatch(_strip(rest)):
            return Malformed("QX", HINT_QX_INDEX)
        found = re.findall(r"[0-9]+", rest)
        if any(len(n) > 3 or not 1 <= int(n) <= MAX_INDEX for n in found):
            return Malformed("QX", HINT_QX_INDEX)
        return CancelNumbered(tuple(dict.fromkeys(int(n) for n in found)))
    code = _code(rest_key)
    return Cancel(code) if code else Malformed("QX", HINT_QX)


def _recharge(rest_key: str, _rest: str) -> Command:
    digits = rest_key.strip()
    if not digits:
        return Malformed("CZ", HINT_CZ)
    if not _DIGIT_GROUPS.fullmatch(digits):
        return Malformed("CZ", HINT_CZ_FORMAT)
    groups = digits.split()
    if len(groups) == 2:
        card, pin = groups
        if len(card) != CARD_DIGITS:
            return Malformed("CZ", HINT_CZ_CARD)
        if len(pin) != PIN_DIGITS:
            return Malformed("CZ", HINT_CZ_PIN)
        return Recharge(card, pin)
    joined = "".join(groups)
    if len(joined) != CARD_DIGITS + PIN_DIGITS:
        return Malformed("CZ", HINT_CZ_LENGTH)
    return Recharge(joined[:CARD_DIGITS], joined[CARD_DIGITS:])


def _redeem(rest_key: str, _rest: str) -> Command:
    code = _code(rest_key)
    return Redeem(code) if code else Malformed("DH", HINT_DH)


def _block(_rest_key: str, rest: str) -> Command:
    number = phone_number(rest)
    return BlockSender(number) if number else Malformed("LH", HINT_LH)


def _unblock(_rest_key: str, rest: str) -> Command:
    number = phone_number(rest)
    return UnblockSender(number) if number else Malformed("QXLH", HINT_QXLH)


def _block_keyword(_rest_key: str, rest: str) -> Command:
    word = " ".join(_strip(rest, "ZPC", ascii_symbols=True).split()).casefold()
    if not word:
        return Malformed("LHGJZ", HINT_LHGJZ)
    if len(word) > MAX_KEYWORD:
        return Malformed("LHGJZ", HINT_LHGJZ_LONG)
    return BlockKeyword(word)


_Handler: TypeAlias = Callable[[str, str], Command]


def _prefix(word: str) -> re.Pattern[str]:
    """Matches ``word`` at the start of a key, with separators (spaces) allowed inside."""
    return re.compile(" *".join(re.escape(ch) for ch in word))


_PREFIXES: tuple[tuple[re.Pattern[str], _Handler], ...] = tuple(
    (_prefix(word), handler)
    for word, handler in (
        ("QXLH", _unblock),
        ("LHGJZ", _block_keyword),
        ("LH", _block),
        ("QX", _cancel),
        ("KT", _subscribe),
        ("CZ", _recharge),
        ("DH", _redeem),
        ("开通", _subscribe),
        ("退订", _cancel),
        ("取消", _cancel),
        ("充值", _recharge),
        ("兑换", _redeem),
    )
)


def parse(text: str) -> Command:
    """What a message to 10086 asks for. Never raises."""
    if len(text) > MAX_INPUT:
        return Unknown(text[:MAX_INPUT])
    clean = _clean(text)
    key = _key(clean)
    whole = _WHOLE.get(key.replace(" ", ""))
    if whole is not None:
        return whole
    start = len(key) - len(key.lstrip(" "))
    for pattern, handler in _PREFIXES:
        match = pattern.match(key, start)
        if match:
            return handler(key[match.end() :], clean[match.end() :])
    return Unknown(text)
