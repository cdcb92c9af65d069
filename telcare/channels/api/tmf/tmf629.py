"""TMF629 Customer Management: customers and their lines (read-only)."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from telcare.channels.api.tmf import tmf654
from telcare.channels.api.tmf.common import (
    BASE,
    Caller,
    Db,
    Fields,
    ResourceId,
    TmfRoute,
    href,
    int_id,
    listed,
    one,
    problems,
)
from telcare.channels.api.tmf.query import Query, listing
from telcare.channels.api.tmf.schemas import (
    Characteristic,
    ContactMedium,
    Customer,
    MediumCharacteristic,
    Ref,
    TimePeriod,
)
from telcare.services import api_queries
from telcare.services.api_queries import CustomerView

PATH = f"{BASE}/customerManagement/v4"
router = APIRouter(prefix=PATH, tags=["TMF629 customer"], route_class=TmfRoute)


def to_customer(c: CustomerView) -> Customer:
    return Customer(
        id=str(c.id),
        href=href(PATH, "customer", c.id),
        type_="Customer",
        name=c.name,
        status="approved",
        engagedParty=Ref(id=str(c.id), name=c.name, referred_type="Individual"),
        contactMedium=[
            ContactMedium(
                mediumType="mobile",
                preferred=i == 0,
                characteristic=MediumCharacteristic(contactType="mobile", phoneNumber=line.msisdn),
            )
            for i, line in enumerate(c.lines)
        ],
        account=[
            Ref(
                id=str(line.id),
                href=href(tmf654.PATH, "bucket", line.id),
                name=line.msisdn,
                referred_type="Bucket",
            )
            for line in c.lines
        ],
        characteristic=[Characteristic(name="province", value=c.province)],
        validFor=TimePeriod(startDateTime=c.created_at),
    )


@router.get("/customer", response_model=list[Customer], responses=listed(401, 403, 422))
def list_customers(who: Caller, db: Db, q: Query) -> JSONResponse:
    """Customers the caller may see: a subscriber their own, staff their province's (HQ all)."""
    return listing(q, partial(api_queries.customers, db, who), to_customer)


@router.get("/customer/{id}", response_model=Customer, responses=problems(401, 403, 404))
def get_customer(who: Caller, db: Db, id: ResourceId, fields: Fields = None) -> JSONResponse:
    """One customer, if the caller may see them."""
    return one(to_customer(api_queries.customer(db, who, int_id(id, 2**31 - 1))), fields)
