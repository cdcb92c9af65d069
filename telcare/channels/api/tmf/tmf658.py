"""TMF658 Loyalty Management (where its shapes fit): points accounts, the products
points buy, redemptions with double confirmation, delivery orders, and the partner
merchant's code check.

A redemption is created ``pending`` (nothing spent) and carried out by
``PATCH /loyaltyRedemption/{giftCode}`` ``{"state": "confirmed"}`` with the
subscriber's own token, or by ``Y`` to 10086 (the same pending confirmation);
``{"state": "cancelled"}`` declines it. Merchants get their own bearer token from
``POST /merchant/token`` and are the only callers of ``POST /codeVerification``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import Field

from telcare.channels.api.deps import client_address
from telcare.channels.api.tmf.common import (
    BASE,
    Caller,
    Db,
    Fields,
    Msisdn,
    TmfRoute,
    bearer,
    href,
    many,
    one,
    problems,
)
from telcare.channels.api.tmf.schemas import Ref, RelatedParty, Resource, Tmf
from telcare.channels.guard_marks import kind_guard
from telcare.channels.guards import public, requires
from telcare.domain import loyalty as rules
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden, NothingPending, WrongSecret
from telcare.domain.messages import N_
from telcare.domain.roles import Role
from telcare.services import api_queries, loyalty, orders, selfcare
from telcare.store.uow import Database

PATH = f"{BASE}/loyaltyManagement/v4"
router = APIRouter(prefix=PATH, tags=["TMF658 loyalty"], route_class=TmfRoute)
GiftCode = Annotated[str, Path(max_length=20, pattern=r"^[A-Za-z0-9]{1,20}$")]
OrderId = Annotated[int, Path(ge=1, le=2**31 - 1)]


# --- shapes --------------------------------------------------------------------------------


class PointsBalance(Tmf):
    amount: int
    units: str = "points"


class LoyaltyAccount(Resource):
    name: str | None = None
    status: str | None = None
    balance: list[PointsBalance] | None = None
    relatedParty: list[RelatedParty] | None = None


class LoyaltyProduct(Resource):
    """A ``LoyaltyProgramProduct``: what points buy."""

    name: str | None = None
    productType: str | None = None
    points: int | None = None
    inStock: bool | None = None
    affordable: bool | None = None
    partner: str | None = None


class AddressIn(Tmf):
    recipient: str = Field(max_length=40)
    phone: str = Field(max_length=20)
    province: str = Field(max_length=2)
    city: str = Field(max_length=40)
    street: str = Field(max_length=200)


class RedemptionCreate(Tmf):
    giftCode: str = Field(max_length=20, pattern=r"^[A-Za-z0-9]{1,20}$")
    address: AddressIn | None = None


class RedemptionUpdate(Tmf):
    state: Literal["confirmed", "cancelled"]


class Redemption(Resource):
    state: str | None = None
    points: int | None = None
    product: Ref | None = None
    confirmationDeadline: datetime | None = None
    shippingAddress: str | None = None
    deliveryOrder: Ref | None = None
    redemptionCode: str | None = None
    validUntil: datetime | None = None
    pointsLeft: int | None = None


class TimelineEvent(Tmf):
    state: str
    date: datetime
    note: str | None = None


class DeliveryOrder(Resource):
    state: str | None = None
    points: int | None = None
    product: Ref | None = None
    warehouse: str | None = None
    shippingAddress: str | None = None
    shippingProvince: str | None = None
    pointsRefunded: bool | None = None
    timeline: list[TimelineEvent] | None = None


class OrderUpdate(Tmf):
    state: Literal["picked", "shipped", "delivered", "returned", "cancelled"]
    note: str | None = Field(default=None, max_length=200)


class MerchantLogin(Tmf):
    merchant: str = Field(max_length=20)
    password: str = Field(max_length=100)


class MerchantToken(Tmf):
    access_token: str
    token_type: str = "bearer"
    merchant: str


class CodeCheck(Tmf):
    code: str = Field(max_length=30)


class CodeVerification(Resource):
    state: str | None = None
    product: Ref | None = None
    points: int | None = None
    customer: str | None = None
    usedDate: datetime | None = None


# --- helpers -----------------------------------------------------------------------------------


def _subscriber(who: Principal) -> str:
    if who.kind is not Kind.SUBSCRIBER:
        raise Forbidden(N_("access.denied"))
    return who.subject


@kind_guard(Role.MERCHANT)
def current_merchant(
    db: Db, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> loyalty.MerchantInfo:
    """The merchant behind a merchant token; 401 otherwise (subscriber tokens too)."""
    challenge = {"WWW-Authenticate": 'Bearer realm="telcare-merchant"'}
    if credentials is None:
        raise HTTPException(401, "merchant authentication required", headers=challenge)
    try:
        return loyalty.read_merchant_token(db, credentials.credentials)
    except WrongSecret:
        raise HTTPException(401, "invalid or expired merchant token", headers=challenge) from None


MerchantCaller = Annotated[loyalty.MerchantInfo, Depends(current_merchant)]


def _product(g: loyalty.GiftView, lang: str) -> LoyaltyProduct:
    return LoyaltyProduct(
        id=g.code,
        href=href(PATH, "loyaltyProduct", g.code),
        type_="LoyaltyProgramProduct",
        name=g.name(lang),
        productType=g.kind,
        points=g.points,
        inStock=g.in_stock,
        affordable=g.affordable,
        partner=g.merchant,
    )


def _order(o: loyalty.OrderView, lang: str) -> DeliveryOrder:
    return DeliveryOrder(
        id=str(o.id),
        href=href(PATH, "deliveryOrder", o.id),
        type_="DeliveryOrder",
        state=o.state,
        points=o.points,
        product=Ref(id=o.gift_code, name=o.name(lang), referred_type="LoyaltyProgramProduct"),
        warehouse=o.warehouse,
        shippingAddress=o.address.one_line(),
        shippingProvince=o.address.province,
        pointsRefunded=o.refunded,
        timeline=[TimelineEvent(state=e.state, date=e.created_at, note=e.note or None)
                  for e in o.timeline],
    )  # fmt: skip


def _lang(db: Database, msisdn: str) -> str:
    return selfcare.overview(db, msisdn).language


# --- accounts and products ------------------------------------------------------------------


@router.get(
    "/loyaltyAccount",
    response_model=list[LoyaltyAccount],
    responses=problems(401, 403, 404, 422),
    dependencies=[requires("loyalty.view")],
)
def list_accounts(
    who: Caller, db: Db, msisdn: Msisdn = None, fields: Fields = None
) -> JSONResponse:
    """The line's points account (a subscriber's own; staff name the line)."""
    line = api_queries.line_for(db, who, msisdn)
    loyalty.accrue(db, msisdn=line.msisdn)
    info = selfcare.overview(db, line.msisdn)
    account = LoyaltyAccount(
        id=str(line.id),
        href=href(PATH, "loyaltyAccount", line.id),
        type_="LoyaltyAccount",
        name=line.msisdn,
        status="active",
        balance=[PointsBalance(amount=info.points)],
        relatedParty=[RelatedParty(id=line.msisdn, role="member", referred_type="Subscriber")],
    )
    return many([account], 1, fields)


@router.get(
    "/loyaltyProduct",
    response_model=list[LoyaltyProduct],
    responses=problems(401, 403, 404, 422),
    dependencies=[requires("loyalty.view")],
)
def list_products(
    who: Caller,
    db: Db,
    msisdn: Msisdn = None,
    q: Annotated[str, Query(max_length=60, description="Words in the code or name.")] = "",
    fields: Fields = None,
) -> JSONResponse:
    """What the line may redeem, cheapest first (``q`` searches)."""
    line = api_queries.line_for(db, who, msisdn)
    gifts = loyalty.mall(db, line.msisdn, q)
    return many((_product(g, line.language) for g in gifts), len(gifts), fields)


# --- redemptions ------------------------------------------------------------------------------


@router.post(
    "/loyaltyRedemption",
    status_code=201,
    response_model=Redemption,
    responses=problems(400, 401, 403, 404, 409, 422),
    dependencies=[requires("loyalty.redeem")],
)
def create_redemption(body: RedemptionCreate, who: Caller, db: Db) -> JSONResponse:
    """Hold a redemption for the subscriber's confirmation (nothing is spent yet)."""
    msisdn = _subscriber(who)
    address = None
    if body.address is not None:
        a = body.address
        address = rules.Address(a.recipient, a.phone, a.province, a.city, a.street)
    p = loyalty.request_redemption(db, msisdn, body.giftCode, channel="api", address=address)
    lang = _lang(db, msisdn)
    out = Redemption(
        id=p.gift.code,
        href=href(PATH, "loyaltyRedemption", p.gift.code),
        type_="LoyaltyRedemption",
        state="pending",
        points=p.gift.points,
        product=Ref(id=p.gift.code, name=p.gift.name(lang), referred_type="LoyaltyProgramProduct"),
        confirmationDeadline=p.expires_at,
        shippingAddress=p.address.one_line() if p.address else None,
    )
    return one(out, status=201)


