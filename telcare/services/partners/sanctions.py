"""Suspension, reinstatement and termination of an SP (once per action and month), and the
refunds and notices a termination owes the SP's subscribers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import partners as rules
from telcare.domain.ledger import EntryKind
from telcare.domain.messages import render
from telcare.domain.money import fen_to_yuan
from telcare.services import lookups
from telcare.services.accounts import post_entry
from telcare.services.notify import queue_sms
from telcare.services.partners.cancellation import _cancel_rows
from telcare.services.partners.registry import SYSTEM, _offer
from telcare.store import models as m
from telcare.store import partner_models as pm


def _apply(
    s: Session,
    sp: m.ServiceProvider,
    action: rules.Action,
    month: str,
    window: list[str],
    result: rules.Score | None,
    now: datetime,
) -> int:
    if action is rules.Action.NONE:
        return 0
    done = s.scalar(
        select(pm.SpAction.id).where(
            pm.SpAction.access_code == sp.access_code,
            pm.SpAction.action == action.value,
            pm.SpAction.month == month,
        )
    )
    if done is not None:
        return 0
    refunds = 0
    if action is rules.Action.SUSPEND:
        sp.status = rules.SpStatus.SUSPENDED.value
    elif action is rules.Action.REINSTATE:
        sp.status = rules.SpStatus.ACTIVE.value
    else:
        sp.status = rules.SpStatus.TERMINATED.value
        kinds = frozenset(rules.ViolationType(k) for k in window)
        refunds = _terminate(s, sp, month, rules.refund_on_termination(kinds), now)
    tier = "—" if result is None else result.tier.value  # — : too little data
    score = "—" if result is None else str(result.value)
    s.add(
        pm.SpAction(
            access_code=sp.access_code,
            action=action.value,
            month=month,
            reason=f"tier {tier}, score {score}, serious {len(window)}/12m",
            actor=SYSTEM,
            details={
                "score": score,
                "tier": tier,
                "serious": window,
                "refunds": refunds,
            },
            created_at=now,
        )
    )
    return refunds


def _terminate(s: Session, sp: m.ServiceProvider, month: str, refund: bool, now: datetime) -> int:
    """Cancel every subscription of ``sp``; refund ``month`` (and later) fees if told to."""
    rows = s.scalars(
        select(pm.SpSubscription)
        .where(
            pm.SpSubscription.access_code == sp.access_code, pm.SpSubscription.state != "cancelled"
        )
        .order_by(pm.SpSubscription.id)
    ).all()
    refunded = 0
    for row in rows:
        was_active = row.state == "active"
        _cancel_rows(s, [row], now, "terminated")
        amount = refund_fees(s, row, month, now) if refund else 0
        refunded += amount > 0
        if not was_active:
            continue
        sub = s.get_one(m.Subscriber, row.subscriber_id)
        svc = s.get_one(m.SpService, row.service_id)
        note = (
            render("sp.refund_note", sub.language, amount=fen_to_yuan(amount)) if amount else "。"
        )
        if sub.language == "en" and not amount:
            note = ""
        queue_sms(
            s,
            sub.msisdn,
            render(
                "sp.terminated_notice",
                sub.language,
                sp=sp.name,
                name=_offer(svc).name(sub.language),
                refund=note,
            ),
            dedupe_key=f"sp:terminated:{row.id}",
            now=now,
        )
    return refunded


def refund_fees(s: Session, row: pm.SpSubscription, month: str, now: datetime) -> int:
    """Refund the subscription's fees for ``month`` and later, each at most once (fen)."""
    fees = s.scalars(
        select(pm.SpFee)
        .where(
            pm.SpFee.subscription_id == row.id,
            pm.SpFee.month >= month,
            pm.SpFee.refund_entry_id.is_(None),
        )
        .with_for_update()
    ).all()
    total = 0
    for fee in fees:
        account = lookups.account_for_update(s, row.subscriber_id)
        entry = post_entry(
            s,
            account,
            EntryKind.REFUND,
            fee.amount_fen,
            reason=f"SP终止退费 {fee.month}",
            reference=f"sp-refund:{fee.id}",
        )
        fee.refund_entry_id, fee.refunded_at = entry.id, now
        total += fee.amount_fen
    s.flush()
    return total
