"""The launch test orders of a new base plan: ordering a base plan is a plan change for
the 1st of next month, so the checks differ from a package's (used by
:mod:`.launch_verify`): the order waits for ``Y`` quoting the first month's fee; ``Y``
books the change (text in both languages); nothing is charged now (the fee is charged by
the renewal on the 1st, the check is that the booked change carries the plan's price);
the booked change is shown; ``QXTCBG`` / the hall's cancel drops it; nothing to refund."""

from __future__ import annotations

from typing import Any

from telcare.domain.ledger import EntryKind
from telcare.domain.messages import render
from telcare.domain.money import fen_to_yuan
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import hall, orders
from telcare.store.uow import Database

SELFCARE = "10086"


def run(db: Database, r: Any, sms: Any | None) -> None:
    """Record the six checks of one channel's plan-change test order on ``r`` (a run)."""
    item, line = r.item, r.line
    price = fen_to_yuan(item.price_fen)
    if sms is not None:
        reply = sms(line, SELFCARE, f"KT{item.code}")
    else:
        reply = hall.request_order(db, line, item.code, idempotency_key=f"{r.tag}:web:order")
        reply = reply.action
    pending = orders.pending(db, line)
    ok = pending is not None and pending.offer.code == item.code
    r.record("order", ok and (sms is None or price in reply), reply=reply)
    if not ok:
        raise r.stop("order.nothing_pending")
    if sms is not None:
        shown = sms(line, SELFCARE, "Y")
    else:
        shown = hall.confirm_order(db, line, idempotency_key=f"{r.tag}:web:confirm").action
    change = orders.pending_change(db, line)
    day = change.effective_at.astimezone(OPERATOR_TZ).date().isoformat() if change else ""
    texts = {
        lang: render("order.plan_change_scheduled", lang, name=item.name(lang), date=day)
        + render("order.terms_change", lang, date=day, price=price)
        for lang in ("zh", "en")
    }
    booked = change is not None and change.offer.code == item.code
    said = sms is None or item.name(r.lang) in shown
    r.record("confirmation", booked and said and r.texts_ok(texts), reply=shown, texts=texts)
    charges = r.entries(EntryKind.CHARGE)
    fee_ok = booked and change is not None and change.offer.price_fen == item.price_fen
    r.record("charge", fee_ok and not charges, charged_now=charges, renews_on=day,
             monthly_fee_fen=item.price_fen)  # fmt: skip
    r.record("listing", booked, booked_change=item.code if booked else None, starts=day)
    if sms is not None:
        dropped = sms(line, SELFCARE, "QXTCBG")
    else:
        dropped = orders.cancel_change(db, line).offer.code
    after = orders.pending_change(db, line)
    r.record("cancel", after is None, reply=dropped)
    refunds = r.entries(EntryKind.REFUND)
    r.record("refund", not charges and not refunds, charged_fen=0,
             note="nothing charged before the 1st")  # fmt: skip
