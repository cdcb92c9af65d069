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
from telcare.domain.messages import N_, render
from telcare.services import antispam
from telcare.services.selfcare import Overview
from telcare.store.uow import Database


@registry.command(g.BlockSender)
def block(db: Database, mo: MoMessage, cmd: g.Command, who: Overview) -> str:
    assert isinstance(cmd, g.BlockSender)
    number, new = antispam.block_sender(db, mo.sender, cmd.number)
    key = N_("sms.antispam.blocked") if new else N_("sms.antispam.already_blocked")
    return render(key, who.language, number=number)


@registry.command(g.UnblockSender)
def unblock(db: Database, mo: MoMessage, cmd: g.Command, who: Overview) -> str:
    assert isinstance(cmd, g.UnblockSender)
    number, found = antispam.unblock_sender(db, mo.sender, cmd.number)
    key = N_("sms.antispam.unblocked") if found else N_("sms.antispam.not_blocked")
    return render(key, who.language, number=number)


@registry.command(g.BlockKeyword)
def keyword(db: Database, mo: MoMessage, cmd: g.Command, who: Overview) -> str:
    assert isinstance(cmd, g.BlockKeyword)
    word, new = antispam.block_keyword(db, mo.sender, cmd.word)
    key = N_("sms.antispam.keyword_blocked") if new else N_("sms.antispam.keyword_exists")
    return render(key, who.language, word=word)


@registry.number(REPORT_NUMBER)
def report(db: Database, mo: MoMessage, who: Overview) -> str | None:
    """A spam report to 10086999: ``<number>*<text>``."""
    parsed = g.parse_spam_report(mo.text)
    if parsed is None:
        return render("sms.antispam.report_format", who.language)
    result = antispam.report(db, who.msisdn, parsed.text, sender=parsed.sender, channel="sms")
    return render("sms.antispam.report_repeat", who.language) if result.duplicate else None
