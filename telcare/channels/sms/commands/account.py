"""10086 self-service on the account: balance, points, packages, usage, data reminder, recharge.

Also the hint answered to a command that was recognised but malformed.
"""

from __future__ import annotations

from telcare.channels.sms import registry
from telcare.channels.sms.messages import MoMessage
from telcare.domain import sms_grammar as g
from telcare.domain.messages import N_, render
from telcare.domain.money import fen_to_yuan
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import cards, charging, loyalty, orders, selfcare
from telcare.services.selfcare import Overview
from telcare.store.uow import Database


def ending_mark(p: selfcare.PackageInForce, lang: str) -> str:
    """ "（已退订，本月仍可使用，至12-31止）" after a cancelled package still in force."""
    day = p.last_day
    if not p.cancelled or day is None:
        return ""
    return render("sms.pkg_ending", lang, date=day.strftime("%m-%d"))


# --- queries ------------------------------------------------------------------


@registry.command(g.QueryBalance)
def balance(db: Database, mo: MoMessage, _cmd: g.Command, who: Overview) -> str:
    return render("sms.balance", who.language, balance=fen_to_yuan(who.balance_fen))


@registry.command(g.QueryPoints)
def points(db: Database, mo: MoMessage, _cmd: g.Command, who: Overview) -> str:
    """The spendable points: what ``DH`` + ``Y`` would spend from (accrual counted)."""
    return render("sms.points", who.language, points=loyalty.spendable_points(db, mo.sender))


@registry.command(g.QueryPackages)
def packages(db: Database, mo: MoMessage, _cmd: g.Command, who: Overview) -> str:
    lang = who.language
    items = selfcare.packages(db, mo.sender)
    listing = "；".join(
        f"{p.name(lang)}({p.code}) {fen_to_yuan(p.price_fen)}{ending_mark(p, lang)}" for p in items
    )
    text = render("sms.packages", lang, packages=listing or "-")
    change = orders.pending_change(db, mo.sender)
    if change is not None:  # 套餐变更次月生效: shown until it starts
        day = change.effective_at.astimezone(OPERATOR_TZ).date().isoformat()
        text += render("order.plan_change_shown", lang, name=change.offer.name(lang), date=day)
    return text


@registry.command(g.QueryUsage)
def data_usage(db: Database, mo: MoMessage, _cmd: g.Command, who: Overview) -> str:
    usage = charging.usage_summary(db, who.msisdn)
    return render(
        "sms.usage",
        who.language,
        month=_month_label(usage.month, who.language),
        used_mb=_mb(usage.data_kb),
        left_mb=_mb(usage.left("data")),
        charged=fen_to_yuan(usage.data_charge_fen),  # 流量费: data only
    )


@registry.command(g.ReminderOn, g.ReminderOff)
def reminder(db: Database, mo: MoMessage, cmd: g.Command, who: Overview) -> str:
    on = isinstance(cmd, g.ReminderOn)
    charging.set_data_reminder(db, who.msisdn, on, idempotency_key=registry.idempotency_key(mo))
    return render(N_("sms.reminder_on") if on else N_("sms.reminder_off"), who.language)


# --- money --------------------------------------------------------------------


@registry.command(g.Recharge)
def recharge(db: Database, mo: MoMessage, cmd: g.Command, who: Overview) -> str:
    lang = who.language
    assert isinstance(cmd, g.Recharge)
    posting = cards.recharge_with_card(
        db, mo.sender, cmd.card, cmd.pin, idempotency_key=registry.idempotency_key(mo)
    )
    return render(
        "sms.recharged",
        lang,
        amount=fen_to_yuan(posting.amount_fen),
        balance=fen_to_yuan(posting.balance_fen),
    )


@registry.command(g.Malformed)
def malformed(db: Database, _mo: MoMessage, cmd: g.Command, who: Overview) -> str:
    lang = who.language
    assert isinstance(cmd, g.Malformed)
    return render(cmd.hint_key, lang)


def _month_label(month: str, lang: str) -> str:
    year, mon = month.split("-")
    return month if lang == "en" else f"{year}年{int(mon)}月"


def _mb(kb: int) -> str:
    return f"{kb / 1024:.1f}" if kb % 1024 else str(kb // 1024)
