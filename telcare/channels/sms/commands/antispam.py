"""Anti-spam by SMS: ``LH`` / ``QXLH`` / ``LHGJZ`` to 10086 and spam reports to 10086999.

Thin: the grammar parses, :mod:`telcare.services.antispam` decides and stores. A
report's acknowledgement (and later its outcome) is queued by the service, so the
report itself gets no direct reply unless it could not be taken or was sent before.
"""

from __future__ import annotations

from telcare.channels.sms import registry
from telcare.channels.sms.messages import MoMessage
from telcare.domain import sms_grammar as g
from telcare.domain.antispam_rules import REPORT_NUMBER
from telcare.domain.messages import register, render
from telcare.services import antispam
from telcare.services.selfcare import Overview
from telcare.store.uow import Database

TEXTS: dict[str, tuple[str, str]] = {
    "sms.antispam.blocked": (
        "已为您拦截号码{number}的短信，拦截的短信可在网上营业厅查看。取消请发送QXLH{number}。",
        "SMS from {number} are now blocked (see them in the online hall). "
        "Send QXLH{number} to undo.",
    ),
    "sms.antispam.already_blocked": (
        "号码{number}已在您的拦截名单中。",
        "{number} is already blocked.",
    ),
    "sms.antispam.unblocked": (
        "已取消拦截号码{number}。",
        "{number} is no longer blocked.",
    ),
    "sms.antispam.not_blocked": (
        "号码{number}不在您的拦截名单中。",
        "{number} was not blocked.",
    ),
    "sms.antispam.keyword_blocked": (
        "已为您拦截含“{word}”的短信。",
        "SMS containing '{word}' are now blocked.",
    ),
    "sms.antispam.keyword_exists": (
        "关键词“{word}”已在您的拦截名单中。",
        "'{word}' is already a blocked keyword.",
    ),
    "sms.antispam.report_repeat": (
        "您已举报过该短信，我们正在处理，感谢您的支持。",
        "You already reported this message; we are on it. Thank you.",
    ),
    "sms.antispam.report_format": (
        "举报垃圾短信请发送“号码*短信内容”至10086999，例如13500000000*中奖通知。",
        "To report spam, send <number>*<text> to 10086999, e.g. 13500000000*You won.",
    ),
}
register(TEXTS)


@registry.command(g.BlockSender)
def block(db: Database, mo: MoMessage, cmd: g.Command, who: Overview) -> str:
    assert isinstance(cmd, g.BlockSender)
    number, new = antispam.block_sender(db, mo.sender, cmd.number)
    key = "sms.antispam.blocked" if new else "sms.antispam.already_blocked"
    return render(key, who.language, number=number)


@registry.command(g.UnblockSender)
def unblock(db: Database, mo: MoMessage, cmd: g.Command, who: Overview) -> str:
    assert isinstance(cmd, g.UnblockSender)
    number, found = antispam.unblock_sender(db, mo.sender, cmd.number)
    key = "sms.antispam.unblocked" if found else "sms.antispam.not_blocked"
    return render(key, who.language, number=number)


@registry.command(g.BlockKeyword)
def keyword(db: Database, mo: MoMessage, cmd: g.Command, who: Overview) -> str:
    assert isinstance(cmd, g.BlockKeyword)
    word, new = antispam.block_keyword(db, mo.sender, cmd.word)
    key = "sms.antispam.keyword_blocked" if new else "sms.antispam.keyword_exists"
    return render(key, who.language, word=word)


@registry.number(REPORT_NUMBER)
def report(db: Database, mo: MoMessage, who: Overview) -> str | None:
    """A spam report to 10086999: ``<number>*<text>``."""
    parsed = g.parse_spam_report(mo.text)
    if parsed is None:
        return render("sms.antispam.report_format", who.language)
    result = antispam.report(db, who.msisdn, parsed.text, sender=parsed.sender, channel="sms")
    return render("sms.antispam.report_repeat", who.language) if result.duplicate else None
