"""Redeeming a gift: the held request, its confirmation, stock taken or a code issued."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from telcare.domain import loyalty as rules
from telcare.domain.errors import Conflict, InvalidInput, NotEligible, NothingPending
from telcare.domain.ledger import PointsKind
from telcare.domain.messages import N_
from telcare.domain.provinces import BY_CODE
from telcare.domain.subscriptions import CONFIRMATION_TTL, OPERATOR_TZ, confirmation_expired
from telcare.services import lookups, orders
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store.uow import Database

from .addresses import _address_of, put_address
from .codes import _new_code_row
from .days import _now
from .delivery import _event
from .gifts import GiftView, _gift, _stock, _views
from .points import post_points

ACTION = "redeem"


class OutOfStock(Conflict):
    code = "out-of-stock"


@dataclass(frozen=True, slots=True)
class RedemptionPending:
    gift: GiftView
    address: rules.Address | None
    expires_at: datetime
    replaced: orders.Offer | None


@dataclass(slots=True)
class Redeemed:
    """What a confirmed redemption did (also the reply the SMS engine shows).

    ``offer``, ``balance_fen`` and ``ends_at`` let generic order code show it too.
    """

    message_key: str
    message_params: dict[str, Any]
    offer: orders.Offer
    gift_code: str
    points: int
    points_left: int
    balance_fen: int
    order_id: int | None = None
    warehouse: str | None = None
    code: str | None = None
    code_expires_at: datetime | None = None
    ends_at: datetime | None = None
    starts_at: datetime | None = None
    """Always None: a gift takes effect at once (generic order code reads it, as for a
    base-plan change that starts on the 1st)."""


def _gift_offer(gift: m.Gift) -> orders.Offer:
    return orders.Offer(gift.code, gift.name_zh, gift.name_en, 0, "once", None)


def request_redemption(
    db: Database,
    msisdn: str,
    gift_code: str,
    *,
    channel: str,
    address: rules.Address | None = None,
    save: bool = False,
    now: datetime | None = None,
) -> RedemptionPending:
    """Hold a redemption for the subscriber's confirmation (nothing is spent yet).

    A physical gift goes to ``address`` or, without one, the default address; it
    must be in stock somewhere. ``save`` makes ``address`` the default.
    """
    now = _now(now)
    clean = rules.check_address(address) if address is not None else None
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        gift, _detail, offer = _gift(s, gift_code)
        rules.check_can_redeem(offer, sub.brand, sub.province_code, sub.account.points)
        if offer.delivered:
            if clean is None:
                row = s.get(lm.DeliveryAddress, sub.id)
                if row is None:
                    raise InvalidInput(N_("loyalty.address_needed"))
                clean = _address_of(row)
            elif save:
                put_address(s, sub.id, clean, now)
            if rules.choose_warehouse(clean.province, _stock(s, gift.code)) is None:
                raise OutOfStock(N_("loyalty.out_of_stock"), code=gift.code)
        else:
            clean = None
        replaced = orders.hold_for_confirmation(
            s,
            sub.id,
            ACTION,
            _gift_offer(gift),
            channel,
            now,
            {
                "gift": gift.code,
                "points": gift.points,
                "channel": channel,
                "address": asdict(clean) if clean else None,
            },
        )
        view = _views(s, [gift], sub.account.points)[0]
        uow.commit()
    return RedemptionPending(view, clean, now + CONFIRMATION_TTL, replaced)


@dataclass(frozen=True, slots=True)
class PendingRedemption:
    gift_code: str
    name_zh: str
    name_en: str
    points: int
    address: rules.Address | None
    expires_at: datetime

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def pending_redemption(
    db: Database, msisdn: str, now: datetime | None = None
) -> PendingRedemption | None:
    """The subscriber's unexpired pending redemption, if the pending item is one."""
    now = _now(now)
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        row = uow.session.get(m.PendingConfirmation, sub.id)
        if row is None or row.action != ACTION or confirmation_expired(row.created_at, now):
            return None
        p = row.payload
        addr = rules.Address(**p["address"]) if p.get("address") else None
        offer = p["offer"]
        return PendingRedemption(
            p["gift"], offer["name_zh"], offer["name_en"], p["points"], addr, row.expires_at
        )


