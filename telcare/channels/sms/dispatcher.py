"""The SMS command engine: one MO in, its replies out, for every SMS adapter.

Routing is by service number; each command calls the same service a web page or
API call would. Domain refusals become a helpful reply in the sender's language;
anything unexpected propagates, so that an adapter can refuse the MO and the
SMSC redelivers it.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

from telcare.channels.sms import registry
from telcare.channels.sms.commands import COMMANDS, NUMBERS, PREFIXES
from telcare.channels.sms.messages import MoMessage, MtMessage
from telcare.domain import sms_grammar as g
from telcare.domain.errors import DomainError, InvalidMsisdn, UnknownSubscriber
from telcare.domain.messages import render
from telcare.domain.sms_segments import segment
from telcare.ops import logs, tracing
from telcare.ops.metrics import SMS_LATENCY, SMS_MO, SMS_MT
from telcare.services import selfcare
from telcare.services.selfcare import Overview
from telcare.store.uow import Database

log = logs.get_logger(__name__)
_command: ContextVar[str] = ContextVar("sms_command", default="")

SELFCARE_NUMBER = "10086"


@registry.number(SELFCARE_NUMBER)
def _selfcare(db: Database, mo: MoMessage, who: Overview) -> registry.Reply:
    """10086: parse the text and run its command's handler; unknown text gets the help menu."""
    command = g.parse(mo.text)
    _command.set(type(command).__name__)
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
        """Run one MO to completion; its replies, in order (none for unknown numbers).

        Every log line of the MO (and of its replies, which carry its ``message_id``) has
        the same ``message_id``; ``telcare_sms_*`` count it by command."""
        message_id = mo.message_id or logs.new_id()
        started = time.perf_counter()
        token = _command.set("")
        with logs.bound(message_id=message_id), tracing.span("sms.mo", message_id=message_id):
            try:
                replies = self._handle(mo, message_id)
            finally:
                command = _command.get() or _service_label(mo.recipient)
                _command.reset(token)
            SMS_MO.labels(command).inc()
            SMS_MT.labels(command).inc(len(replies))
            SMS_LATENCY.labels(command).observe(time.perf_counter() - started)
            log.info("sms.mo", recipient=mo.recipient, command=command, replies=len(replies))
        return replies

    def _handle(self, mo: MoMessage, message_id: str) -> list[MtMessage]:
        handler = NUMBERS.get(mo.recipient) or next(
            (h for prefix, h in PREFIXES if mo.recipient.startswith(prefix)), None
        )
        if handler is None:
            log.info("sms.dropped", reason="no service", recipient=mo.recipient)
            return []
        try:
            who = selfcare.overview(self.db, mo.sender)
        except (UnknownSubscriber, InvalidMsisdn):
            return self._reply(mo, render("sms.not_subscriber"), message_id)
        try:
            text = handler(self.db, mo, who)
        except UnknownSubscriber:
            text = render("sms.not_subscriber", who.language)
        except DomainError as err:
            text = render(err.key, who.language, **err.params)
        return self._reply(mo, text, message_id) if text else []

    @staticmethod
    def _reply(mo: MoMessage, text: str, message_id: str) -> list[MtMessage]:
        return [MtMessage(mo.recipient, mo.sender, part, message_id) for part in segment(text)]


def _service_label(recipient: str) -> str:
    """A bounded label for a non-10086 MO: its service number or prefix, else ``other``."""
    if recipient in NUMBERS:
        return recipient
    prefix = next((p for p, _ in PREFIXES if recipient.startswith(p)), None)
    return f"{prefix}*" if prefix else "other"
