"""SP fees: charging a month under a consent (once per subscription and month) and the
monthly fee run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from telcare.domain import months
from telcare.domain import partners as rules
from telcare.domain.errors import InsufficientFunds
from telcare.domain.ledger import EntryKind
from telcare.services import lookups
from telcare.services.accounts import post_entry
from telcare.services.partners.registry import _now, _sp
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class FeeRun:
    month: str
    charged: int = 0
    charged_fen: int = 0
    already: int = 0
    held_reconfirm: int = 0
    insufficient: int = 0


def _post_fee(
    s: Session,
    row: pm.SpSubscription,
    consent_id: int,
    svc: m.SpService,
    month: str,
    now: datetime,
) -> pm.SpFee | None:
    """Charge ``month`` for ``row`` under ``consent_id`` unless it was charged already."""
    exists = s.scalar(
        select(pm.SpFee.id).where(pm.SpFee.subscription_id == row.id, pm.SpFee.month == month)
    )
    if exists is not None or svc.price_fen <= 0:
        return None
    account = lookups.account_for_update(s, row.subscriber_id)
    sp = _sp(s, row.access_code)
    entry = post_entry(
        s,
        account,
        EntryKind.CHARGE,
        -svc.price_fen,
        reason=f"{sp.name} {svc.name_zh} {month}",
        reference=f"sp:{row.id}:{month}",
    )
    fee = pm.SpFee(
        subscription_id=row.id,
        consent_id=consent_id,
        access_code=row.access_code,
        month=month,
        amount_fen=svc.price_fen,
        ledger_entry_id=entry.id,
        created_at=now,
    )
    s.add(fee)
    s.flush()
    return fee


def run_fees(db: Database, month: str, *, now: datetime | None = None) -> FeeRun:
    """Charge ``month`` to every confirmed active subscription of a trading SP, once.

    Subscriptions waiting for re-confirmation are held; a short balance skips the line.
    """
    rules.check_month(month)
    now = _now(now)
    counts: Counter[str] = Counter()
    charged_fen = 0
    with db.uow() as uow:
        s = uow.session
        rows = s.scalars(
            select(pm.SpSubscription)
            .join(m.ServiceProvider)
            .where(pm.SpSubscription.state == "active", m.ServiceProvider.status == "active")
            .order_by(pm.SpSubscription.id)
        ).all()
        ids = [r.id for r in rows]
    for sid in ids:
        with db.uow() as uow:
            s = uow.session
            row = s.scalars(
                select(pm.SpSubscription).where(pm.SpSubscription.id == sid).with_for_update()
            ).one()
            consent_id = s.scalar(
                select(func.max(pm.SpConsent.id)).where(pm.SpConsent.subscription_id == row.id)
            )
            state = rules.SubState(row.state)
            if row.activated_at and row.activated_at >= months.bounds(month)[1]:
                continue
            if not rules.can_charge(state, consent_id, row.needs_reconfirm) or consent_id is None:
                counts["held_reconfirm" if row.needs_reconfirm else "skipped"] += 1
                continue
            svc = s.get_one(m.SpService, row.service_id)
            try:
                fee = _post_fee(s, row, consent_id, svc, month, now)
            except InsufficientFunds:  # the line is skipped this run
                counts["insufficient"] += 1
                continue
            if fee is None:
                counts["already"] += 1
                continue
            uow.commit()
            counts["charged"] += 1
            charged_fen += fee.amount_fen
    return FeeRun(
        month,
        counts["charged"],
        charged_fen,
        counts["already"],
        counts["held_reconfirm"],
        counts["insufficient"],
    )
