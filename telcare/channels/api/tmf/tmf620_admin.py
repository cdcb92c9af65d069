"""TMF620 catalog management: product specifications, offering prices, and offerings
created, changed and deleted by HQ catalog staff (reads are public, as the catalog is).

A new offering is a draft (``draft-<n>``) until ``PATCH {"lifecycleStatus": "launched"}``
puts it on sale under a product code with its first priced offering price; retiring takes
it off sale. See :mod:`telcare.services.catalog_admin`.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from telcare.channels.api.tmf.common import (
    Caller,
    Db,
    Fields,
    ResourceId,
    TmfRoute,
    href,
    lang,
    listed,
    one,
    problems,
)
from telcare.channels.api.tmf.query import Query, listing
from telcare.channels.api.tmf.schemas import Money, ProductOffering, Ref
from telcare.channels.api.tmf.tmf620 import PATH, status_name, to_offering_view
from telcare.channels.api.tmf.tmf620_schemas import (
    ProductOfferingCreate,
    ProductOfferingPrice,
    ProductOfferingPriceCreate,
    ProductOfferingPriceUpdate,
    ProductOfferingUpdate,
    ProductSpecification,
    ProductSpecificationCreate,
)
from telcare.channels.guards import public, requires
from telcare.domain.money import yuan_to_fen
from telcare.services import catalog_admin
from telcare.services.catalog_admin import PriceView, SpecView

router = APIRouter(prefix=PATH, tags=["TMF620 product catalog"], route_class=TmfRoute)
WRITE = problems(400, 401, 403, 404, 409, 422)


def to_spec(v: SpecView) -> ProductSpecification:
    return ProductSpecification(
        id=str(v.id),
        href=href(PATH, "productSpecification", v.id),
        type_="ProductSpecification",
        name=v.name,
        description=v.description,
        brand=v.brand or None,
        lifecycleStatus=status_name(v.lifecycle),
        lastUpdate=v.last_update,
    )


def to_price(v: PriceView) -> ProductOfferingPrice:
    offering = None
    if v.offering_id is not None:
        offering = Ref(
            id=v.offering_id,
            href=href(PATH, "productOffering", v.offering_id),
            referred_type="ProductOffering",
        )
    return ProductOfferingPrice(
        id=v.id,
        href=href(PATH, "productOfferingPrice", v.id),
        type_="ProductOfferingPrice",
        name=v.name,
        isBundle=False,
        priceType=v.price_type,
        recurringChargePeriodType="month" if v.price_type == "recurring" else None,
        price=Money(value=v.price_fen / 100) if v.price_fen is not None else None,
        lifecycleStatus=status_name(v.lifecycle),
        lastUpdate=v.last_update,
        productOffering=offering,
    )


@router.get(
    "/productSpecification",
    response_model=list[ProductSpecification],
    responses=listed(422),
    dependencies=[public("the product catalogue")],
)
def list_specs(db: Db, q: Query) -> JSONResponse:
    """The product specifications, oldest first."""
    return listing(q, partial(catalog_admin.specs, db), to_spec)


@router.get(
    "/productSpecification/{id}",
    response_model=ProductSpecification,
    responses=problems(404),
    dependencies=[public("the product catalogue")],
)
def get_spec(db: Db, id: ResourceId, fields: Fields = None) -> JSONResponse:
    return one(to_spec(catalog_admin.spec(db, id)), fields)


@router.post(
    "/productSpecification",
    status_code=201,
    response_model=ProductSpecification,
    responses=WRITE,
    dependencies=[requires("catalog.edit")],
)
def create_spec(body: ProductSpecificationCreate, who: Caller, db: Db) -> JSONResponse:
    """A new product specification (HQ catalog staff), `inStudy`."""
    view = catalog_admin.create_spec(db, who, body.name, body.description, body.brand)
    return one(
        to_spec(view), status=201, headers={"Location": href(PATH, "productSpecification", view.id)}
    )


@router.post(
    "/productOffering",
    status_code=201,
    response_model=ProductOffering,
    responses=WRITE,
    dependencies=[requires("catalog.edit")],
)
def create_offering(
    body: ProductOfferingCreate, who: Caller, db: Db, request: Request
) -> JSONResponse:
    """A new offering (HQ catalog staff): a draft, not on sale until launched."""
    spec = body.productSpecification.id if body.productSpecification else None
    view = catalog_admin.create_offering(
        db, who, body.name, body.description, spec, body.lifecycleStatus
    )
    return one(to_offering_view(view, lang(request)), status=201)


@router.patch(
    "/productOffering/{id}",
    response_model=ProductOffering,
    responses=WRITE,
    dependencies=[requires("catalog.edit")],
)
def update_offering(
    id: ResourceId, body: ProductOfferingUpdate, who: Caller, db: Db, request: Request
) -> JSONResponse:
    """Rename or describe an offering, or move it along its lifecycle: `launched` puts a
    draft on sale (it needs a priced offering price), `retired` takes it off sale."""
    changes: dict[str, Any] = body.model_dump(exclude_unset=True, exclude_none=True)
    view = catalog_admin.update_offering(db, who, id, changes)
    return one(to_offering_view(view, lang(request)))


@router.delete(
    "/productOffering/{id}",
    status_code=204,
    responses=WRITE,
    dependencies=[requires("catalog.edit")],
)
def delete_offering(id: ResourceId, who: Caller, db: Db) -> Response:
    """Delete a draft offering never launched (one on sale is retired instead: 409)."""
    catalog_admin.delete_offering(db, who, id)
    return Response(status_code=204)


@router.get(
    "/productOfferingPrice",
    response_model=list[ProductOfferingPrice],
    responses=listed(422),
    dependencies=[public("the product catalogue")],
)
def list_prices(db: Db, q: Query) -> JSONResponse:
    """The prices of the offerings on sale (by code), then the draft prices."""
    return listing(q, partial(catalog_admin.prices, db), to_price)


@router.get(
    "/productOfferingPrice/{id}",
    response_model=ProductOfferingPrice,
    responses=problems(404),
    dependencies=[public("the product catalogue")],
)
def get_price(db: Db, id: ResourceId, fields: Fields = None) -> JSONResponse:
    return one(to_price(catalog_admin.price(db, id)), fields)


@router.post(
    "/productOfferingPrice",
    status_code=201,
    response_model=ProductOfferingPrice,
    responses=WRITE,
    dependencies=[requires("catalog.edit")],
)
def create_price(body: ProductOfferingPriceCreate, who: Caller, db: Db) -> JSONResponse:
    """A draft price (HQ catalog staff); it charges once its offering is launched."""
    view = catalog_admin.create_price(
        db,
        who,
        name=body.name,
        price_type=body.priceType,
        price_fen=yuan_to_fen(body.price.value) if body.price else None,
        status=body.lifecycleStatus,
        offering_id=body.productOffering.id if body.productOffering else None,
    )
    return one(to_price(view), status=201)


@router.patch(
    "/productOfferingPrice/{id}",
    response_model=ProductOfferingPrice,
    responses=WRITE,
    dependencies=[requires("catalog.edit")],
)
def update_price(
    id: ResourceId, body: ProductOfferingPriceUpdate, who: Caller, db: Db
) -> JSONResponse:
    """Change a draft price (a launched price stays as it is: 409)."""
    changes: dict[str, Any] = body.model_dump(exclude_unset=True, exclude_none=True)
    if body.price is not None:
        changes["price_fen"] = yuan_to_fen(body.price.value)
    return one(to_price(catalog_admin.update_price(db, who, id, changes)))


@router.delete(
    "/productOfferingPrice/{id}",
    status_code=204,
    responses=WRITE,
    dependencies=[requires("catalog.edit")],
)
def delete_price(id: ResourceId, who: Caller, db: Db) -> Response:
    """Delete a draft price (not a launched one: 409)."""
    catalog_admin.delete_price(db, who, id)
    return Response(status_code=204)
