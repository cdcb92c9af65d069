"""10086 orders: subscribe (then ``Y``/``N``), cancel, the paid menu and cancelling by number.

``Y`` confirms whatever :mod:`telcare.services.orders` holds pending for the sender: a package,
an SP order or a points redemption.
"""

from __future__ import annotations

from datetime import datetime

from telcare.channels.sms import registry
from telcare.channels.sms.commands.account import ending_mark
from telcare.channels.sms.messages import MoMessage
from telcare.domain import sms_grammar as g
from telcare.domain.messages import N_, render
from telcare.domain.money import fen_to_yuan
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import orders, selfcare
from telcare.services.selfcare import Overview
from telcare.store.uow import Database


@registry.command(g.Subscribe)
def subscribe(db: Database, mo: MoMessage, cmd: g.Command, who: Overview) -> str:
    lang = who.language
    assert isinstance(cmd, g.Subscribe)
    outcome = orders.request_subscription(db, mo.sender, cmd.code, channel="sms")
    if isinstance(outcome, orders.Subscribed):
        return render("sms.subscribed_free", lang, name=outcome.offer.name(lang))
    text = render(
        "sms.confirm_ask",
        lang,
        name=outcome.offer.name(lang),
        price=fen_to_yuan(outcome.offer.price_fen),
        per=_per(outcome.offer, lang),
    )
    text = _with_terms(text, outcome, lang)
    if outcome.replaced is not None:
        replaced = render("sms.confirm_replaced", lang, old=outcome.replaced.name(lang))
        text = f"{replaced} {text}" if lang == "en" else replaced + text
    return text


@registry.command(g.Confirm)
def confirm(db: Database, mo: MoMessage, _cmd: g.Command, who: Overview) -> str:
    lang = who.language
    done = orders.confirm(db, mo.sender)
    if not isinstance(done, orders.Subscribed):
        return render(done.message_key, lang, **done.message_params)
    if done.starts_at is not None:  # a base-plan change, from the 1st of next month
        day = _day(done.starts_at)
        return render("order.plan_change_scheduled", lang, name=done.offer.name(lang), date=day)
    return render(
        "sms.subscribed",
        lang,
        name=done.offer.name(lang),
        price=fen_to_yuan(done.offer.price_fen),
        balance=fen_to_yuan(done.balance_fen),
    )


@registry.command(g.Decline)
def decline(db: Database, mo: MoMessage, _cmd: g.Command, who: Overview) -> str:
    lang = who.language
    offer = orders.decline(db, mo.sender)
    return render("sms.declined", lang, name=offer.name(lang))


@registry.command(g.Cancel)
def cancel(db: Database, mo: MoMessage, cmd: g.Command, who: Overview) -> str:
    lang = who.language
    assert isinstance(cmd, g.Cancel)
    return _cancelled(lang, [orders.cancel(db, mo.sender, cmd.code)])


@registry.command(g.ListSubscriptions)
def menu(db: Database, mo: MoMessage, _cmd: g.Command, who: Overview) -> str:
    lang = who.language
    offers = orders.paid_menu(db, mo.sender)
    sep, label = ("; ", "({}) ") if lang == "en" else ("；", "【{}】")
    ending = [p for p in selfcare.packages(db, mo.sender) if p.cancelled and p.price_fen > 0]
    note = (
        render(
            "sms.menu_ending",
            lang,
            items=sep.join(f"{p.name(lang)}{ending_mark(p, lang)}" for p in ending),
        )
        if ending
        else ""
    )
    if not offers:
        return render("order.no_paid", lang) + note
    items = sep.join(
        f"{label.format(i)}{o.name(lang)} {fen_to_yuan(o.price_fen)}{_per(o, lang)}"
        for i, o in enumerate(offers, 1)
    )
    return render("sms.menu", lang, items=items) + note


@registry.command(g.CancelNumbered, g.CancelAll)
def cancel_numbered(db: Database, mo: MoMessage, cmd: g.Command, who: Overview) -> str:
    lang = who.language
    indexes = cmd.indexes if isinstance(cmd, g.CancelNumbered) else None
    return _cancelled(lang, orders.cancel_from_menu(db, mo.sender, indexes))


def _cancelled(lang: str, done: list[orders.Cancelled]) -> str:
    if not done:
        return render("order.no_paid", lang)
    return " ".join(
        render("sms.cancelled", lang, name=c.offer.name(lang), date=_day(c.effective_at))
        for c in done
    )


@registry.command(g.CancelPlanChange)
def cancel_plan_change(db: Database, mo: MoMessage, _cmd: g.Command, who: Overview) -> str:
    change = orders.cancel_change(db, mo.sender)
    return render("order.plan_change_cancelled", who.language, name=change.offer.name(who.language))


def _with_terms(text: str, pending: orders.Pending, lang: str) -> str:
    """The confirmation question, then the first month's terms (read before ``Y``)."""
    offer = pending.offer
    if pending.starts_at is not None:
        terms = render(
            "order.terms_change",
            lang,
            date=_day(pending.starts_at),
            price=fen_to_yuan(offer.price_fen),
        )
    elif offer.period == "monthly" and pending.first_fee_fen is not None:
        key = (
            N_("order.terms_prorated")
            if offer.first_month == "prorated"
            else N_("order.terms_full")
        )
        terms = render(key, lang, first=fen_to_yuan(pending.first_fee_fen))
    else:
        return text
    return text + terms


def _per(offer: orders.Offer, lang: str) -> str:
    if offer.period == "monthly":
        return render("sms.per_month", lang)
    return render("sms.per_days", lang, days=offer.validity_days)


def _day(when: datetime) -> str:
    return when.astimezone(OPERATOR_TZ).date().isoformat()
