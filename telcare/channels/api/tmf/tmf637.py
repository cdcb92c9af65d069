"""TMF637 Product Inventory: the packages on a line (a product's ``id`` is its subscription)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from telcare.channels.api.tmf.common import (
    BASE,
    Caller,
    Db,
    Fields,
    Msisdn,
    Pages,
    TmfRoute,
    href,
    listed,
    many,
    one,
    party,
    problems,
)
from telcare.channels.api.tmf.schemas import Characteristic, Money, Price, Product, ProductPrice
from telcare.channels.api.tmf.tmf620 import offering_ref
from telcare.services import api_queries, selfcare
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
        relatedParty=party(line),
    )


@router.get("/product", response_model=list[Product], responses=listed(401, 403, 404, 422))
def list_products(
    who: Caller, db: Db, page: Pages, msisdn: Msisdn = None, fields: Fields = None
) -> JSONResponse:
    """The packages in force on a line, base plan first (staff name the line with `msisdn`)."""
    line = api_queries.line_for(db, who, msisdn)
    lang = line.language
    packages = selfcare.packages(db, line.msisdn)
    chosen = packages[page.offset : page.offset + page.limit]
    items = (
        to_product(
            line,
            p.subscription_id,
            p.code,
            p.name(lang),
            p.price_fen,
            "active",
            p.starts_at,
            p.ends_at,
            p.ends_at is None,
        )
        for p in chosen
    )
    return many(items, len(packages), fields)


@router.get("/product/{id}", response_model=Product, responses=problems(401, 403, 404, 422))
def get_product(
    who: Caller,
    db: Db,
    id: Annotated[int, Path(ge=1, le=2**31 - 1, description="The subscription id.")],
    fields: Fields = None,
) -> JSONResponse:
    """One product (any state: active, pendingTerminate, terminated)."""
    item = api_queries.inventory_item(db, who, id)
    p = item.product
    product = to_product(
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
    return one(product, fields)
