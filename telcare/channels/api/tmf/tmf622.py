"""TMF622 Product Ordering: subscribe (``add``) and cancel (``delete``) packages.

Double confirmation holds here as on SMS: an order for a charged offering is
created in state ``pending`` and nothing is charged until the subscriber confirms
it, either with ``PATCH /productOrder/{id}`` ``{"state": "inProgress"}`` using their
own token, or by replying ``Y`` to 10086 (the pending confirmation is the same
one). ``{"state": "cancelled"}`` declines it (as ``N`` does). Fulfilment is
immediate, so a confirmed order reads back ``completed``.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from telcare.channels.api.tmf.common import (
    BASE,
    Caller,
    Db,
    Fields,
    IdempotencyKey,
    Msisdn,
    TmfRoute,
    href,
    listed,
    one,
    party,
    problems,
    scoped_key,
)
from telcare.channels.api.tmf.query import Query, listing
from telcare.channels.api.tmf.schemas import (
    Money,
    Note,
    OrderItem,
    OrderItemPrice,
    Price,
    ProductOrder,
    ProductOrderCreate,
    ProductOrderUpdate,
    Ref,
)
from telcare.channels.api.tmf.tmf620 import offering_ref
from telcare.channels.api.tmf.tmf637 import product_ref_href
from telcare.channels.guards import requires
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Conflict, Forbidden, InvalidInput, NotSubscribed
from telcare.domain.messages import N_
from telcare.services import api_queries, orders
from telcare.services.api_queries import OrderView
from telcare.store.uow import Database

PATH = f"{BASE}/productOrderingManagement/v4"
router = APIRouter(prefix=PATH, tags=["TMF622 product ordering"], route_class=TmfRoute)
OrderId = Annotated[str, Path(max_length=40, description="A product order id.")]
CHANNEL = [Ref(id="api", name="REST API", referred_type="Channel")]


def to_order(v: OrderView) -> ProductOrder:
    lang = v.line.language
    monthly = v.offer.period == "monthly"
    item = OrderItem(
        id="1",
        action=v.action,  # type: ignore[arg-type]
        state=v.state,
        productOffering=offering_ref(v.offer.code, v.offer.name(lang)),
        product=Ref(
            id=str(v.subscription_id),
            href=product_ref_href(v.subscription_id),
            referred_type="Product",
        )
        if v.subscription_id is not None
        else None,
        itemPrice=[
            OrderItemPrice(
                priceType="recurring" if monthly else "oneTime",
                recurringChargePeriod="month" if monthly else None,
                price=Price(taxIncludedAmount=Money(value=v.offer.price_fen / 100)),
            )
        ],
    )
    note = None
    if v.state == "pending":
        note = [
            Note(
                text="Nothing is charged until the subscriber confirms: PATCH this order "
                'with {"state": "inProgress"}, or reply Y to 10086.'
            )
        ]
    return ProductOrder(
        id=v.id,
        href=href(PATH, "productOrder", v.id),
        type_="ProductOrder",
        state=v.state,  # type: ignore[arg-type]
        orderDate=v.order_date,
        completionDate=v.completion_date if v.state == "completed" else None,
        requestedCompletionDate=v.completion_date if v.action == "delete" else None,
        confirmationDeadline=v.confirm_by if v.state == "pending" else None,
        channel=CHANNEL,
        relatedParty=party(v.line),
        productOrderItem=[item],
        note=note,
    )


@router.get(
    "/productOrder",
    response_model=list[ProductOrder],
    responses=listed(401, 403, 404, 422),
    dependencies=[requires("line.view")],
)
def list_orders(who: Caller, db: Db, q: Query, msisdn: Msisdn = None) -> JSONResponse:
    """Orders, the pending ones first, then the newest: a subscriber's own, a line's
    (`msisdn`), or those of every line the staff member may see."""
    line = api_queries.line_for(db, who, msisdn) if msisdn or who.kind is Kind.SUBSCRIBER else None
    return listing(q, partial(api_queries.orders_of, db, who, line), to_order)


@router.get(
    "/productOrder/{id}",
    response_model=ProductOrder,
    responses=problems(401, 403, 404),
    dependencies=[requires("line.view")],
)
def get_order(who: Caller, db: Db, id: OrderId, fields: Fields = None) -> JSONResponse:
    """One order of a line the caller may see."""
    return one(to_order(api_queries.order(db, who, id)), fields)


def _place(db: Database, who: Principal, body: ProductOrderCreate) -> dict[str, Any]:
    """Carry out the order's one item; returns ``{"order_id": ...}``."""
    item = body.productOrderItem[0]
    if item.action == "delete":
        if item.product is None or not item.product.id.isdigit():
            raise InvalidInput(N_("api.bad_order"), what="product.id")
        owned = api_queries.inventory_item(db, who, int(item.product.id))
        change = orders.pending_change(db, owned.line.msisdn)
        if change is not None and change.subscription_id == owned.id:  # not started yet
            orders.cancel_change(db, owned.line.msisdn)
            return {"order_id": f"{owned.line.id}-c{owned.id}"}
        if api_queries.product_status(owned) != "active":
            raise NotSubscribed(N_("order.not_subscribed"), code=owned.product.code)
        orders.cancel(db, owned.line.msisdn, owned.product.code)
        return {"order_id": f"{owned.line.id}-c{owned.id}"}
    if item.productOffering is None:
        raise InvalidInput(N_("api.bad_order"), what="productOffering.id")
    msisdn = body.relatedParty[0].id if body.relatedParty else None
    line = api_queries.line_for(db, who, msisdn)
    outcome = orders.request_subscription(db, line.msisdn, item.productOffering.id, channel="api")
    if isinstance(outcome, orders.Subscribed):
        return {"order_id": f"{line.id}-s{outcome.subscription_id}"}
    pending = api_queries.current_pending(db, who, line)
    if pending is None:  # answered by SMS in the meantime
        raise Conflict(N_("order.nothing_pending"))
    return {"order_id": pending.id}


