"""The monthly settlement with each SP: fees less refunds, the tier's hold and its release."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from telcare.domain import months
from telcare.domain import partners as rules
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden
from telcare.domain.messages import N_
from telcare.services.partners.registry import _now
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class Settlement:
    """One SP's settlement for one month (fen)."""

    access_code: str
    month: str
    tier: str
    fees_fen: int
    refunds_fen: int
    net_fen: int
    hold_pct: int
    held_fen: int
    released_fen: int
    payable_fen: int
    released_in: str | None


def _settlement_view(r: pm.SpSettlement) -> Settlement:
    return Settlement(
        r.access_code,
        r.month,
        r.tier,
        int(r.fees_fen),
        int(r.refunds_fen),
        int(r.net_fen),
        r.hold_pct,
        int(r.held_fen),
        int(r.released_fen),
        int(r.payable_fen),
        r.released_in,
    )


def run_settlement(db: Database, month: str, *, now: datetime | None = None) -> list[Settlement]:
    """Settle ``month`` with every SP: the month's confirmed fees minus the refunds posted
    in the month, less the hold of the SP's tier for the month (its ``sp_score``; no score:
    B), plus the amounts held in earlier months when this month's tier holds nothing
    (A or B). Run after :func:`run_month`. Safe to run again: the month's rows are
    replaced and a release happens in one month only."""
    rules.check_month(month)
    now = _now(now)
    start, end = months.bounds(month)
    out = []
    with db.uow() as uow:
        s = uow.session
        fees = dict(
            s.execute(
                select(pm.SpFee.access_code, func.sum(pm.SpFee.amount_fen))
                .where(pm.SpFee.month == month)
                .group_by(pm.SpFee.access_code)
            ).all()
        )
        refunds = dict(
            s.execute(
                select(pm.SpFee.access_code, func.sum(pm.SpFee.amount_fen))
                .where(pm.SpFee.refunded_at >= start, pm.SpFee.refunded_at < end)
                .group_by(pm.SpFee.access_code)
            ).all()
        )
        tiers = dict(
            s.execute(
                select(pm.SpScore.access_code, pm.SpScore.tier).where(pm.SpScore.month == month)
            ).all()
        )
        codes = s.scalars(
            select(m.ServiceProvider.access_code).order_by(m.ServiceProvider.access_code)
        )
        for code in list(codes):
            tier = rules.Tier(tiers[code]) if code in tiers else None
            terms = rules.rules_for(tier)
            net = int(fees.get(code) or 0) - int(refunds.get(code) or 0)
            held = rules.settlement_held(tier or rules.Tier.B, max(net, 0))
            earlier = s.scalars(
                select(pm.SpSettlement).where(
                    pm.SpSettlement.access_code == code,
                    pm.SpSettlement.month < month,
                    pm.SpSettlement.held_fen > 0,
                    (pm.SpSettlement.released_in.is_(None))
                    | (pm.SpSettlement.released_in == month),
                )
            ).all()
            released = 0
            for row in earlier:  # released when the tier allows, withdrawn if it no longer does
                row.released_in = month if terms.settlement_hold_pct == 0 else None
                released += int(row.held_fen) if row.released_in else 0
            if not fees.get(code) and not refunds.get(code) and not released:
                continue
            mine = s.get(pm.SpSettlement, (code, month))
            if mine is None:
                mine = pm.SpSettlement(access_code=code, month=month)
                s.add(mine)
            mine.tier = (tier or rules.Tier.B).value
            mine.fees_fen, mine.refunds_fen, mine.net_fen = (
                int(fees.get(code) or 0),
                int(refunds.get(code) or 0),
                net,
            )
            mine.hold_pct, mine.held_fen, mine.released_fen = (
                terms.settlement_hold_pct,
                held,
                released,
            )
            mine.payable_fen = net - held + released
            mine.computed_at = now
            s.flush()
            out.append(_settlement_view(mine))
        uow.commit()
    return out


def settlements(db: Database, who: Principal, month: str | None = None) -> list[Settlement]:
    """Settlements of ``month`` (default: the latest settled), every SP (staff)."""
    if who.kind is not Kind.STAFF:
        raise Forbidden(N_("access.denied"))
    with db.uow() as uow:
        s = uow.session
        month = month or s.scalar(select(func.max(pm.SpSettlement.month)))
        if month is None:
            return []
        rows = s.scalars(
            select(pm.SpSettlement)
            .where(pm.SpSettlement.month == month)
            .order_by(pm.SpSettlement.access_code)
        ).all()
        return [_settlement_view(r) for r in rows]
