"""TMF654 Prepay Balance Management: the prepaid bucket of each line, top-ups, adjustments.

A line's monetary bucket has the subscriber id as its ``id``. Subscribers top up
with a recharge card (``voucher`` + ``voucherPin``); counter staff (``agent`` or
``admin``) may also top up cash (``amount``); only ``admin`` adjusts balances.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from telcare.channels.api.tmf.common import (
    BASE,
    Caller,
    Db,
    Fields,
    IdempotencyKey,
    Msisdn,
    ResourceId,
    TmfRoute,
    href,
    int_id,
    listed,
    one,
    party,
    problems,
    scoped_key,
)
from telcare.channels.api.tmf.query import Query, all_of, listing
from telcare.channels.api.tmf.schemas import (
    AdjustBalance,
    AdjustBalanceCreate,
    Bucket,
    Quantity,
    Ref,
    TopupBalance,
    TopupBalanceCreate,
)
from telcare.channels.guards import requires
from telcare.domain.access import Kind
from telcare.domain.errors import InvalidInput
from telcare.domain.ledger import EntryKind
from telcare.domain.messages import N_
from telcare.domain.money import fen_to_yuan, yuan_to_fen
from telcare.services import api_queries, cards, selfcare
from telcare.services.accounts import Posting
from telcare.services.api_queries import Line, TopupView
from telcare.store.uow import Database

PATH = f"{BASE}/prepayBalanceManagement/v4"
router = APIRouter(prefix=PATH, tags=["TMF654 prepay balance"], route_class=TmfRoute)
LINE_TOP = 2**31 - 1


def bucket_ref(line_id: int) -> Ref:
    return Ref(id=str(line_id), href=href(PATH, "bucket", line_id), referred_type="Bucket")


def _yuan(fen: int) -> Quantity:
    return Quantity(amount=fen / 100, units="CNY")


def to_bucket(db: Database, line: Line) -> Bucket:
    o = selfcare.overview(db, line.msisdn)
    return Bucket(
        id=str(line.id),
        href=href(PATH, "bucket", line.id),
        type_="Bucket",
        name=f"{line.msisdn} prepaid balance",
        description="Prepaid account balance",
        status="active" if o.status == "active" else "suspended",
        usageType="monetary",
        isShared=False,
        remainingValue=_yuan(o.balance_fen),
        remainingValueName=f"{fen_to_yuan(o.balance_fen)} CNY",
        confirmationDate=line.created_at,
        relatedParty=party(line),
    )


def _mask(reference: str | None) -> str | None:
    if reference is None or not reference.startswith("card:"):
        return None
    card = reference.removeprefix("card:")
    return f"{card[:4]}…{card[-4:]}"


def to_topup(t: TopupView) -> TopupBalance:
    return TopupBalance(
        id=str(t.id),
        href=href(PATH, "topupBalance", t.id),
        type_="TopupBalance",
        status="completed",
        amount=_yuan(t.amount_fen),
        bucket=bucket_ref(t.line.id),
        voucher=_mask(t.reference),
        reason=t.reason,
        requestedDate=t.created_at,
        confirmationDate=t.created_at,
        relatedParty=party(t.line),
    )


def to_adjustment(t: TopupView) -> AdjustBalance:
    return AdjustBalance(
        id=str(t.id),
        href=href(PATH, "adjustBalance", t.id),
        type_="AdjustBalance",
        status="completed",
        adjustType="oneTime",
        usageType="monetary",
        amount=_yuan(t.amount_fen),
        bucket=bucket_ref(t.line.id),
        reason=t.reason,
        requestedDate=t.created_at,
        confirmationDate=t.created_at,
        relatedParty=party(t.line),
    )


def _posted(replayed: bool) -> dict[str, str]:
    return {"Idempotent-Replayed": "true"} if replayed else {}


@router.get(
    "/bucket",
    response_model=list[Bucket],
    responses=listed(401, 403, 404, 422),
    dependencies=[requires("line.view")],
)
def list_buckets(who: Caller, db: Db, q: Query, msisdn: Msisdn = None) -> JSONResponse:
    """The buckets the caller may see (one line with `msisdn`)."""
    if msisdn is not None:
        fetch = all_of([api_queries.line_by_msisdn(db, who, msisdn)])
    else:
        fetch = partial(api_queries.lines, db, who)
    return listing(q, fetch, lambda line: to_bucket(db, line))


@router.get(
    "/bucket/{id}",
    response_model=Bucket,
    responses=problems(401, 403, 404),
    dependencies=[requires("line.view")],
)
def get_bucket(who: Caller, db: Db, id: ResourceId, fields: Fields = None) -> JSONResponse:
    """One line's prepaid bucket."""
    return one(to_bucket(db, api_queries.line_by_id(db, who, int_id(id, LINE_TOP))), fields)


