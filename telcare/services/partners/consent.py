"""Consent to SP services: the pending order, the subscriber's ``Y`` to 10086 (the
``sp_subscribe`` confirmer, which charges the first month) and a line's subscriptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import launch as launch_rules
from telcare.domain import months
from telcare.domain import partners as rules
from telcare.domain.access import Principal
from telcare.domain.errors import AlreadySubscribed, NotEligible, NothingPending
from telcare.domain.messages import N_, render
from telcare.domain.money import fen_to_yuan
from telcare.domain.subscriptions import CONFIRMATION_TTL
from telcare.services import lookups, orders
from telcare.services.notify import queue_sms
from telcare.services.partners.fees import _post_fee
from telcare.services.partners.registry import _now, _offer, _require_line, _service, _sp
from telcare.services.quality.launch import require_on_sale
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database

ACTION = "sp_subscribe"


@dataclass(frozen=True, slots=True)
class PendingSp:
    """A pending SP subscription waiting for ``Y``."""

    subscription_id: int
    access_code: str
    sp_name: str
    offer: orders.Offer
    expires_at: datetime


@dataclass(slots=True)
class SpConfirmed:
    """What ``Y`` did; the SMS engine renders ``message_key``."""

    message_key: str
    message_params: dict[str, Any]
    subscription_id: int
    charged_fen: int


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    id: int
    msisdn: str
    access_code: str
    sp_name: str
    service_code: str
    name_zh: str
    name_en: str
    price_fen: int
    state: str
    channel: str
    requested_at: datetime
    activated_at: datetime | None
    cancelled_at: datetime | None
    needs_reconfirm: bool

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def request(
    db: Database,
    msisdn: str,
    access_code: str,
    service_code: str,
    *,
    channel: str,
    now: datetime | None = None,
) -> PendingSp:
    """Hold an order for an SP service until the subscriber answers ``Y`` to 10086.

    Also how a subscription flagged for re-confirmation is confirmed again.
    """
    now = _now(now)
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        sp = _sp(s, access_code)
        svc = _service(s, access_code, service_code)
        if rules.SpStatus(sp.status) is not rules.SpStatus.ACTIVE:
            raise NotEligible(N_("sp.not_trading"), sp=sp.name)
        item = launch_rules.item_of(launch_rules.Kind.SP_SERVICE, svc.code, access_code)
        require_on_sale(s, launch_rules.Kind.SP_SERVICE, item, sub.msisdn)
        rows = s.scalars(
            select(pm.SpSubscription).where(
                pm.SpSubscription.subscriber_id == sub.id,
                pm.SpSubscription.service_id == svc.id,
                pm.SpSubscription.state != rules.SubState.CANCELLED.value,
            )
        ).all()
        active = next((r for r in rows if r.state == rules.SubState.ACTIVE.value), None)
        if active is not None and not active.needs_reconfirm:
            raise AlreadySubscribed(N_("order.already"), code=svc.code)
        row = active or next(iter(rows), None)
        if row is None:
            row = pm.SpSubscription(
                subscriber_id=sub.id,
                service_id=svc.id,
                access_code=access_code,
                state=rules.SubState.PENDING.value,
                channel=channel,
                requested_at=now,
            )
            s.add(row)
        else:
            row.requested_at, row.channel = now, channel
        s.flush()
        offer = _offer(svc)
        orders.hold_for_confirmation(
            s, sub.id, ACTION, offer, channel, now, {"subscription_id": row.id}
        )
        queue_sms(
            s,
            sub.msisdn,
            render(
                "sp.confirm_ask",
                sub.language,
                sp=sp.name,
                name=offer.name(sub.language),
                code=svc.code,
                price=fen_to_yuan(svc.price_fen),
            ),
            dedupe_key=f"sp:confirm:{row.id}:{now.isoformat()}",
            now=now,
        )
        uow.commit()
        return PendingSp(row.id, access_code, sp.name, offer, now + CONFIRMATION_TTL)


def _confirm(s: Session, sub: m.Subscriber, payload: dict[str, Any], now: datetime) -> SpConfirmed:
    """The ``Y`` for an SP order: record the consent, activate, charge this month once."""
    row = s.scalars(
        select(pm.SpSubscription)
        .where(pm.SpSubscription.id == payload["subscription_id"])
        .with_for_update()
    ).one()
    if row.subscriber_id != sub.id or row.state == rules.SubState.CANCELLED.value:
        raise NothingPending(N_("order.nothing_pending"))
    if not rules.consent_valid(row.requested_at, now):
        raise NothingPending(N_("order.nothing_pending"))
    sp = _sp(s, row.access_code)
    if rules.SpStatus(sp.status) is not rules.SpStatus.ACTIVE:
        raise NotEligible(N_("sp.not_trading"), sp=sp.name)
    svc = s.get_one(m.SpService, row.service_id)
    consent = pm.SpConsent(
        subscription_id=row.id, requested_at=row.requested_at, confirmed_at=now, answer="sms:Y"
    )
    s.add(consent)
    reconfirm = row.state == rules.SubState.ACTIVE.value
    row.state, row.needs_reconfirm = rules.SubState.ACTIVE.value, False
    row.activated_at = row.activated_at or now
    s.flush()
    fee = _post_fee(s, row, consent.id, svc, months.month_of(now), now)
    account = lookups.account_for_update(s, sub.id)
    lang, offer = sub.language, _offer(svc)
    params: dict[str, Any] = {
        "sp": sp.name,
        "name": offer.name(lang),
        "code": svc.code,
        "access": sp.access_code,
        "price": fen_to_yuan(svc.price_fen),
        "balance": fen_to_yuan(account.balance_fen),
    }
    key = N_("sp.reconfirmed") if reconfirm and fee is None else N_("sp.subscribed")
    return SpConfirmed(key, params, row.id, fee.amount_fen if fee else 0)


orders.register_confirmer(ACTION, _confirm)


def subscriptions(
    db: Database, who: Principal, msisdn: str, *, include_cancelled: bool = False
) -> list[SubscriptionView]:
    """A line's SP subscriptions (pending ones included), newest first."""
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        _require_line(who, sub)
        query = select(pm.SpSubscription).where(pm.SpSubscription.subscriber_id == sub.id)
        if not include_cancelled:
            query = query.where(pm.SpSubscription.state != "cancelled")
        return [_view(s, r, sub.msisdn) for r in s.scalars(query.order_by(pm.SpSubscription.id))]


def _view(s: Session, r: pm.SpSubscription, msisdn: str) -> SubscriptionView:
    svc = s.get_one(m.SpService, r.service_id)
    sp = _sp(s, r.access_code)
    return SubscriptionView(
        r.id,
        msisdn,
        r.access_code,
        sp.name,
        svc.code,
        svc.name_zh,
        svc.name_en,
        svc.price_fen,
        r.state,
        r.channel,
        r.requested_at,
        r.activated_at,
        r.cancelled_at,
        r.needs_reconfirm,
    )
