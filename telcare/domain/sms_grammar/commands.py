"""What a text to 10086, 10086999 or an SP can mean: one dataclass per command, and the limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

MAX_INPUT = 320
"""Characters of a message that are looked at; a longer message is :class:`Unknown`."""

MAX_CODE = 12
MAX_INDEX = 99
MAX_KEYWORD = 20
CARD_DIGITS = 16
PIN_DIGITS = 6


@dataclass(frozen=True, slots=True)
class QueryBalance:
    """``CXYE``, ``YE``, 余额, 查余额, 话费."""


@dataclass(frozen=True, slots=True)
class CancelPlanChange:
    """``QXTCBG``, 取消套餐变更: drop the base-plan change waiting for the 1st."""


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
    | CancelPlanChange
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
