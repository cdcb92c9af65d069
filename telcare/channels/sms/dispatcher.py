"""The SMS command engine: one MO in, its replies out, for every SMS adapter.

Routing is by service number; each command calls the same service a web page or
API call would. Domain refusals become a helpful reply in the sender's language;
anything unexpected propagates, so that an adapter can refuse the MO and the
SMSC redelivers it.
"""

from __future__ import annotations

import logging

from telcare.channels.sms import registry
from telcare.channels.sms.commands import COMMANDS, NUMBERS, PREFIXES
from telcare.channels.sms.messages import MoMessage, MtMessage
from telcare.domain import sms_grammar as g
from telcare.domain.errors import DomainError, InvalidMsisdn, UnknownSubscriber
from telcare.domain.messages import render
from telcare.domain.sms_segments import segment
from telcare.services import selfcare
from telcare.services.selfcare import Overview
from telcare.store.uow import Database

log = logging.getLogger(__name__)

SELFCARE_NUMBER = "10086"


@registry.number(SELFCARE_NUMBER)
def _selfcare(db: Database, mo: MoMessage, who: Overview) -> registry.Reply:
    """10086: parse the text and run its command's handler; unknown text gets the help menu."""
    command = g.parse(mo.text)
    handler = COMMANDS.get(type(command))
    return handler(db, mo, command, who) if handler else render("sms.help", who.language)


class SmsDispatcher:
    """Turns mobile-originated SMS into service calls and replies.

    Capabilities plug in through :mod:`telcare.channels.sms.registry`: a 10086 command, a whole
    service number (such as 10086999) or a number prefix (SP access codes); their modules live
    in :mod:`telcare.channels.sms.commands`.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    def handle(self, mo: MoMessage) -> list[MtMessage]:
        """Run one MO to completion; its replies, in order (none for unknown numbers)."""
        handler = NUMBERS.get(mo.recipient) or next(
            (h for prefix, h in PREFIXES if mo.recipient.startswith(prefix)), None
        )
        if handler is None:
            log.info("no service on %s; MO from %s dropped", mo.recipient, mo.sender)
            return []
        try:
            who = selfcare.overview(self.db, mo.sender)
        except (UnknownSubscriber, InvalidMsisdn):
            return self._reply(mo, render("sms.not_subscriber"))
        try:
            text = handler(self.db, mo, who)
        except UnknownSubscriber:
            text = render("sms.not_subscriber", who.language)
        except DomainError as err:
            text = render(err.key, who.language, **err.params)
        return self._reply(mo, text) if text else []

    @staticmethod
    def _reply(mo: MoMessage, text: str) -> list[MtMessage]:
        return [MtMessage(mo.recipient, mo.sender, part) for part in segment(text)]
