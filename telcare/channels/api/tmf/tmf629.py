"""TMF629 Customer Management: customers and their lines; staff create and rename them."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field

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
    Tmf,
)
from telcare.channels.guards import requires
from telcare.services import api_queries, customer_admin
from telcare.services.api_queries import CustomerView

PATH = f"{BASE}/customerManagement/v4"
router = APIRouter(prefix=PATH, tags=["TMF629 customer"], route_class=TmfRoute)
WRITE = problems(400, 401, 403, 404, 422)


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


@router.get(
    "/customer",
    response_model=list[Customer],
    responses=listed(401, 403, 422),
    dependencies=[requires("line.view")],
)
def list_customers(who: Caller, db: Db, q: Query) -> JSONResponse:
    """Customers the caller may see: a subscriber their own, staff their province's (HQ all)."""
    return listing(q, partial(api_queries.customers, db, who), to_customer)


class CustomerCreate(Tmf):
    name: str = Field(min_length=1, max_length=80)
    engagedParty: Ref | None = Field(default=None, description="Ignored: the customer is it.")
    characteristic: list[Characteristic] = Field(
        default_factory=list,
        max_length=10,
        description="`province` (a province code): required from headquarters staff.",
    )


class CustomerUpdate(Tmf):
    name: str = Field(min_length=1, max_length=80)


@router.post(
    "/customer",
    status_code=201,
    response_model=Customer,
    responses=WRITE,
    dependencies=[requires("customer.edit")],
)
def create_customer(body: CustomerCreate, who: Caller, db: Db) -> JSONResponse:
    """A new customer (counter staff or admins): in their province, or the `province`
    characteristic's for headquarters staff."""
    province = next((str(c.value) for c in body.characteristic if c.name == "province"), None)
    view = customer_admin.create_customer(db, who, body.name, province)
    return one(to_customer(view), status=201)


@router.patch(
    "/customer/{id}",
    response_model=Customer,
    responses=WRITE,
    dependencies=[requires("customer.edit")],
)
def update_customer(id: ResourceId, body: CustomerUpdate, who: Caller, db: Db) -> JSONResponse:
    """Rename a customer (staff of the customer's province, or headquarters)."""
    view = customer_admin.rename_customer(db, who, int_id(id, 2**31 - 1), body.name)
    return one(to_customer(view))


@router.get(
    "/customer/{id}",
    response_model=Customer,
    responses=problems(401, 403, 404),
    dependencies=[requires("line.view")],
)
def get_customer(who: Caller, db: Db, id: ResourceId, fields: Fields = None) -> JSONResponse:
    """One customer, if the caller may see them."""
    return one(to_customer(api_queries.customer(db, who, int_id(id, 2**31 - 1))), fields)
