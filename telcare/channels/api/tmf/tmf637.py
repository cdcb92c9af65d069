"""TMF637 Product Inventory: the packages on a line (a product's ``id`` is its subscription)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from telcare.channels.api.tmf import tmf654
from telcare.channels.api.tmf.common import (
    BASE,
    Caller,
    Db,
    Fields,
    Msisdn,
    ResourceId,
    TmfRoute,
    href,
    int_id,
    listed,
    one,
    party,
    problems,
)
from telcare.channels.api.tmf.query import Query, listing
from telcare.channels.api.tmf.schemas import (
    Characteristic,
    Money,
    Price,
    Product,
    ProductPrice,
    Ref,
)
from telcare.channels.api.tmf.tmf620 import offering_ref
from telcare.channels.guards import requires
from telcare.domain.access import Kind
from telcare.services import api_queries
from telcare.services.api_queries import Line

PATH = f"{BASE}/productInventory/v4"
router = APIRouter(prefix=PATH, tags=["TMF637 product inventory"], route_class=TmfRoute)


def product_ref_href(subscription_id: int) -> str:
    return href(PATH, "product", subscription_id)


def to_product(
    line: Line,
    subscription_id: int,
    code: str,
    name: str,
    price_fen: int,
    status: str,
    starts_at: datetime,
    ends_at: datetime | None,
    recurring: bool,
) -> Product:
    return Product(
        id=str(subscription_id),
        href=product_ref_href(subscription_id),
        type_="Product",
        name=name,
        status=status,  # type: ignore[arg-type]
        isBundle=False,
        startDate=starts_at,
        terminationDate=ends_at,
        productOffering=offering_ref(code, name),
        productPrice=[
            ProductPrice(
                priceType="recurring" if recurring else "oneTime",
                recurringChargePeriod="month" if recurring else None,
                price=Price(taxIncludedAmount=Money(value=price_fen / 100)),
            )
        ],
        productCharacteristic=[Characteristic(name="msisdn", value=line.msisdn)],
        billingAccount=Ref(
            id=str(line.id),
            href=href(tmf654.PATH, "bucket", line.id),
            name=line.msisdn,
            referred_type="BillingAccount",
        ),
        relatedParty=party(line),
    )


def _product(item: api_queries.InventoryItem) -> Product:
    p = item.product
    return to_product(
        item.line,
        item.id,
        p.code,
        p.name(item.line.language),
        p.price_fen,
        api_queries.product_status(item),
        item.starts_at,
        item.ends_at,
        p.period.value == "monthly",
    )


@router.get(
    "/product",
    response_model=list[Product],
    responses=listed(401, 403, 404, 422),
    dependencies=[requires("line.view")],
)
def list_products(who: Caller, db: Db, q: Query, msisdn: Msisdn = None) -> JSONResponse:
    """The packages in force, base plan first: a subscriber's own, a line's (`msisdn`), or
    those of every line the staff member may see."""
    line = api_queries.line_for(db, who, msisdn) if msisdn or who.kind is Kind.SUBSCRIBER else None
    return listing(q, partial(api_queries.inventory_items, db, who, line), _product)


@router.get(
    "/product/{id}",
    response_model=Product,
    responses=problems(401, 403, 404),
    dependencies=[requires("line.view")],
)
def get_product(who: Caller, db: Db, id: ResourceId, fields: Fields = None) -> JSONResponse:
    """One product (any state: active, pendingTerminate, terminated)."""
    return one(_product(api_queries.inventory_item(db, who, int_id(id, 2**31 - 1))), fields)
