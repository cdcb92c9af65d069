"""TMF654 balance reservations (online charging) and opening a line's bucket.

``POST reserveBalance`` holds money on a line's balance (``admin`` staff: the online
charging system); ``PATCH reserveBalance/{id}`` with ``status`` ``committed`` (and
optionally the used ``amount``) charges it, ``released`` frees it; unsettled ones
expire (``validFor.endDateTime``, default 15 minutes). See
:mod:`telcare.services.reservations`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field

from telcare import clock
from telcare.channels.api.tmf.common import (
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
    AmountIn,
    Bucket,
    Quantity,
    Ref,
    RefIn,
    RelatedParty,
    Resource,
    TimePeriod,
    Tmf,
)
from telcare.channels.api.tmf.tmf654 import LINE_TOP, PATH, bucket_ref, to_bucket
from telcare.channels.guards import requires
from telcare.domain.access import Kind
from telcare.domain.money import yuan_to_fen
from telcare.services import api_queries, reservations
from telcare.services.reservations import ReservationView

router = APIRouter(prefix=PATH, tags=["TMF654 prepay balance"], route_class=TmfRoute)
WRITE = problems(400, 401, 403, 404, 409, 422)


class ReserveBalance(Resource):
    status: Literal["created", "committed", "released", "expired"] | None = None
    amount: Quantity | None = None
    committedAmount: Quantity | None = None
    bucket: Ref | None = None
    reason: str | None = None
    requestedDate: datetime | None = None
    confirmationDate: datetime | None = None
    validFor: TimePeriod | None = None
    relatedParty: list[RelatedParty] | None = None


class ReserveBalanceCreate(Tmf):
    bucket: RefIn
    amount: AmountIn
    reason: str = Field(default="", max_length=200)
    validFor: TimePeriod | None = Field(
        default=None, description="`endDateTime`: when it expires (default in 15 minutes)."
    )


class ReserveBalanceUpdate(Tmf):
    status: Literal["committed", "released"]
    amount: AmountIn | None = Field(default=None, description="Used (committed) amount.")


class BucketCreate(Tmf):
    usageType: Literal["monetary"] = "monetary"
    relatedParty: list[RefIn] = Field(min_length=1, max_length=1, description="The line.")


def _yuan(fen: int) -> Quantity:
    return Quantity(amount=fen / 100, units="CNY")


def to_reservation(v: ReservationView) -> ReserveBalance:
    return ReserveBalance(
        id=str(v.id),
        href=href(PATH, "reserveBalance", v.id),
        type_="ReserveBalance",
        status=v.status,  # type: ignore[arg-type]
        amount=_yuan(v.amount_fen),
        committedAmount=_yuan(v.committed_fen) if v.committed_fen is not None else None,
        bucket=bucket_ref(v.line.id),
        reason=v.reason or None,
        requestedDate=v.created_at,
        confirmationDate=v.updated_at if v.status != "created" else None,
        validFor=TimePeriod(startDateTime=v.created_at, endDateTime=v.expires_at),
        relatedParty=party(v.line),
    )


@router.post(
    "/bucket",
    status_code=201,
    response_model=Bucket,
    responses=WRITE,
    dependencies=[requires("customer.edit")],
)
def open_bucket(body: BucketCreate, who: Caller, db: Db) -> JSONResponse:
    """A line's monetary bucket (a line has exactly one, opened with the line): answers
    it for the line named in `relatedParty` (an MSISDN), as the bucket to use."""
    line = api_queries.line_by_msisdn(db, who, body.relatedParty[0].id)
    return one(to_bucket(db, line), status=201)


@router.post(
    "/reserveBalance",
    status_code=201,
    response_model=ReserveBalance,
    responses=WRITE,
    dependencies=[requires("balance.reserve")],
)
def create_reservation(body: ReserveBalanceCreate, who: Caller, db: Db) -> JSONResponse:
    """Hold an amount on a bucket (`admin` staff) if the balance less what is held covers it."""
    ttl = reservations.DEFAULT_TTL
    if body.validFor is not None and body.validFor.endDateTime is not None:
        ttl = body.validFor.endDateTime - clock.now()
    view = reservations.reserve(
        db,
        who,
        int_id(body.bucket.id, LINE_TOP),
        yuan_to_fen(body.amount.amount),
        reason=body.reason,
        ttl=max(ttl, timedelta(0)),
    )
    return one(to_reservation(view), status=201)


@router.get(
    "/reserveBalance",
    response_model=list[ReserveBalance],
    responses=listed(401, 403, 404, 422),
    dependencies=[requires("line.view")],
)
def list_reservations(who: Caller, db: Db, q: Query, msisdn: Msisdn = None) -> JSONResponse:
    """Reservations, newest first: a line's (`msisdn`, a subscriber's own), or those of every
    line the staff member may see."""
    line = api_queries.line_for(db, who, msisdn) if msisdn or who.kind is Kind.SUBSCRIBER else None
    return listing(q, partial(reservations.reservations, db, who, line), to_reservation)


@router.get(
    "/reserveBalance/{id}",
    response_model=ReserveBalance,
    responses=problems(401, 403, 404),
    dependencies=[requires("line.view")],
)
def get_reservation(who: Caller, db: Db, id: ResourceId, fields: Fields = None) -> JSONResponse:
    return one(to_reservation(reservations.reservation(db, who, int_id(id))), fields)


@router.patch(
    "/reserveBalance/{id}",
    response_model=ReserveBalance,
    responses=WRITE,
    dependencies=[requires("balance.reserve")],
)
def settle_reservation(
    id: ResourceId, body: ReserveBalanceUpdate, who: Caller, db: Db
) -> JSONResponse:
    """`committed` charges the used amount (default all held), `released` frees it."""
    used = yuan_to_fen(body.amount.amount) if body.amount is not None else None
    view = reservations.settle(db, who, int_id(id), body.status, used)
    return one(to_reservation(view))
