"""Delivery orders of physical gifts: timelines, the fulfilment queue, moving an order on."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from telcare.domain import loyalty as rules
from telcare.domain import roles
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from telcare.domain.ledger import PointsKind
from telcare.domain.messages import N_, render
from telcare.domain.msisdn import normalise_msisdn
from telcare.services import lookups
from telcare.services.notify import queue_sms
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store.uow import Database

from .days import _now
from .points import post_points


@dataclass(frozen=True, slots=True)
class Event:
    state: str
    note: str
    actor: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OrderView:
    id: int
    msisdn: str
    gift_code: str
    name_zh: str
    name_en: str
    points: int
    state: str
    warehouse: str
    address: rules.Address
    created_at: datetime
    updated_at: datetime
    refunded: bool
    timeline: list[Event]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    @property
    def cross_province(self) -> bool:
        return self.warehouse != self.address.province

    @property
    def cancellable(self) -> bool:
        return rules.OrderState(self.state) in rules.SUBSCRIBER_CANCELLABLE

    @property
    def next_states(self) -> list[str]:
        return sorted(s.value for s in rules.next_states(rules.OrderState(self.state)))


def _event(
    s: Session,
    order: lm.DeliveryOrder,
    state: rules.OrderState,
    note: str,
    actor: str,
    now: datetime,
) -> None:
    s.add(
        lm.DeliveryEvent(
            order_id=order.id, state=state.value, note=note[:200], actor=actor[:40], created_at=now
        )
    )


def _order_views(s: Session, rows: list[lm.DeliveryOrder]) -> list[OrderView]:
    ids = [o.id for o in rows]
    events: dict[int, list[Event]] = defaultdict(list)
    for e in s.scalars(
        select(lm.DeliveryEvent)
        .where(lm.DeliveryEvent.order_id.in_(ids))
        .order_by(lm.DeliveryEvent.id)
    ):
        events[e.order_id].append(Event(e.state, e.note, e.actor, e.created_at))
    gifts = {
        g.code: g
        for g in s.scalars(select(m.Gift).where(m.Gift.code.in_({o.gift_code for o in rows})))
    }
    numbers = dict(
        (r[0], r[1])
        for r in s.execute(
            select(m.Subscriber.id, m.Subscriber.msisdn).where(
                m.Subscriber.id.in_({o.subscriber_id for o in rows})
            )
        )
    )
    return [
        OrderView(
            o.id,
            numbers[o.subscriber_id],
            o.gift_code,
            gifts[o.gift_code].name_zh,
            gifts[o.gift_code].name_en,
            o.points,
            o.state,
            o.warehouse,
            rules.Address(o.recipient, o.phone, o.province_code, o.city, o.street),
            o.created_at,
            o.updated_at,
            o.refund_entry_id is not None,
            events[o.id],
        )
        for o in rows
    ]


def my_orders(db: Database, msisdn: str) -> list[OrderView]:
    """The subscriber's delivery orders with their timelines, newest first."""
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        rows = s.scalars(
            select(lm.DeliveryOrder)
            .where(lm.DeliveryOrder.subscriber_id == sub.id)
            .order_by(lm.DeliveryOrder.id.desc())
            .limit(100)
        ).all()
        return _order_views(s, list(rows))


def order_for(db: Database, who: Principal, order_id: int) -> OrderView:
    """One order: its subscriber's, or staff of its warehouse or destination province, or HQ."""
    with db.uow() as uow:
        s = uow.session
        row = s.get(lm.DeliveryOrder, order_id)
        if row is None:
            raise NotFound(N_("loyalty.order_unknown"), id=order_id)
        view = _order_views(s, [row])[0]
    if not _may_see(who, view):
        raise NotFound(N_("loyalty.order_unknown"), id=order_id)
    return view


def _may_see(who: Principal, o: OrderView) -> bool:
    if who.kind is Kind.SUBSCRIBER:
        return who.subject == o.msisdn
    if who.kind is Kind.STAFF:
        return who.is_headquarters or who.province in (o.warehouse, o.address.province)
    return False