@router.post(
    "/productOrder",
    status_code=201,
    response_model=ProductOrder,
    responses=problems(400, 401, 403, 404, 409, 422),
    dependencies=[requires("order.place")],
)
def create_order(
    body: ProductOrderCreate, who: Caller, db: Db, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Order one item: `add` an offering (charged ones wait in `pending`) or `delete` a product.

    Staff may place orders for lines of their province; only the subscriber confirms.
    """
    result, replayed = api_queries.once(
        db,
        "api.productOrder",
        scoped_key(who, idempotency_key),
        body.model_dump(mode="json", by_alias=True),
        lambda: _place(db, who, body),
    )
    view = api_queries.order(db, who, str(result["order_id"]))
    return one(
        to_order(view), status=201, headers={"Idempotent-Replayed": "true"} if replayed else None
    )


@router.patch(
    "/productOrder/{id}",
    response_model=ProductOrder,
    responses=problems(400, 401, 403, 404, 409, 422),
    dependencies=[requires("order.place")],
)
def update_order(body: ProductOrderUpdate, who: Caller, db: Db, id: OrderId) -> JSONResponse:
    """Answer a `pending` order: `inProgress` confirms it (the subscriber's own token only;
    the charge happens now), `cancelled` declines it."""
    view = api_queries.order(db, who, id)
    if view.state != "pending":
        raise Conflict(N_("api.order_state"), state=view.state, wanted=body.state)
    if body.state == "cancelled":
        orders.decline(db, view.line.msisdn)
        return one(to_order(_cancelled(view)))
    if who.kind is not Kind.SUBSCRIBER or who.subject != view.line.msisdn:
        raise Forbidden(N_("api.confirm_own"))
    orders.confirm(db, view.line.msisdn)
    return one(to_order(api_queries.order(db, who, id)))


def _cancelled(view: OrderView) -> OrderView:
    return replace(view, state="cancelled", confirm_by=None)