def confirm_redemption(db: Database, msisdn: str, *, now: datetime | None = None) -> Redeemed:
    """Carry out the pending redemption (the hall's confirm button and the API)."""
    pending = pending_redemption(db, msisdn, now)
    if pending is None:
        raise NothingPending(N_("order.nothing_pending"))
    done = orders.confirm(db, msisdn, now=now)
    assert isinstance(done, Redeemed)
    return done


def _confirm(s: Session, sub: m.Subscriber, payload: dict[str, Any], now: datetime) -> Redeemed:
    """The ``redeem`` confirmer: spend the points and deliver, or issue a code."""
    lang = sub.language
    gift, detail, offer = _gift(s, payload["gift"])
    account = lookups.account_for_update(s, sub.id)
    rules.check_can_redeem(offer, sub.brand, sub.province_code, account.points)
    entry = post_points(
        s,
        account,
        PointsKind.REDEMPTION,
        -gift.points,
        reason=f"兑换 {gift.code} {gift.name_zh}",
        now=now,
    )
    base = {"name": offer.name(lang), "points": gift.points, "left": account.points}
    if offer.delivered:
        address = rules.Address(**payload["address"])
        warehouse = _take_stock(s, gift.code, address.province)
        order = lm.DeliveryOrder(
            subscriber_id=sub.id,
            gift_code=gift.code,
            points=gift.points,
            state=rules.OrderState.PLACED.value,
            warehouse=warehouse,
            recipient=address.recipient,
            phone=address.phone,
            province_code=address.province,
            city=address.city,
            street=address.street,
            channel=payload.get("channel", "sms")[:10],
            points_entry_id=entry.id,
            refund_entry_id=None,
            created_at=now,
            updated_at=now,
        )
        s.add(order)
        s.flush()
        _event(s, order, rules.OrderState.PLACED, "", sub.msisdn, now)
        return Redeemed(
            N_("loyalty.redeemed_delivery"),
            {**base, "order": order.id, "warehouse": _province_name(warehouse, lang)},
            _gift_offer(gift),
            gift.code,
            gift.points,
            account.points,
            account.balance_fen,
            order_id=order.id,
            warehouse=warehouse,
        )
    if detail is None or detail.service_id is None:
        raise NotEligible(N_("loyalty.gift_unknown"), code=gift.code)
    service = s.get(lm.MerchantService, detail.service_id)
    assert service is not None
    merchant = s.get(lm.Merchant, service.merchant_code)
    assert merchant is not None
    expires = now + timedelta(days=service.valid_days)
    row = _new_code_row(s, sub, gift, service, entry.id, now, expires)
    until = expires.astimezone(OPERATOR_TZ).strftime("%Y-%m-%d")
    merchant_name = merchant.name_en if lang == "en" else merchant.name_zh
    return Redeemed(
        N_("loyalty.redeemed_code"),
        {**base, "code": row.code, "until": until, "merchant": merchant_name},
        _gift_offer(gift),
        gift.code,
        gift.points,
        account.points,
        account.balance_fen,
        code=row.code,
        code_expires_at=expires,
    )


orders.register_confirmer(ACTION, _confirm)


def _province_name(code: str, lang: str) -> str:
    p = BY_CODE.get(code)
    return code if p is None else (p.name_en if lang == "en" else p.name_zh)


def _take_stock(s: Session, gift_code: str, destination: str) -> str:
    """Take one unit from the nearest warehouse that has one; never below zero.

    The ``quantity >= 1`` condition is re-checked by the database on the locked
    row, so of two concurrent redemptions of the last unit exactly one succeeds
    and the other moves on to the next warehouse.
    """
    for province in rules.warehouses_by_distance(destination, _stock(s, gift_code)):
        taken: CursorResult[Any] = s.execute(  # type: ignore[assignment]
            update(m.GiftStock)
            .where(
                m.GiftStock.gift_code == gift_code,
                m.GiftStock.province_code == province,
                m.GiftStock.quantity >= 1,
            )
            .values(quantity=m.GiftStock.quantity - 1)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            return province
    raise OutOfStock(N_("loyalty.out_of_stock"), code=gift_code)
