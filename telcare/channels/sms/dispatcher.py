"""The SMS command engine: one MO in, its replies out, for every SMS adapter.

Routing is by service number; each command calls the same service a web page or
API call would. Domain refusals become a helpful reply in the sender's language;
anything unexpected propagates, so that an adapter can refuse the MO and the
SMSC redelivers it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from telcare.channels.sms import (
    antispam_commands,
    loyalty_commands,
    sp_commands,
    survey_commands,
)
from telcare.channels.sms.messages import MoMessage, MtMessage
from telcare.domain import sms_grammar as g
from telcare.domain.errors import DomainError, InvalidMsisdn, UnknownSubscriber
from telcare.domain.messages import render
from telcare.domain.money import fen_to_yuan
from telcare.domain.sms_segments import segment
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import cards, charging, orders, selfcare
from telcare.services.selfcare import Overview
from telcare.store.uow import Database

log = logging.getLogger(__name__)

SELFCARE_NUMBER = "10086"

Reply = str
CommandHandler = Callable[[MoMessage, g.Command, Overview], Reply]
NumberHandler = Callable[[MoMessage, Overview], Reply | None]
"""Answers everything sent to one service number; ``None`` means no reply."""


class SmsDispatcher:
    """Turns mobile-originated SMS into service calls and replies.

    Capabilities plug in with :meth:`on_command` (a 10086 command), :meth:`on_number`
    (a whole service number such as 10086999) and :meth:`on_prefix` (SP access codes).
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._numbers: dict[str, NumberHandler] = {SELFCARE_NUMBER: self._selfcare}
        self._prefixes: list[tuple[str, NumberHandler]] = []
        self._commands: dict[type, CommandHandler] = {
            g.QueryBalance: self._balance,
            g.QueryPoints: self._points,
            g.QueryPackages: self._packages,
            g.QueryUsage: self._usage,
            g.ReminderOn: self._reminder,
            g.ReminderOff: self._reminder,
            g.Subscribe: self._subscribe,
            g.Confirm: self._confirm,
            g.Decline: self._decline,
            g.Cancel: self._cancel,
            g.ListSubscriptions: self._menu,
            g.CancelNumbered: self._cancel_numbered,
            g.CancelAll: self._cancel_numbered,
            g.Recharge: self._recharge,
            g.Malformed: self._malformed,
        }
        antispam_commands.install(self)
        survey_commands.install(self)
        loyalty_commands.install(self)
        sp_commands.install(self)

    def on_command(self, kind: type, handler: CommandHandler) -> None:
        self._commands[kind] = handler

    def on_number(self, number: str, handler: NumberHandler) -> None:
        self._numbers[number] = handler

    def on_prefix(self, prefix: str, handler: NumberHandler) -> None:
        self._prefixes.append((prefix, handler))

    def handle(self, mo: MoMessage) -> list[MtMessage]:
        """Run one MO to completion; its replies, in order (none for unknown numbers)."""
        handler = self._numbers.get(mo.recipient) or next(
            (h for prefix, h in self._prefixes if mo.recipient.startswith(prefix)), None
        )
        if handler is None:
            log.info("no service on %s; MO from %s dropped", mo.recipient, mo.sender)
            return []
        try:
            who = selfcare.overview(self.db, mo.sender)
        except (UnknownSubscriber, InvalidMsisdn):
            return self._reply(mo, render("sms.not_subscriber"))
        try:
            text = handler(mo, who)
        except UnknownSubscriber:
            text = render("sms.not_subscriber", who.language)
        except DomainError as err:
            text = render(err.key, who.language, **err.params)
        return self._reply(mo, text) if text else []

    def _selfcare(self, mo: MoMessage, who: Overview) -> Reply:
        command = g.parse(mo.text)
        handler = self._commands.get(type(command))
        return handler(mo, command, who) if handler else render("sms.help", who.language)

    @staticmethod
    def _reply(mo: MoMessage, text: str) -> list[MtMessage]:
        return [MtMessage(mo.recipient, mo.sender, part) for part in segment(text)]

    @staticmethod
    def key(mo: MoMessage) -> str:
        """The idempotency key of an MO: its SMSC id, so a redelivery has no second effect."""
        return f"sms:{mo.message_id}" if mo.message_id else f"sms:{uuid.uuid4()}"

    # --- queries ------------------------------------------------------------------

    def _balance(self, mo: MoMessage, _cmd: g.Command, who: Overview) -> Reply:
        return render("sms.balance", who.language, balance=fen_to_yuan(who.balance_fen))

    def _points(self, mo: MoMessage, _cmd: g.Command, who: Overview) -> Reply:
        return render("sms.points", who.language, points=who.points)

    def _packages(self, mo: MoMessage, _cmd: g.Command, who: Overview) -> Reply:
        lang = who.language
        items = selfcare.packages(self.db, mo.sender)
        listing = "；".join(f"{p.name(lang)}({p.code}) {fen_to_yuan(p.price_fen)}" for p in items)
        return render("sms.packages", lang, packages=listing or "-")

    def _usage(self, mo: MoMessage, _cmd: g.Command, who: Overview) -> Reply:
        usage = charging.usage_summary(self.db, who.msisdn)
        return render(
            "sms.usage",
            who.language,
            month=_month_label(usage.month, who.language),
            used_mb=_mb(usage.data_kb),
            left_mb=_mb(usage.left("data")),
            charged=fen_to_yuan(usage.data_charge_fen),  # 流量费: data only
        )

    def _reminder(self, mo: MoMessage, cmd: g.Command, who: Overview) -> Reply:
        on = isinstance(cmd, g.ReminderOn)
        charging.set_data_reminder(self.db, who.msisdn, on, idempotency_key=self.key(mo))
        return render("sms.reminder_on" if on else "sms.reminder_off", who.language)

    # --- orders -------------------------------------------------------------------

    def _subscribe(self, mo: MoMessage, cmd: g.Command, who: Overview) -> Reply:
        lang = who.language
        assert isinstance(cmd, g.Subscribe)
        outcome = orders.request_subscription(self.db, mo.sender, cmd.code, channel="sms")
        if isinstance(outcome, orders.Subscribed):
            return render("sms.subscribed_free", lang, name=outcome.offer.name(lang))
        text = render(
            "sms.confirm_ask",
            lang,
            name=outcome.offer.name(lang),
            price=fen_to_yuan(outcome.offer.price_fen),
            per=_per(outcome.offer, lang),
        )
        if outcome.replaced is not None:
            replaced = render("sms.confirm_replaced", lang, old=outcome.replaced.name(lang))
            text = f"{replaced} {text}" if lang == "en" else replaced + text
        return text

    def _confirm(self, mo: MoMessage, _cmd: g.Command, who: Overview) -> Reply:
        lang = who.language
        done = orders.confirm(self.db, mo.sender)
        if not isinstance(done, orders.Subscribed):
            return render(done.message_key, lang, **done.message_params)
        return render(
            "sms.subscribed",
            lang,
            name=done.offer.name(lang),
            price=fen_to_yuan(done.offer.price_fen),
            balance=fen_to_yuan(done.balance_fen),
        )

    def _decline(self, mo: MoMessage, _cmd: g.Command, who: Overview) -> Reply:
        lang = who.language
        offer = orders.decline(self.db, mo.sender)
        return render("sms.declined", lang, name=offer.name(lang))

    def _cancel(self, mo: MoMessage, cmd: g.Command, who: Overview) -> Reply:
        lang = who.language
        assert isinstance(cmd, g.Cancel)
        return self._cancelled(lang, [orders.cancel(self.db, mo.sender, cmd.code)])

    def _menu(self, mo: MoMessage, _cmd: g.Command, who: Overview) -> Reply:
        lang = who.language
        offers = orders.paid_menu(self.db, mo.sender)
        if not offers:
            return render("order.no_paid", lang)
        sep, label = ("; ", "({}) ") if lang == "en" else ("；", "【{}】")
        items = sep.join(
            f"{label.format(i)}{o.name(lang)} {fen_to_yuan(o.price_fen)}{_per(o, lang)}"
            for i, o in enumerate(offers, 1)
        )
        return render("sms.menu", lang, items=items)

    def _cancel_numbered(self, mo: MoMessage, cmd: g.Command, who: Overview) -> Reply:
        lang = who.language
        indexes = cmd.indexes if isinstance(cmd, g.CancelNumbered) else None
        return self._cancelled(lang, orders.cancel_from_menu(self.db, mo.sender, indexes))

    @staticmethod
    def _cancelled(lang: str, done: list[orders.Cancelled]) -> Reply:
        if not done:
            return render("order.no_paid", lang)
        return " ".join(
            render("sms.cancelled", lang, name=c.offer.name(lang), date=_day(c.effective_at))
            for c in done
        )

    # --- money --------------------------------------------------------------------

    def _recharge(self, mo: MoMessage, cmd: g.Command, who: Overview) -> Reply:
        lang = who.language
        assert isinstance(cmd, g.Recharge)
        posting = cards.recharge_with_card(
            self.db, mo.sender, cmd.card, cmd.pin, idempotency_key=self.key(mo)
        )
        return render(
            "sms.recharged",
            lang,
            amount=fen_to_yuan(posting.amount_fen),
            balance=fen_to_yuan(posting.balance_fen),
        )

    def _malformed(self, _mo: MoMessage, cmd: g.Command, who: Overview) -> Reply:
        lang = who.language
        assert isinstance(cmd, g.Malformed)
        return render(cmd.hint_key, lang)


def _month_label(month: str, lang: str) -> str:
    year, mon = month.split("-")
    return month if lang == "en" else f"{year}年{int(mon)}月"


def _mb(kb: int) -> str:
    return f"{kb / 1024:.1f}" if kb % 1024 else str(kb // 1024)


def _per(offer: orders.Offer, lang: str) -> str:
    if offer.period == "monthly":
        return render("sms.per_month", lang)
    return render("sms.per_days", lang, days=offer.validity_days)


def _day(when: datetime) -> str:
    return when.astimezone(OPERATOR_TZ).date().isoformat()
