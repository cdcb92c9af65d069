"""The SMS command engine: one MO in, its replies out, for every SMS adapter.

Routing is by service number; each command calls the same service a web page or
API call would. Domain refusals become a helpful reply in the sender's language;
anything unexpected propagates, so that an adapter can refuse the MO and the
SMSC redelivers it.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from telcare.channels.sms import registry
from telcare.channels.sms.commands import COMMANDS, NUMBERS, PREFIXES
from telcare.channels.sms.messages import MoMessage, MtMessage
from telcare.domain import antispam_rules as r
from telcare.domain import sms_grammar as g
from telcare.domain.errors import DomainError, InvalidMsisdn, UnknownSubscriber
from telcare.domain.messages import render
from telcare.domain.msisdn import normalise_msisdn
from telcare.ops import logs, tracing
from telcare.ops.metrics import SMS_LATENCY, SMS_MO, SMS_MT
from telcare.services import antispam, selfcare
from telcare.services.selfcare import Overview
from telcare.store.uow import Database

log = logs.get_logger(__name__)
_command: ContextVar[str] = ContextVar("sms_command", default="")

SELFCARE_NUMBER = "10086"


@dataclass(frozen=True, slots=True)
class Outcome:
    """One MO handled: the MTs to send and, for a person-to-person SMS, the firewall's word."""

    replies: list[MtMessage] = field(default_factory=list)
    decision: r.Decision | None = None
    """None unless the MO went through the firewall (to another subscriber)."""

    @property
    def held(self) -> bool:
        """A person-to-person SMS that was quarantined or stopped, not delivered."""
        return self.decision is not None and not self.decision.delivered


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

        An SMS to another subscriber goes through the firewall: the reply is the MT to the
        recipient when it is delivered, nothing when it is held in the recipient's box."""
        return self.run(mo).replies

    def run(self, mo: MoMessage) -> Outcome:
        """:meth:`handle`, with the firewall's decision for a person-to-person SMS.

        Every log line of the MO (and of its replies, which carry its ``message_id``) has
        the same ``message_id``; ``telcare_sms_*`` count it by command."""
        message_id = mo.message_id or logs.new_id()
        started = time.perf_counter()
        token = _command.set("")
        with logs.bound(message_id=message_id), tracing.span("sms.mo", message_id=message_id):
            try:
                outcome = self._handle(mo, message_id)
            finally:
                command = _command.get() or _service_label(mo.recipient)
                _command.reset(token)
            replies = outcome.replies
            SMS_MO.labels(command).inc()
            SMS_MT.labels(command).inc(len(replies))
            SMS_LATENCY.labels(command).observe(time.perf_counter() - started)
            log.info("sms.mo", recipient=mo.recipient, command=command, replies=len(replies))
        return outcome

    def _handle(self, mo: MoMessage, message_id: str) -> Outcome:
        handler = NUMBERS.get(mo.recipient) or next(
            (h for prefix, h in PREFIXES if mo.recipient.startswith(prefix)), None
        )
        if handler is None:
            if _subscriber_number(mo.recipient):
                _command.set("p2p")
                return self._p2p(mo, message_id)
            log.info("sms.dropped", reason="no service", recipient=mo.recipient)
            return Outcome()
        try:
            who = selfcare.overview(self.db, mo.sender)
        except (UnknownSubscriber, InvalidMsisdn):
            return Outcome(self._reply(mo, render("sms.not_subscriber"), message_id))
        try:
            text = handler(self.db, mo, who)
        except UnknownSubscriber:
            text = render("sms.not_subscriber", who.language)
        except DomainError as err:
            text = render(err.key, who.language, **err.params)
        return Outcome(self._reply(mo, text, message_id) if text else [])

    def _p2p(self, mo: MoMessage, message_id: str) -> Outcome:
        """A subscriber's SMS to another subscriber, through the firewall."""
        try:
            who = selfcare.overview(self.db, mo.sender)
        except (UnknownSubscriber, InvalidMsisdn):
            return Outcome(self._reply(mo, render("sms.not_subscriber"), message_id))
        try:
            result = antispam.deliver_p2p(
                self.db, mo.sender, mo.recipient, mo.text, message_id=_message_id(mo)
            )
        except UnknownSubscriber:
            text = render("sms.p2p.unknown_recipient", who.language, number=mo.recipient)
            return Outcome(self._reply(mo, text, message_id))
        decision = result.decision
        if decision.delivered:
            mt = MtMessage(result.sender, result.recipient, result.text, message_id)
            return Outcome([mt], decision)
        if decision.action is r.Action.STOP:
            notice = render("sms.p2p.restricted", who.language)
            return Outcome([MtMessage(r.REPORT_NUMBER, mo.sender, notice, message_id)], decision)
        return Outcome([], decision)

    @staticmethod
    def _reply(mo: MoMessage, text: str, message_id: str) -> list[MtMessage]:
        # one message: the SMS adapter splits it into concatenated parts a phone shows as one
        return [MtMessage(mo.recipient, mo.sender, text, message_id)]


def _subscriber_number(number: str) -> bool:
    """Whether ``number`` reads as a mobile number (not a service number)."""
    try:
        normalise_msisdn(number)
    except InvalidMsisdn:
        return False
    return True


def _message_id(mo: MoMessage) -> str:
    """The firewall's idempotency key: the SMSC's id, else a fresh one."""
    return registry.idempotency_key(mo).removeprefix("sms:")


def _service_label(recipient: str) -> str:
    """A bounded label for a non-10086 MO: its service number or prefix, else ``other``."""
    if recipient in NUMBERS:
        return recipient
    prefix = next((p for p, _ in PREFIXES if recipient.startswith(p)), None)
    return f"{prefix}*" if prefix else "other"
