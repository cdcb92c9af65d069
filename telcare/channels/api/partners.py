"""Partner (SP) API under ``/api/partners``: SP services by subscribers (held until
``Y`` to 10086), cancels, the SP's own view, staff inspections, the monthly run,
the public A-tier list and the yearly report.

Bearer tokens from ``POST /tmf-api/auth/token`` (subscribers, staff) or
``POST /api/partners/token`` (an SP with its access code and password).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from telcare.channels.api.deps import client_address
from telcare.channels.api.tmf.common import Caller, Db, TmfRoute
from telcare.channels.guards import public, requires
from telcare.config import secret_key
from telcare.domain.access import Kind
from telcare.domain.errors import Forbidden
from telcare.domain.messages import N_
from telcare.services import auth, partners

router = APIRouter(prefix="/api/partners", tags=["partners"], route_class=TmfRoute)

AccessCode = Annotated[str, Path(pattern=r"^1066\d{1,16}$")]
Month = Annotated[str, Path(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class SpLoginIn(BaseModel):
    access_code: str = Field(pattern=r"^1066\d{1,16}$")
    password: str = Field(min_length=1, max_length=200)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


class OrderIn(BaseModel):
    access_code: str = Field(pattern=r"^1066\d{1,16}$")
    service_code: str = Field(pattern=r"^[A-Za-z0-9]{1,12}$")
    msisdn: str | None = Field(default=None, max_length=20, description="Staff: the line.")


class PendingOut(BaseModel):
    subscription_id: int
    state: str = "pending"
    expires_at: datetime
    message: str = "Reply Y to the SMS from 10086 within 24 hours; nothing is charged before."


class SubscriptionOut(BaseModel):
    id: int
    access_code: str
    sp_name: str
    service_code: str
    name_zh: str
    name_en: str
    price_fen: int
    state: str
    channel: str
    requested_at: datetime
    activated_at: datetime | None
    cancelled_at: datetime | None
    needs_reconfirm: bool


class CancelledOut(BaseModel):
    code: str
    effective_at: datetime


class InspectionIn(BaseModel):
    type: str = Field(max_length=30)
    evidence: str = Field(min_length=1, max_length=2000)


def _line(who: Any, msisdn: str | None) -> str:
    if who.kind is Kind.SUBSCRIBER:
        return str(who.subject)
    if msisdn is None:
        raise Forbidden(N_("access.denied"))
    return msisdn


@router.post("/token", response_model=TokenOut, dependencies=[public("SP login")])
def sp_token(body: SpLoginIn, db: Db, request: Request) -> TokenOut:
    """A bearer token for an SP (its portal and its own data only)."""
    who = partners.authenticate_sp(
        db, body.access_code, body.password, address=client_address(request)
    )
    return TokenOut(access_token=auth.issue_token(who, secret_key()))


@router.post(
    "/subscriptions",
    status_code=202,
    response_model=PendingOut,
    dependencies=[requires("sp.subscribe")],
)
def order(body: OrderIn, who: Caller, db: Db) -> PendingOut:
    """Order an SP service: pending until the subscriber answers ``Y`` to 10086."""
    msisdn = _line(who, body.msisdn)
    if who.kind is Kind.STAFF:
        partners.subscriptions(db, who, msisdn)  # province check
    p = partners.request(db, msisdn, body.access_code, body.service_code, channel="api")
    return PendingOut(subscription_id=p.subscription_id, expires_at=p.expires_at)


@router.get(
    "/subscriptions", response_model=list[SubscriptionOut], dependencies=[requires("sp.subscribe")]
)
def my_subscriptions(
    who: Caller, db: Db, msisdn: Annotated[str | None, Query(max_length=20)] = None
) -> list[SubscriptionOut]:
    """The line's SP subscriptions (pending, active)."""
    views = partners.subscriptions(db, who, _line(who, msisdn))
    return [SubscriptionOut(**{k: v for k, v in asdict(x).items() if k != "msisdn"}) for x in views]


@router.delete(
    "/subscriptions/{subscription_id}",
    response_model=CancelledOut,
    dependencies=[requires("sp.subscribe")],
)
def cancel(
    subscription_id: Annotated[int, Path(ge=1, le=2**62)], who: Caller, db: Db
) -> CancelledOut:
    """Cancel at once; no further fee."""
    done = partners.cancel_subscription(db, who, subscription_id, channel="api")
    return CancelledOut(code=done.offer.code, effective_at=done.effective_at)


@router.get("/sps/{access_code}", dependencies=[requires("sp.view")])
def sp_overview(access_code: AccessCode, who: Caller, db: Db) -> dict[str, Any]:
    """An SP's services, subscribers, complaints, violations and scores (its own only)."""
    return _obj(asdict(partners.overview(db, who, access_code)))


@router.post(
    "/sps/{access_code}/violations", status_code=201, dependencies=[requires("sp.violation.record")]
)
def inspect(access_code: AccessCode, body: InspectionIn, who: Caller, db: Db) -> dict[str, Any]:
    """Record a violation found by staff."""
    v = partners.record_inspection(db, who, access_code, body.type, body.evidence)
    return _obj(asdict(v))


@router.post("/months/{month}/run", dependencies=[requires("sp.month.run")])
def run_month(month: Month, who: Caller, db: Db) -> dict[str, Any]:
    """Headquarters: charge the month's fees, then score, disclose and apply the policy."""
    if not who.is_headquarters:
        raise Forbidden(N_("access.denied"))
    fees = partners.run_fees(db, month)
    results = partners.run_month(db, month)
    return _obj({"fees": asdict(fees), "results": [asdict(r) for r in results]})


@router.get("/disclosed", dependencies=[public("the public disclosure of SP violations")])
def disclosed(
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None, *, db: Db
) -> list[dict[str, Any]]:
    """Public: the A-tier SPs of the month (the latest published by default)."""
    return [_plain(asdict(d)) for d in partners.disclosed(db, month)]


@router.get("/reports/{year}", dependencies=[requires("sp.report.view")])
def report(year: Annotated[int, Path(ge=2000, le=2100)], who: Caller, db: Db) -> dict[str, Any]:
    """Staff: the year's governance figures."""
    if who.kind is not Kind.STAFF:
        raise Forbidden(N_("access.denied"))
    return _obj(asdict(partners.yearly_report(db, year)))


def _obj(value: dict[str, Any]) -> dict[str, Any]:
    plain: dict[str, Any] = _plain(value)
    return plain


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value
