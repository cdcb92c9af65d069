"""TMF635 Usage Management: a line's rated usage records, its month summary and the
data-reminder switch.

A usage's ``id`` is the record's ``record_id`` from the usage file. ``usageSummary``
and ``dataReminder`` are not TMF635 resources but telcare extensions under the
same base path. Reads and writes go through :mod:`telcare.services.usage_queries`.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query
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
from telcare.channels.api.tmf.query import Query as ListQuery
from telcare.channels.api.tmf.query import listing
from telcare.channels.api.tmf.schemas import Ref
from telcare.channels.api.tmf.tmf635_schemas import (
    AllowanceLeft,
    DataReminder,
    DataReminderUpdate,
    ExactMoney,
    RatedProductUsage,
    ServiceCharge,
    ServiceUse,
    Usage,
    UsageCharacteristic,
    UsageQuantity,
    UsageSummary,
)
from telcare.channels.api.tmf.tmf637 import product_ref_href
from telcare.channels.guards import requires
from telcare.domain.money import fen_to_yuan
from telcare.services import charging, usage_queries
from telcare.services.api_queries import Line
from telcare.services.usage_queries import ReminderView, UsageView

PATH = f"{BASE}/usageManagement/v4"
router = APIRouter(prefix=PATH, tags=["TMF635 usage"], route_class=TmfRoute)

UFEN_PER_FEN = 1_000_000
VOLUME_UNIT = {"data": "KB", "voice": "second", "sms": "message"}
RATED_UNIT = {"data": "KB", "voice": "minute", "sms": "message"}
Month = Annotated[
    str | None,
    Query(
        pattern=usage_queries.MONTH.pattern,
        description="`YYYY-MM` (Asia/Shanghai); default the current month.",
    ),
]
RecordId = Annotated[
    str, Path(min_length=1, max_length=64, description="The record id of the usage file.")
]


def yuan(fen: int) -> ExactMoney:
    return ExactMoney(value=fen_to_yuan(fen))


def exact_yuan(ufen: int) -> ExactMoney:
    """An exact charge in micro-fen as yuan: two decimals, more only when needed."""
    if ufen % UFEN_PER_FEN == 0:
        return yuan(ufen // UFEN_PER_FEN)
    return ExactMoney(value=f"{Decimal(ufen).scaleb(-8):f}")


def to_usage(u: UsageView) -> Usage:
    units = RATED_UNIT[u.service]
    chars = [
        UsageCharacteristic(name="volume", valueType="integer", value=u.volume),
        UsageCharacteristic(name="unit", valueType="string", value=VOLUME_UNIT[u.service]),
        UsageCharacteristic(name="roaming", valueType="boolean", value=u.roaming),
    ]
    if u.peer:
        chars.append(UsageCharacteristic(name="peer", valueType="string", value=u.peer))
    covered = u.units > 0 and u.covered >= u.units
    rated = RatedProductUsage(
        usageRatingTag="included" if covered and u.charge_ufen == 0 else "usage",
        taxIncludedRatingAmount=exact_yuan(u.charge_ufen),
        ratedQuantity=UsageQuantity(amount=u.units, units=units),
        coveredQuantity=UsageQuantity(amount=u.covered, units=units),
        coveredByAllowance=covered,
    )
    return Usage(
        id=u.record_id,
        href=href(PATH, "usage", u.record_id),
        type_="Usage",
        usageDate=u.started_at,
        usageType=u.service,  # type: ignore[arg-type]
        status="rated",
        usageCharacteristic=chars,
        ratedProductUsage=[rated],
        relatedParty=party(u.line),
        usageSpecification=Ref(
            id=u.service,
            href=href(PATH, "usageSpecification", u.service),
            referred_type="UsageSpecification",
        ),
    )


def to_summary(line: Line, s: charging.UsageSummary) -> UsageSummary:
    lang = line.language
    used = {"data": s.data_kb, "voice": s.voice_min, "sms": s.sms}
    charges = {"data": s.data_charge_fen, "voice": s.voice_charge_fen, "sms": s.sms_charge_fen}
    return UsageSummary(
        msisdn=s.msisdn,
        month=s.month,
        usage=[
            ServiceUse(usageType=k, quantity=UsageQuantity(amount=v, units=RATED_UNIT[k]))  # type: ignore[arg-type]
            for k, v in used.items()
        ],
        allowances=[
            AllowanceLeft(
                product=_product_ref(a.subscription_id, a.code, a.name(lang)),
                usageType=a.service,  # type: ignore[arg-type]
                total=UsageQuantity(amount=a.total, units=RATED_UNIT[a.service]),
                used=UsageQuantity(amount=a.used, units=RATED_UNIT[a.service]),
                left=UsageQuantity(amount=a.left, units=RATED_UNIT[a.service]),
                validUntil=a.ends_at,
            )
            for a in s.allowances
        ],
        outOfPackageCharges=[
            ServiceCharge(usageType=k, amount=yuan(v))  # type: ignore[arg-type]
            for k, v in charges.items()
        ],
        totalCharged=yuan(s.charged_fen),
    )


def _product_ref(subscription_id: int, code: str, name: str) -> Ref:
    """The package (TMF637 product, i.e. the subscription) the allowance belongs to."""
    return Ref(
        id=str(subscription_id),
        href=product_ref_href(subscription_id),
        name=f"{name} ({code})",
        referred_type="Product",
    )


def to_reminder(r: ReminderView) -> DataReminder:
    return DataReminder(
        href=f"{PATH}/dataReminder?msisdn={r.line.msisdn}",
        msisdn=r.line.msisdn,
        enabled=r.enabled,
    )


@router.get(
    "/usage",
    response_model=list[Usage],
    responses=listed(401, 403, 404, 422),
    dependencies=[requires("line.view")],
)
def list_usage(
    who: Caller, db: Db, q: ListQuery, msisdn: Msisdn = None, month: Month = None
) -> JSONResponse:
    """Rated usage records of the month, oldest first: a subscriber's own, a line's
    (`msisdn`), or those of every line the staff member may see."""
    return listing(q, partial(usage_queries.usage_of, db, who, msisdn, month), to_usage)


@router.get(
    "/usage/{id}",
    response_model=Usage,
    responses=problems(401, 403, 404, 422),
    dependencies=[requires("line.view")],
)
def get_usage(who: Caller, db: Db, id: RecordId, fields: Fields = None) -> JSONResponse:
    """One rated usage record."""
    return one(to_usage(usage_queries.usage(db, who, id)), fields)


@router.get(
    "/usageSummary",
    response_model=UsageSummary,
    responses=problems(401, 403, 404, 422),
    description=(
        "**Not a TMF635 resource** (a telcare extension): the line's month — use per "
        "service, allowance left per package, out-of-package charges per service "
        "(exact month total rounded once) and `totalCharged` (what the ledger holds, "
        "rounded per day). Staff name the line with `msisdn`."
    ),
    dependencies=[requires("line.view")],
)
def get_usage_summary(
    who: Caller, db: Db, msisdn: Msisdn = None, month: Month = None
) -> JSONResponse:
    line, summary = usage_queries.summary(db, who, msisdn, month)
    return one(to_summary(line, summary))


@router.get(
    "/dataReminder",
    response_model=DataReminder,
    responses=problems(401, 403, 404, 422),
    description=(
        "**Not a TMF635 resource** (a telcare extension): whether data-usage reminders "
        "are on for the line (its own choice, else the operator's default)."
    ),
    dependencies=[requires("line.view")],
)
def get_data_reminder(who: Caller, db: Db, msisdn: Msisdn = None) -> JSONResponse:
    return one(to_reminder(usage_queries.reminder(db, who, msisdn)))


@router.put(
    "/dataReminder",
    response_model=DataReminder,
    responses=problems(400, 401, 403, 404, 409, 422),
    description=(
        "**Not a TMF635 resource** (a telcare extension): switch data-usage reminders "
        "on or off, as `KTLLTX`/`QXLLTX` by SMS. The same `Idempotency-Key` with the "
        "same body answers again (`Idempotent-Replayed: true`); with another body `409`."
    ),
    dependencies=[requires("reminder.set")],
)
def put_data_reminder(
    body: DataReminderUpdate,
    who: Caller,
    db: Db,
    msisdn: Msisdn = None,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    view, replayed = usage_queries.set_reminder(
        db, who, msisdn, body.enabled, idempotency_key=scoped_key(who, idempotency_key)
    )
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return one(to_reminder(view), headers=headers)
