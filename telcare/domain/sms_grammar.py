"""The SMS command grammar: what a subscriber's text to 10086, 10086999 or an SP means.

Pure and total: every function here accepts any string and never raises.

Matching happens on a *key* form of the message: NFKC (full-width letters, digits
and punctuation become ASCII), ASCII letters upper-cased, and every separator
(whitespace, punctuation, symbols, emoji, control characters) turned into a space.
Keywords may have separators around and inside them (``" cx ye。"``, ``"KT-G3YH"``);
arguments are read from the same text after the keyword. The order of the rules
settles overlaps: whole-message commands first (``KTLLTX``, ``QXLLTX``, ``QXALL``),
then ``QXLH`` before ``QX``, ``LHGJZ`` before ``LH``.

Numbered cancel versus product code: after ``QX`` (or 退订/取消), a rest made only of
ASCII digits and list separators (``,`` ``，`` ``、`` ``;`` ``/`` ``.`` ``+`` or
spaces) is a list of indexes from the ``0000`` reply, each 1..99 (``QX12`` is index
12, ``QX1,2`` is 1 and 2). A product code always has at least one letter (``G3YH``,
``QQT88``), so the two never collide. Digits joined any other way (``QX1-3``) or an
index outside 1..99 are a :class:`Malformed` ``QX``.

See ``docs/sms-commands.md`` for the whole grammar.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from telcare.domain.messages import register

MAX_INPUT = 320
"""Characters of a message that are looked at; a longer message is :class:`Unknown`."""

MAX_CODE = 12
MAX_INDEX = 99
MAX_KEYWORD = 20
CARD_DIGITS = 16
PIN_DIGITS = 6


# --- commands -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueryBalance:
    """``CXYE``, ``YE``, 余额, 查余额, 话费."""


@dataclass(frozen=True, slots=True)
class QueryUsage:
    """``CXLL``, 流量, 查流量."""


@dataclass(frozen=True, slots=True)
class QueryPackages:
    """``CXTC``, 套餐, 查套餐."""


@dataclass(frozen=True, slots=True)
class QueryPoints:
    """``CXJF``, 积分, 查积分."""


@dataclass(frozen=True, slots=True)
class Subscribe:
    """``KT<code>``, 开通<code>."""

    code: str


@dataclass(frozen=True, slots=True)
class Cancel:
    """``QX<code>``, 退订<code>, 取消<code>."""

    code: str


@dataclass(frozen=True, slots=True)
class ListSubscriptions:
    """``0000``, ``00000``, 退订: list paid subscriptions with numbers."""


@dataclass(frozen=True, slots=True)
class CancelNumbered:
    """``QX1`` / ``QX1,3``: cancel by the numbers of the ``0000`` list (in order, no repeats)."""

    indexes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CancelAll:
    """``QXALL``."""


@dataclass(frozen=True, slots=True)
class Recharge:
    """``CZ<16-digit card><6-digit PIN>``, 充值<card><pin>."""

    card: str
    pin: str


@dataclass(frozen=True, slots=True)
class ReminderOn:
    """``KTLLTX``: data-usage reminder on."""


@dataclass(frozen=True, slots=True)
class ReminderOff:
    """``QXLLTX``: data-usage reminder off."""


@dataclass(frozen=True, slots=True)
class Redeem:
    """``DH<gift code>``, 兑换<gift code>."""

    gift_code: str


@dataclass(frozen=True, slots=True)
class Confirm:
    """``Y``, ``YES``, 是, 确认: yes to the pending confirmation."""


@dataclass(frozen=True, slots=True)
class Decline:
    """``N``, ``NO``, 否, 取消: no to the pending confirmation."""


@dataclass(frozen=True, slots=True)
class BlockSender:
    """``LH<number>``: block SMS from a number (national form, +86 removed)."""

    number: str


@dataclass(frozen=True, slots=True)
class UnblockSender:
    """``QXLH<number>``."""

    number: str


@dataclass(frozen=True, slots=True)
class BlockKeyword:
    """``LHGJZ<word>``: quarantine SMS containing ``word`` (NFKC, case-folded)."""

    word: str


@dataclass(frozen=True, slots=True)
class Help:
    """Empty, ``?``, ``HELP``, 帮助, 菜单, ``0``."""


@dataclass(frozen=True, slots=True)
class Malformed:
    """The right command with a bad or missing argument; ``hint_key`` names a reply text."""

    command: str
    hint_key: str


@dataclass(frozen=True, slots=True)
class Unknown:
    """Anything else (``text`` is the message, cut to :data:`MAX_INPUT` characters)."""

    text: str


Command: TypeAlias = (
    QueryBalance
    | QueryUsage
    | QueryPackages
    | QueryPoints
    | Subscribe
    | Cancel
    | ListSubscriptions
    | CancelNumbered
    | CancelAll
    | Recharge
    | ReminderOn
    | ReminderOff
    | Redeem
    | Confirm
    | Decline
    | BlockSender
    | UnblockSender
    | BlockKeyword
    | Help
    | Malformed
    | Unknown
)


@dataclass(frozen=True, slots=True)
class SpamReport:
    """A report to 10086999: the spam ``text`` and, when given, its ``sender``."""

    sender: str | None
    text: str


@dataclass(frozen=True, slots=True)
class SpUnsubscribe:
    """``TD`` / 退订 to an SP access code; ``service_code`` None means every service."""

    service_code: str | None = None


# --- hint texts (rendered by channels through telcare.domain.messages) ----------------

HINT_KT = "sms.grammar.kt.code"
HINT_QX = "sms.grammar.qx.code"
HINT_QX_INDEX = "sms.grammar.qx.index"
HINT_CZ = "sms.grammar.cz.missing"
HINT_CZ_FORMAT = "sms.grammar.cz.format"
HINT_CZ_LENGTH = "sms.grammar.cz.length"
HINT_CZ_CARD = "sms.grammar.cz.card_length"
HINT_CZ_PIN = "sms.grammar.cz.pin_length"
HINT_DH = "sms.grammar.dh.code"
HINT_LH = "sms.grammar.lh.number"
HINT_QXLH = "sms.grammar.qxlh.number"
HINT_LHGJZ = "sms.grammar.lhgjz.word"
HINT_LHGJZ_LONG = "sms.grammar.lhgjz.too_long"

HINT_TEXTS: dict[str, tuple[str, str]] = {
    HINT_KT: (
        "开通业务请发送KT+业务代码，例如KTG3YH。",
        "To subscribe, send KT plus the product code, e.g. KTG3YH.",
    ),
    HINT_QX: (
        "取消业务请发送QX+业务代码，例如QXG3YH；发送0000查询已订业务。",
        "To cancel, send QX plus the product code, e.g. QXG3YH; send 0000 to list them.",
    ),
    HINT_QX_INDEX: (
        "请按0000回复中的序号退订，例如QX1或QX1,3；全部退订请发送QXALL。",
        "Reply with numbers from the 0000 list, e.g. QX1 or QX1,3; QXALL cancels all.",
    ),
    HINT_CZ: (
        "充值请发送CZ+16位卡号+6位密码。",
        "To recharge, send CZ plus the 16-digit card number and the 6-digit PIN.",
    ),
    HINT_CZ_FORMAT: (
        "卡号和密码只能是数字，请发送CZ+16位卡号+6位密码。",
        "Card number and PIN are digits only: send CZ + 16-digit card + 6-digit PIN.",
    ),
    HINT_CZ_LENGTH: (
        "卡号16位、密码6位，共22位数字，请核对后重发。",
        "The card number (16 digits) and PIN (6 digits) make 22 digits; please check.",
    ),
    HINT_CZ_CARD: ("充值卡号应为16位数字，请核对后重发。", "The card number has 16 digits."),
    HINT_CZ_PIN: ("充值卡密码应为6位数字，请核对后重发。", "The card PIN has 6 digits."),
    HINT_DH: (
        "兑换礼品请发送DH+礼品代码，例如DHG001。",
        "To redeem a gift, send DH plus the gift code, e.g. DHG001.",
    ),
    HINT_LH: (
        "拦截号码请发送LH+号码，例如LH13800138000。",
        "To block a number, send LH plus the number, e.g. LH13800138000.",
    ),
    HINT_QXLH: (
        "取消拦截请发送QXLH+号码，例如QXLH13800138000。",
        "To unblock a number, send QXLH plus the number, e.g. QXLH13800138000.",
    ),
    HINT_LHGJZ: (
        "拦截关键词请发送LHGJZ+关键词，例如LHGJZ贷款。",
        "To block a keyword, send LHGJZ plus the word, e.g. LHGJZloan.",
    ),
    HINT_LHGJZ_LONG: ("关键词最多20个字。", "A keyword has at most 20 characters."),
}
register(HINT_TEXTS)


# --- normalisation ----------------------------------------------------------------------


def _clean(text: str) -> str:
    """NFKC, zero-width/format characters dropped, other control characters as spaces."""
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        cat = unicodedata.category(ch)
        if cat == "Cf":
            continue
        out.append(" " if cat[0] == "C" else ch)
    return "".join(out)


def _is_sep(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "ZPSC"


def _key(clean: str) -> str:
    """Same length as ``clean``: separators become spaces, ASCII letters upper case."""
    return "".join(" " if _is_sep(ch) else ch.upper() if ch.isascii() else ch for ch in clean)


def _strip(text: str, kinds: str = "ZPSC", ascii_symbols: bool = False) -> str:
    """``text`` trimmed of characters whose category class is in ``kinds``.

    With ``ascii_symbols``, ASCII symbols such as ``+ # $ =`` are trimmed as well.
    """

    def trimmed(ch: str) -> bool:
        cat = unicodedata.category(ch)[0]
        return cat in kinds or (ascii_symbols and cat == "S" and ch.isascii())

    start, end = 0, len(text)
    while start < end and trimmed(text[start]):
        start += 1
    while end > start and trimmed(text[end - 1]):
        end -= 1
    return text[start:end]


_CODE = re.compile(r"[A-Z0-9]{0,11}[A-Z][A-Z0-9]{0,11}", re.ASCII)
_SP_CODE = re.compile(r"[A-Z0-9]{1,12}", re.ASCII)
_INDEX_LIST = re.compile(r"[0-9]+(?:[\s,;、/.+]+[0-9]+)*", re.ASCII)
_DIGIT_GROUPS = re.compile(r"[0-9]+(?: +[0-9]+)*", re.ASCII)
_PHONE = re.compile(r"\+?[0-9][0-9\s\-()]*", re.ASCII)
_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)


def _code(rest_key: str) -> str | None:
    """A product/gift code: 1-12 ASCII letters and digits with at least one letter."""
    compact = rest_key.replace(" ", "")
    if len(compact) > MAX_CODE or not _CODE.fullmatch(compact):
        return None
    return compact


def phone_number(raw: str) -> str | None:
    """``raw`` as a sender number (5-20 digits, +86/0086/86 removed), or None.

    Spaces, dashes and brackets inside are ignored. A leading ``+86`` or ``0086`` is
    always removed; a bare ``86`` only in front of an 11-digit mobile number.
    """
    text = _strip(raw, "ZPC")
    if not _PHONE.fullmatch(text):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+") and digits.startswith("86"):
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        digits = digits[2:]
    return digits if 5 <= len(digits) <= 20 else None


# --- 10086 ------------------------------------------------------------------------------

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


# --- 10086999 and SP access codes --------------------------------------------------------

_SENDER_WINDOW = 40


def parse_spam_report(text: str) -> SpamReport | None:
    """A spam report: ``<sender number>*<spam text>`` or the spam text alone.

    The first character that NFKC turns into ``*`` (``＊``, ``﹡``) separates when it
    comes within the first 40 characters and what precedes it is a sender number (see
    :func:`phone_number`) or nothing; otherwise the whole message is the text. The
    text is kept as sent, only trimmed of surrounding whitespace and control
    characters. A message with no visible text gives None.
    """
    sender: str | None = None
    spam = text
    for i, ch in enumerate(text[:_SENDER_WINDOW]):
        if unicodedata.normalize("NFKC", ch) == "*":
            head = _clean(text[:i])
            number = phone_number(head)
            if number is not None or not _strip(head, "ZC"):
                sender, spam = number, text[i + 1 :]
            break
    spam = _strip(spam, "ZC")
    return SpamReport(sender, spam) if spam else None


_TD = re.compile(r" *(?:T *D|退 *订)(?P<rest>.*)", re.DOTALL)


def parse_sp_reply(text: str) -> SpUnsubscribe | Unknown:
    """A reply to an SP access code: ``TD`` / 退订, optionally followed by a service code."""
    if len(text) > MAX_INPUT:
        return Unknown(text[:MAX_INPUT])
    match = _TD.fullmatch(_key(_clean(text)))
    if match is None:
        return Unknown(text)
    code = match["rest"].replace(" ", "")
    if not code:
        return SpUnsubscribe()
    return SpUnsubscribe(code) if _SP_CODE.fullmatch(code) else Unknown(text)
