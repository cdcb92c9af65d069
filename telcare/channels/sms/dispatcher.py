"""The SMS command engine: one MO in, its replies out, for every SMS adapter.

Routing is by service number; each command calls the same service a web page or
API call would. Domain refusals become a helpful reply in the sender's language;
anything unexpected propagates, so that an adapter can refuse the MO and the
SMSC redelivers it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telcare.channels.sms.messages import MoMessage, MtMessage
from telcare.domain import sms_grammar as g
from telcare.domain.errors import DomainError, UnknownSubscriber
from telcare.domain.messages import render
from telcare.domain.money import fen_to_yuan
from telcare.domain.sms_segments import segment
from telcare.services import selfcare
from telcare.store.uow import Database

log = logging.getLogger(__name__)

SELFCARE_NUMBER = "10086"

Reply = str


class SmsDispatcher:
    """Turns mobile-originated SMS into service calls and replies."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._commands: dict[type, Callable[[MoMessage, g.Command, str], Reply]] = {
            g.QueryBalance: self._balance,
            g.QueryPoints: self._points,
            g.QueryPackages: self._packages,
        }

    def handle(self, mo: MoMessage) -> list[MtMessage]:
        if mo.recipient != SELFCARE_NUMBER:
            log.info("no service on %s; MO from %s dropped", mo.recipient, mo.sender)
            return []
        lang = selfcare.language_of(self.db, mo.sender)
        command = g.parse(mo.text)
        handler = self._commands.get(type(command))
        try:
            text = handler(mo, command, lang) if handler else render("sms.help", lang)
        except UnknownSubscriber:
            text = render("sms.not_subscriber", lang)
        except DomainError as err:
            text = render(err.key, lang, **err.params)
        return [MtMessage(mo.recipient, mo.sender, part) for part in segment(text)]

    def _balance(self, mo: MoMessage, _cmd: g.Command, lang: str) -> Reply:
        info = selfcare.overview(self.db, mo.sender)
        return render("sms.balance", lang, balance=fen_to_yuan(info.balance_fen))

    def _points(self, mo: MoMessage, _cmd: g.Command, lang: str) -> Reply:
        info = selfcare.overview(self.db, mo.sender)
        return render("sms.points", lang, points=info.points)

    def _packages(self, mo: MoMessage, _cmd: g.Command, lang: str) -> Reply:
        items = selfcare.packages(self.db, mo.sender)
        listing = "；".join(f"{p.name(lang)}({p.code}) {fen_to_yuan(p.price_fen)}" for p in items)
        return render("sms.packages", lang, packages=listing or "-")
