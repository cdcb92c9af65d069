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

from telcare.domain.sms_grammar.commands import (
    CARD_DIGITS,
    MAX_CODE,
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
    SpamReport,
    SpUnsubscribe,
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
from telcare.domain.sms_grammar.hotline import parse
from telcare.domain.sms_grammar.normalise import phone_number
from telcare.domain.sms_grammar.reports import parse_sp_reply, parse_spam_report

__all__ = [
    "CARD_DIGITS",
    "HINT_CZ",
    "HINT_CZ_CARD",
    "HINT_CZ_FORMAT",
    "HINT_CZ_LENGTH",
    "HINT_CZ_PIN",
    "HINT_DH",
    "HINT_KT",
    "HINT_LH",
    "HINT_LHGJZ",
    "HINT_LHGJZ_LONG",
    "HINT_QX",
    "HINT_QXLH",
    "HINT_QX_INDEX",
    "MAX_CODE",
    "MAX_INDEX",
    "MAX_INPUT",
    "MAX_KEYWORD",
    "PIN_DIGITS",
    "BlockKeyword",
    "BlockSender",
    "Cancel",
    "CancelAll",
    "CancelNumbered",
    "CancelPlanChange",
    "Command",
    "Confirm",
    "Decline",
    "Help",
    "ListSubscriptions",
    "Malformed",
    "QueryBalance",
    "QueryPackages",
    "QueryPoints",
    "QueryUsage",
    "Recharge",
    "Redeem",
    "ReminderOff",
    "ReminderOn",
    "SpUnsubscribe",
    "SpamReport",
    "Subscribe",
    "UnblockSender",
    "Unknown",
    "parse",
    "parse_sp_reply",
    "parse_spam_report",
    "phone_number",
]
