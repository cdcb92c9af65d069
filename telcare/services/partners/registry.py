"""SPs and their services: lookups by access code, launching a service, the hall's catalog,
and who may see which line or SP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import partners as rules
from telcare.domain.access import Kind, Principal, can_see_sp
from telcare.domain.errors import Forbidden, InvalidInput, NotEligible, NotFound
from telcare.domain.messages import N_
from telcare.services import orders
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database

SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class ServiceView:
    id: int
    code: str
    name_zh: str
    name_en: str
    price_fen: int
    period: str
    subscribers: int


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


def _sp(s: Session, access_code: str) -> m.ServiceProvider:
    sp = s.get(m.ServiceProvider, access_code)
    if sp is None:
        raise NotFound(N_("sp.unknown_sp"), code=access_code)
    return sp


def _service(s: Session, access_code: str, code: str) -> m.SpService:
    row = s.scalar(
        select(m.SpService).where(
            m.SpService.access_code == access_code, m.SpService.code == code.upper()
        )
    )
    if row is None:
        raise NotFound(N_("sp.unknown_service"), access=access_code, code=code.upper())
    return row


def sp_of_number(db: Database, number: str) -> str:
    """The SP whose access code ``number`` is or starts with (longest match)."""
    with db.uow() as uow:
        codes = uow.session.scalars(select(m.ServiceProvider.access_code)).all()
    found = sorted((c for c in codes if number.startswith(c)), key=len, reverse=True)
    if not found:
        raise NotFound(N_("sp.unknown_sp"), code=number)
    return found[0]


def _latest_tier(s: Session, access_code: str) -> rules.Tier | None:
    tier = s.scalar(
        select(pm.SpScore.tier)
        .where(pm.SpScore.access_code == access_code)
        .order_by(pm.SpScore.month.desc())
        .limit(1)
    )
    return rules.Tier(tier) if tier else None


def launch_service(
    db: Database,
    who: Principal,
    access_code: str,
    code: str,
    name_zh: str,
    name_en: str,
    price_fen: int,
    *,
    now: datetime | None = None,
) -> ServiceView:
    """Register a new monthly service; the SP's latest tier must allow launches. It can be
    ordered once its launch checklist passes (``services.quality.launch``)."""
    now = _now(now)
    _require_sp(who, access_code)
    if not code.isalnum() or len(code) > 12 or price_fen <= 0:
        raise InvalidInput(N_("sp.unknown_service"), access=access_code, code=code)
    with db.uow() as uow:
        s = uow.session
        sp = _sp(s, access_code)
        tier = _latest_tier(s, access_code)
        if rules.SpStatus(sp.status) is not rules.SpStatus.ACTIVE:
            raise NotEligible(N_("sp.not_trading"), sp=sp.name)
        if not rules.rules_for(tier).launch_allowed:
            raise NotEligible(N_("sp.launch_refused"), tier=tier.value if tier else "-")
        row = m.SpService(
            access_code=access_code,
            code=code.upper(),
            name_zh=name_zh,
            name_en=name_en,
            price_fen=price_fen,
            period="monthly",
        )
        s.add(row)
        s.flush()
        s.add(pm.SpServiceTerms(service_id=row.id, launched_at=now, on_sale=True))
        uow.commit()
        return ServiceView(row.id, row.code, name_zh, name_en, price_fen, "monthly", 0)


def _offer(svc: m.SpService) -> orders.Offer:
    return orders.Offer(svc.code, svc.name_zh, svc.name_en, svc.price_fen, "monthly")


def catalog(db: Database) -> list[tuple[m.ServiceProvider, list[ServiceView]]]:
    """Trading SPs and their services (the hall's order page)."""
    with db.uow() as uow:
        s = uow.session
        out = []
        for sp in s.scalars(
            select(m.ServiceProvider)
            .where(m.ServiceProvider.status == "active")
            .order_by(m.ServiceProvider.access_code)
        ):
            out.append((sp, _services(s, sp.access_code)))
        return out


def _require_line(who: Principal, sub: m.Subscriber) -> None:
    if who.kind is Kind.SUBSCRIBER and who.subject == sub.msisdn:
        return
    if who.kind is Kind.STAFF and (who.is_headquarters or who.province == sub.province_code):
        return
    raise Forbidden(N_("access.denied"))


def _require_sp(who: Principal, access_code: str) -> None:
    if not can_see_sp(who, access_code):
        raise Forbidden(N_("access.denied"))


def _require_hq(who: Principal) -> None:
    if not who.is_headquarters:
        raise Forbidden(N_("access.denied"))


def _services(s: Session, code: str) -> list[ServiceView]:
    counts = dict(
        s.execute(
            select(pm.SpSubscription.service_id, func.count(pm.SpSubscription.id))
            .where(pm.SpSubscription.access_code == code, pm.SpSubscription.state == "active")
            .group_by(pm.SpSubscription.service_id)
        ).all()
    )
    return [
        ServiceView(
            v.id, v.code, v.name_zh, v.name_en, v.price_fen, v.period, int(counts.get(v.id, 0))
        )
        for v in s.scalars(
            select(m.SpService).where(m.SpService.access_code == code).order_by(m.SpService.code)
        )
    ]