def _entries(
    db: Database, who: Caller, msisdn: str | None, kind: EntryKind
) -> Callable[[int, int], api_queries.Page[TopupView]]:
    line = api_queries.line_for(db, who, msisdn) if msisdn or who.kind is Kind.SUBSCRIBER else None
    return partial(api_queries.topups, db, who, line, kind=kind)


@router.get(
    "/topupBalance",
    response_model=list[TopupBalance],
    responses=listed(401, 403, 404, 422),
    dependencies=[requires("line.view")],
)
def list_topups(who: Caller, db: Db, q: Query, msisdn: Msisdn = None) -> JSONResponse:
    """Top-ups, newest first: a subscriber's own, a line's (`msisdn`), or every line the
    staff member may see."""
    return listing(q, _entries(db, who, msisdn, EntryKind.RECHARGE), to_topup)


@router.get(
    "/topupBalance/{id}",
    response_model=TopupBalance,
    responses=problems(401, 403, 404),
    dependencies=[requires("line.view")],
)
def get_topup(who: Caller, db: Db, id: ResourceId, fields: Fields = None) -> JSONResponse:
    return one(to_topup(api_queries.topup(db, who, int_id(id))), fields)


@router.post(
    "/topupBalance",
    status_code=201,
    response_model=TopupBalance,
    responses=problems(400, 401, 403, 404, 409, 422, 429),
    dependencies=[requires("balance.topup")],
)
def create_topup(
    body: TopupBalanceCreate,
    who: Caller,
    db: Db,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Top up a bucket: with a recharge card (anyone who may see the line), or cash (staff)."""
    line = api_queries.line_by_id(db, who, _bucket_id(body.bucket.id))
    key = scoped_key(who, idempotency_key)
    if body.voucher is not None:
        if body.voucherPin is None:
            raise InvalidInput(N_("api.bad_order"), what="voucherPin")
        posting = cards.recharge_with_card(
            db, line.msisdn, body.voucher, body.voucherPin, idempotency_key=key
        )
    else:
        if who.kind is Kind.SUBSCRIBER:
            raise InvalidInput(N_("api.topup_needs_card"))
        api_queries.require_role(who, api_queries.TOPUP_ACTION)  # before the body's checks
        if body.amount is None:
            raise InvalidInput(N_("api.bad_order"), what="amount")
        posting = api_queries.cash_topup(
            db,
            who,
            line,
            yuan_to_fen(body.amount.amount),
            idempotency_key=key,
            reason=body.reason or f"API top-up by {who.subject}",
        )
    return _topup_response(db, who, posting)


def _topup_response(db: Database, who: Caller, posting: Posting) -> JSONResponse:
    view = api_queries.topup(db, who, posting.entry_id)
    return one(to_topup(view), status=201, headers=_posted(posting.replayed))


def _bucket_id(raw: str) -> int:
    return int_id(raw, LINE_TOP)


@router.post(
    "/adjustBalance",
    status_code=201,
    response_model=AdjustBalance,
    responses=problems(400, 401, 403, 404, 409, 422),
    dependencies=[requires("balance.adjust")],
)
def create_adjustment(
    body: AdjustBalanceCreate,
    who: Caller,
    db: Db,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Correct a balance (staff `admin` only): a positive amount credits, negative debits."""
    line = api_queries.line_by_id(db, who, _bucket_id(body.bucket.id))
    posting = api_queries.adjust_balance(
        db,
        who,
        line,
        yuan_to_fen(body.amount.amount),
        idempotency_key=scoped_key(who, idempotency_key),
        reason=body.reason or f"API adjustment by {who.subject}",
    )
    view = api_queries.topup(db, who, posting.entry_id, kind=EntryKind.ADJUSTMENT)
    return one(to_adjustment(view), status=201, headers=_posted(posting.replayed))


@router.get(
    "/adjustBalance",
    response_model=list[AdjustBalance],
    responses=listed(401, 403, 404, 422),
    dependencies=[requires("line.view")],
)
def list_adjustments(who: Caller, db: Db, q: Query, msisdn: Msisdn = None) -> JSONResponse:
    """Balance adjustments, newest first (as top-ups are listed)."""
    return listing(q, _entries(db, who, msisdn, EntryKind.ADJUSTMENT), to_adjustment)


@router.get(
    "/adjustBalance/{id}",
    response_model=AdjustBalance,
    responses=problems(401, 403, 404),
    dependencies=[requires("line.view")],
)
def get_adjustment(who: Caller, db: Db, id: ResourceId, fields: Fields = None) -> JSONResponse:
    """One balance adjustment."""
    view = api_queries.topup(db, who, int_id(id), kind=EntryKind.ADJUSTMENT)
    return one(to_adjustment(view), fields)
