"""TMF620 Product Catalog Management: the offerings (public, no token needed)."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from telcare.channels.api.tmf.common import (
    BASE,
    Db,
    Fields,
    TmfRoute,
    href,
    lang,
    listed,
    one,
)
from telcare.channels.api.tmf.common import problems as errors
from telcare.channels.api.tmf.query import Query, listing
from telcare.channels.api.tmf.schemas import (
    CharValue,
    CharValueUse,
    Money,
    OfferingPrice,
    OfferingTerm,
    ProductOffering,
    Quantity,
    Ref,
)
from telcare.channels.guards import public
from telcare.domain.catalog import BRAND_NAMES, Period, Product
from telcare.services import catalog_admin

PATH = f"{BASE}/productCatalogManagement/v4"
router = APIRouter(prefix=PATH, tags=["TMF620 product catalog"], route_class=TmfRoute)


def offering_ref(code: str, name: str | None = None) -> Ref:
    return Ref(
        id=code,
        href=href(PATH, "productOffering", code),
        name=name,
        referred_type="ProductOffering",
    )


def to_offering(p: Product, lang: str) -> ProductOffering:
    """A catalog product as a TMF620 ``ProductOffering``."""
    monthly = p.period is Period.MONTHLY
    price = OfferingPrice(
        name=p.name(lang),
        priceType="recurring" if monthly else "oneTime",
        recurringChargePeriodType="month" if monthly else None,
        recurringChargePeriodLength=1 if monthly else None,
        price=Money(value=p.price_fen / 100),
    )
    terms = []
    if p.validity_days:
        terms.append(
            OfferingTerm(name="validity", duration=Quantity(amount=p.validity_days, units="day"))
        )
    allowance = [
        CharValueUse(
            name=name, productSpecCharacteristicValue=[CharValue(value=v, unitOfMeasure=u)]
        )
        for name, v, u in (
            ("data", p.allowance.data_kb, "KB"),
            ("voice", p.allowance.voice_min, "min"),
            ("sms", p.allowance.sms, "msg"),
        )
        if v
    ]
    return ProductOffering(
        id=p.code,
        href=href(PATH, "productOffering", p.code),
        type_="ProductOffering",
        name=p.name(lang),
        description=p.description_en if lang == "en" else p.description_zh,
        lifecycleStatus="Launched",
        isBundle=False,
        isSellable=p.kind.value != "base_plan",
        requiresConfirmation=p.needs_confirmation,
        category=[Ref(id=p.kind.value, name=p.kind.value, referred_type="Category")],
        marketSegment=[
            Ref(id=b.value, name=BRAND_NAMES[b][lang], referred_type="MarketSegment")
            for b in sorted(p.brands)
        ],
        place=[Ref(id=code, referred_type="GeographicArea") for code in sorted(p.provinces)]
        if p.provinces is not None
        else None,
        productOfferingPrice=[price],
        productOfferingTerm=terms or None,
        prodSpecCharValueUse=allowance or None,
    )


def status_name(status: str) -> str:
    """A lifecycle status as TMF620 shows it: ``launched`` → ``Launched``."""
    return status[:1].upper() + status[1:]


def spec_ref(spec_id: int | None) -> Ref | None:
    if spec_id is None:
        return None
    return Ref(
        id=str(spec_id),
        href=href(PATH, "productSpecification", spec_id),
        referred_type="ProductSpecification",
    )


def to_offering_view(v: catalog_admin.OfferingView, lang: str) -> ProductOffering:
    """An offering on sale (or retired) or a draft, as a TMF620 ``ProductOffering``."""
    if v.product is not None:
        offering = to_offering(v.product, lang)
        offering.lifecycleStatus = status_name(v.lifecycle)
        offering.isSellable = offering.isSellable and v.lifecycle == "launched"
        offering.lastUpdate = v.last_update
        offering.productSpecification = spec_ref(v.spec_id)
        return offering
    return ProductOffering(
        id=v.id,
        href=href(PATH, "productOffering", v.id),
        type_="ProductOffering",
        name=v.name_en if lang == "en" else v.name_zh,
        description=v.description,
        lifecycleStatus=status_name(v.lifecycle),
        lastUpdate=v.last_update,
        isBundle=False,
        isSellable=False,
        productSpecification=spec_ref(v.spec_id),
    )


@router.get(
    "/productOffering",
    response_model=list[ProductOffering],
    responses=listed(422),
    dependencies=[public("the product catalogue")],
)
def list_offerings(request: Request, db: Db, q: Query) -> JSONResponse:
    """The offerings on sale, by code, then the drafts (names in `Accept-Language`)."""
    language = lang(request)
    return listing(
        q,
        partial(catalog_admin.offerings, db),
        lambda v: to_offering_view(v, language),
    )


@router.get(
    "/productOffering/{id}",
    response_model=ProductOffering,
    responses=errors(404),
    dependencies=[public("the product catalogue")],
)
def get_offering(
    request: Request,
    db: Db,
    id: str = Path(max_length=64, description="The product code, e.g. `G3YH`, or `draft-<n>`."),
    fields: Fields = None,
) -> JSONResponse:
    """One offering by product code (or a draft by id)."""
    return one(to_offering_view(catalog_admin.offering(db, id), lang(request)), fields)