def fulfilment_queue(
    db: Database, who: Principal, province: str | None = None, *, open_only: bool = True
) -> list[OrderView]:
    """Orders to handle at a warehouse (staff: their province; HQ: any or all)."""
    if who.kind is not Kind.STAFF:
        raise Forbidden(N_("access.denied"))
    if not who.is_headquarters:
        province = who.province
    with db.uow() as uow:
        s = uow.session
        q = select(lm.DeliveryOrder).order_by(lm.DeliveryOrder.id).limit(500)
        if province:
            q = q.where(lm.DeliveryOrder.warehouse == province.upper())
        if open_only:
            q = q.where(lm.DeliveryOrder.state.in_(("placed", "picked", "shipped")))
        return _order_views(s, list(s.scalars(q)))


def cancel_order(
    db: Database, msisdn: str, order_id: int, *, now: datetime | None = None
) -> OrderView:
    """The subscriber cancels an order the warehouse has not picked yet: points back."""
    who = Principal(Kind.SUBSCRIBER, normalise_msisdn(msisdn), "")
    return _move(db, who, order_id, rules.OrderState.CANCELLED, "", _now(now))


def advance_order(
    db: Database,
    who: Principal,
    order_id: int,
    target: str,
    *,
    note: str = "",
    now: datetime | None = None,
) -> OrderView:
    """Staff move an order on (picked, shipped, delivered, returned, cancelled)."""
    roles.require(who, "loyalty.order.ship")
    try:
        state = rules.OrderState(target)
    except ValueError as exc:
        raise InvalidInput(N_("loyalty.order_bad_state"), value=target[:20]) from exc
    return _move(db, who, order_id, state, note, _now(now))


def _move(
    db: Database, who: Principal, order_id: int, target: rules.OrderState, note: str, now: datetime
) -> OrderView:
    with db.uow() as uow:
        s = uow.session
        order = s.scalars(
            select(lm.DeliveryOrder).where(lm.DeliveryOrder.id == order_id).with_for_update()
        ).one_or_none()
        if order is None:
            raise NotFound(N_("loyalty.order_unknown"), id=order_id)
        view = _order_views(s, [order])[0]
        if not _may_see(who, view):
            raise NotFound(N_("loyalty.order_unknown"), id=order_id)
        if who.kind is Kind.STAFF and not (who.is_headquarters or who.province == order.warehouse):
            raise Forbidden(N_("access.denied"))
        state = rules.OrderState(order.state)
        if who.kind is Kind.SUBSCRIBER and target is rules.OrderState.CANCELLED:
            if state not in rules.SUBSCRIBER_CANCELLABLE:
                raise Conflict(N_("loyalty.order_not_cancellable"))
        elif who.kind is Kind.SUBSCRIBER:
            raise Forbidden(N_("access.denied"))
        refund = rules.transition(state, target, refunded=order.refund_entry_id is not None)
        sub = s.get(m.Subscriber, order.subscriber_id)
        assert sub is not None
        if refund:
            account = lookups.account_for_update(s, sub.id)
            entry = post_points(
                s,
                account,
                PointsKind.REVERSAL,
                order.points,
                reason=f"订单{order.id}{render(f'loyalty.state.{target.value}')}",
                now=now,
            )
            order.refund_entry_id = entry.id
            s.execute(
                update(m.GiftStock)
                .where(
                    m.GiftStock.gift_code == order.gift_code,
                    m.GiftStock.province_code == order.warehouse,
                )
                .values(quantity=m.GiftStock.quantity + 1)
                .execution_options(synchronize_session=False)
            )
        order.state = target.value
        order.updated_at = now
        _event(s, order, target, note, who.subject, now)
        gift = s.get(m.Gift, order.gift_code)
        assert gift is not None
        lang = sub.language
        queue_sms(
            s,
            sub.msisdn,
            render(
                "loyalty.order_sms",
                lang,
                order=order.id,
                name=gift.name_en if lang == "en" else gift.name_zh,
                state=render(f"loyalty.state.{target.value}", lang),
            ),
            dedupe_key=f"loyalty-order:{order.id}:{target.value}",
            now=now,
        )
        s.flush()
        out = _order_views(s, [order])[0]
        uow.commit()
        return out