@router.patch(
    "/loyaltyRedemption/{id}",
    response_model=Redemption,
    responses=problems(400, 401, 403, 404, 409, 422),
    dependencies=[requires("loyalty.redeem")],
)
def update_redemption(id: GiftCode, body: RedemptionUpdate, who: Caller, db: Db) -> JSONResponse:
    """Confirm (spend the points) or cancel the caller's pending redemption of ``id``."""
    msisdn = _subscriber(who)
    pending = loyalty.pending_redemption(db, msisdn)
    if pending is None or pending.gift_code != id.upper():
        raise NothingPending(N_("order.nothing_pending"))
    link = href(PATH, "loyaltyRedemption", pending.gift_code)
    product = Ref(id=pending.gift_code, referred_type="LoyaltyProgramProduct")
    if body.state == "cancelled":
        orders.decline(db, msisdn)
        return one(
            Redemption(id=pending.gift_code, href=link, type_="LoyaltyRedemption",
                       state="cancelled", points=pending.points, product=product)
        )  # fmt: skip
    done = loyalty.confirm_redemption(db, msisdn)
    order = None
    if done.order_id is not None:
        order = Ref(
            id=str(done.order_id),
            href=href(PATH, "deliveryOrder", done.order_id),
            referred_type="DeliveryOrder",
        )
    return one(
        Redemption(
            id=done.gift_code,
            href=link,
            type_="LoyaltyRedemption",
            state="completed",
            points=done.points,
            product=product,
            deliveryOrder=order,
            redemptionCode=done.code,
            validUntil=done.code_expires_at,
            pointsLeft=done.points_left,
        )
    )


