"""TMF635 usage specifications and usage posted by mediation systems (HQ or provincial
``admin`` staff), rated exactly as a usage-file line (see
:mod:`telcare.services.usage_admin`)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from telcare import clock
from telcare.channels.api.tmf.common import (
    Caller,
    Db,
    Fields,
    IdempotencyKey,
    ResourceId,
    TmfRoute,
    href,
    listed,
    one,
    problems,
)
from telcare.channels.api.tmf.query import Query, listing
from telcare.channels.api.tmf.tmf635 import PATH, to_usage
from telcare.channels.api.tmf.tmf635_schemas import Usage as UsageOut
from telcare.channels.api.tmf.tmf635_schemas import (
    UsageCreate,
    UsageSpecification,
    UsageSpecificationCreate,
)
from telcare.channels.guards import requires
from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_
from telcare.services import usage_admin, usage_queries
from telcare.services.usage_admin import SpecView

router = APIRouter(prefix=PATH, tags=["TMF635 usage"], route_class=TmfRoute)


def to_spec(v: SpecView) -> UsageSpecification:
    return UsageSpecification(
        id=v.id,
        href=href(PATH, "usageSpecification", v.id),
        type_="UsageSpecification",
        name=v.name,
        description=v.description,
        usageType=v.service,  # type: ignore[arg-type]
        lastUpdate=v.last_update,
    )


@router.get(
    "/usageSpecification",
    response_model=list[UsageSpecification],
    responses=listed(401, 422),
    dependencies=[requires("line.view")],
)
def list_specs(who: Caller, db: Db, q: Query) -> JSONResponse:
    """The usage specifications: the built-in `data`, `voice`, `sms`, then added ones."""
    return listing(q, partial(usage_admin.specs, db), to_spec)


@router.get(
    "/usageSpecification/{id}",
    response_model=UsageSpecification,
    responses=problems(401, 404),
    dependencies=[requires("line.view")],
)
def get_spec(who: Caller, db: Db, id: ResourceId, fields: Fields = None) -> JSONResponse:
    return one(to_spec(usage_admin.spec(db, id)), fields)


@router.post(
    "/usageSpecification",
    status_code=201,
    response_model=UsageSpecification,
    responses=problems(400, 401, 403, 422),
    dependencies=[requires("usage.manage")],
)
def create_spec(body: UsageSpecificationCreate, who: Caller, db: Db) -> JSONResponse:
    """A usage specification for one service (`admin` staff)."""
    view = usage_admin.create_spec(db, who, body.name, body.description, body.usageType)
    return one(to_spec(view), status=201)


def _characteristics(body: UsageCreate) -> tuple[int, bool, str]:
    chars = {c.name: c.value for c in body.usageCharacteristic}
    volume, roaming, peer = (
        chars.get("volume", 1),
        chars.get("roaming", False),
        chars.get("peer", ""),
    )
    if isinstance(volume, bool) or not isinstance(volume, int | str) or not str(volume).isdigit():
        raise InvalidInput(N_("usage.rejected"), reason="volume is not a whole number")
    if isinstance(roaming, str):
        roaming = roaming.lower() in ("1", "true", "y", "yes")
    return int(volume), bool(roaming), str(peer)


@router.post(
    "/usage",
    status_code=201,
    response_model=UsageOut,
    responses=problems(400, 401, 403, 404, 409, 422),
    dependencies=[requires("usage.manage")],
)
def create_usage(
    body: UsageCreate, who: Caller, db: Db, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Rate one usage event of a line (`admin` staff): the same checks, allowances, prices
    and ledger posting as a usage-file line. The same `Idempotency-Key` is the same record
    (`Idempotent-Replayed: true`, nothing charged again)."""
    if body.usageSpecification is None and body.usageType is None:
        raise InvalidInput(
            N_("usage.rejected"), reason="usageSpecification or usageType is required"
        )
    volume, roaming, peer = _characteristics(body)
    started: datetime = body.usageDate or clock.now()
    rated = usage_admin.post_usage(
        db,
        who,
        msisdn=body.relatedParty[0].id,
        spec_id=body.usageSpecification.id if body.usageSpecification else None,
        service=body.usageType,
        started_at=started,
        volume=volume,
        roaming=roaming,
        peer=peer,
        key=idempotency_key,
    )
    headers = {"Idempotent-Replayed": "true"} if rated.duplicate else None
    return one(to_usage(usage_queries.usage(db, who, rated.record_id)), status=201, headers=headers)