# --- delivery orders --------------------------------------------------------------------------


@router.get(
    "/deliveryOrder",
    response_model=list[DeliveryOrder],
    responses=problems(401, 403, 404, 422),
    dependencies=[requires("loyalty.order.view")],
)
def list_orders(
    who: Caller,
    db: Db,
    province: Annotated[str | None, Query(max_length=2, description="Staff: a warehouse.")] = None,
    fields: Fields = None,
) -> JSONResponse:
    """A subscriber's gift orders, or staff's open fulfilment queue (their province)."""
    if who.kind is Kind.SUBSCRIBER:
        found = loyalty.my_orders(db, who.subject)
        lang = _lang(db, who.subject)
    else:
        found = loyalty.fulfilment_queue(db, who, province)
        lang = "zh"
    return many((_order(o, lang) for o in found), len(found), fields)


@router.get(
    "/deliveryOrder/{id}",
    response_model=DeliveryOrder,
    responses=problems(401, 403, 404, 422),
    dependencies=[requires("loyalty.order.view")],
)
def get_order(id: OrderId, who: Caller, db: Db, fields: Fields = None) -> JSONResponse:
    """One order with its timeline (its subscriber, or staff of its provinces)."""
    return one(_order(loyalty.order_for(db, who, id), "zh"), fields)


@router.patch(
    "/deliveryOrder/{id}",
    response_model=DeliveryOrder,
    responses=problems(400, 401, 403, 404, 409, 422),
    dependencies=[requires("loyalty.order.handle")],
)
def update_order(id: OrderId, body: OrderUpdate, who: Caller, db: Db) -> JSONResponse:
    """Subscribers cancel an order not yet picked; staff move it on (points back once)."""
    if who.kind is Kind.SUBSCRIBER:
        if body.state != "cancelled":
            raise Forbidden(N_("access.denied"))
        done = loyalty.cancel_order(db, who.subject, id)
    else:
        done = loyalty.advance_order(db, who, id, body.state, note=body.note or "")
    return one(_order(done, "zh"))


# --- merchants ---------------------------------------------------------------------------------


@router.post(
    "/merchant/token",
    response_model=MerchantToken,
    responses=problems(400, 403, 422),
    dependencies=[public("merchant login")],
)
def merchant_token(body: MerchantLogin, db: Db, request: Request) -> MerchantToken:
    """A merchant's bearer token (merchant ID and password)."""
    who = loyalty.authenticate_merchant(
        db, body.merchant, body.password, address=client_address(request)
    )
    return MerchantToken(access_token=loyalty.issue_merchant_token(who), merchant=who.code)


@router.post(
    "/codeVerification",
    response_model=CodeVerification,
    responses=problems(400, 401, 404, 409, 422, 429),
)
def verify_code(body: CodeCheck, merchant: MerchantCaller, db: Db) -> JSONResponse:
    """Honour a one-time code: once, before it expires, by its own merchant only
    (another merchant's code is 404; a used or expired one 409; after ten wrong
    codes within an hour the merchant's checks are refused, 429 ``locked``)."""
    done = loyalty.verify_code(db, merchant.code, body.code)
    return one(
        CodeVerification(
            id=done.code,
            href=href(PATH, "codeVerification", done.code),
            type_="CodeVerification",
            state="honoured",
            product=Ref(id=done.gift_code, name=done.service_zh, referred_type="MerchantService"),
            points=done.points,
            customer=done.msisdn_masked,
            usedDate=done.used_at,
        )
    )
