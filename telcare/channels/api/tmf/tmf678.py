"""TMF678 Customer Bill Management: a line's monthly statements as ``customerBill`` and
their ledger entries as ``appliedCustomerBillingRate``, read-only.

A bill's ``id`` is ``<MSISDN>-<YYYYMM>`` (a closed month, Asia/Shanghai); an applied
rate's ``id`` is its ledger entry's id. The figures are
:func:`telcare.services.cycle.statement`'s, so a bill equals the ledger to the fen.
Prepaid: ``amountDue`` is what the month charged (fees and usage), already taken from
the balance, so ``remainingAmount`` is 0 and the state ``settled``. Telcare extensions
(``@type`` ``CustomerBill``): ``openingBalance``, ``closingBalance``, ``feesAmount``,
``usageAmount``, ``rechargeAmount``, ``refundAmount``, ``adjustmentAmount``.
Who sees what: subscribers their own line, staff their province, HQ every line.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
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
from telcare.channels.api.tmf.schemas import (
    Characteristic,
    Money,
    Ref,
    RelatedParty,
    Resource,
    TimePeriod,
)
from telcare.channels.guards import requires
from telcare.domain.errors import NotFound
from telcare.domain.messages import N_
from telcare.services import api_queries, cycle
from telcare.services.api_queries import Line
from telcare.services.cycle import Item, Statement

PATH = f"{BASE}/customerBillManagement/v4"
router = APIRouter(prefix=PATH, tags=["TMF678 customer bill"], route_class=TmfRoute)
BILL_ID = re.compile(r"^(1\d{10})-(\d{4})(\d{2})$")
RATE_TYPE = {
    "fees": "recurringCharge",
    "usage": "usageCharge",
    "recharges": "payment",
    "refunds": "refund",
    "adjustments": "adjustment",
}
BillId = Annotated[
    str, Path(max_length=20, description="`<MSISDN>-<YYYYMM>`, e.g. 13800138000-202701.")
]
EntryId = Annotated[int, Path(ge=1, le=2**62, description="The ledger entry's id.")]


class CustomerBill(Resource):
    billNo: str | None = None
    billDate: datetime | None = None
    billingPeriod: TimePeriod | None = None
    category: str | None = None
    runType: str | None = None
    state: str | None = None
    amountDue: Money | None = None
    remainingAmount: Money | None = None
    taxIncludedAmount: Money | None = None
    openingBalance: Money | None = None
    closingBalance: Money | None = None
    feesAmount: Money | None = None
    usageAmount: Money | None = None
    rechargeAmount: Money | None = None
    refundAmount: Money | None = None
    adjustmentAmount: Money | None = None
    relatedParty: list[RelatedParty] | None = None


class AppliedCustomerBillingRate(Resource):
    name: str | None = None
    description: str | None = None
    date: datetime | None = None
    isBilled: bool | None = None
    appliedBillingRateType: str | None = None
    bill: Ref | None = None
    periodCoverage: TimePeriod | None = None
    taxIncludedAmount: Money | None = None
    characteristic: list[Characteristic] | None = None


def _yuan(fen: int) -> Money:
    return Money(value=fen / 100)


def _bill_id(st: Statement) -> str:
    return f"{st.msisdn}-{st.month.replace('-', '')}"


def to_bill(line: Line, st: Statement) -> CustomerBill:
    t, bill_id = st.totals, _bill_id(st)
    charged = t.fees_fen + t.usage_fen
    return CustomerBill(
        id=bill_id,
        href=href(PATH, "customerBill", bill_id),
        type_="CustomerBill",
        billNo=bill_id,
        billDate=st.end,
        billingPeriod=TimePeriod(startDateTime=st.start, endDateTime=st.end),
        category="normal",
        runType="onCycle",
        state="settled",
        amountDue=_yuan(charged),
        remainingAmount=_yuan(0),
        taxIncludedAmount=_yuan(charged),
        openingBalance=_yuan(t.opening_fen),
        closingBalance=_yuan(t.closing_fen),
        feesAmount=_yuan(t.fees_fen),
        usageAmount=_yuan(t.usage_fen),
        rechargeAmount=_yuan(t.recharges_fen),
        refundAmount=_yuan(t.refunds_fen),
        adjustmentAmount=_yuan(t.adjustments_fen),
        relatedParty=party(line),
    )


def to_rate(st: Statement, item: Item) -> AppliedCustomerBillingRate:
    bill_id = _bill_id(st)
    return AppliedCustomerBillingRate(
        id=str(item.entry_id),
        href=href(PATH, "appliedCustomerBillingRate", item.entry_id),
        type_="AppliedCustomerBillingRate",
        name=item.reason,
        description=item.heading,
        date=item.at,
        isBilled=True,
        appliedBillingRateType=RATE_TYPE[item.heading],
        bill=Ref(id=bill_id, href=href(PATH, "customerBill", bill_id)),
        periodCoverage=TimePeriod(startDateTime=st.start, endDateTime=st.end),
        taxIncludedAmount=_yuan(-item.amount_fen),  # a charge is positive on a bill
        characteristic=[
            Characteristic(name="kind", value=item.kind),
            Characteristic(name="balanceAfter", value=f"{item.balance_after_fen / 100:.2f}"),
            Characteristic(name="reference", value=item.reference or ""),
        ],
    )


def _statement_of(db: Db, who: Caller, bill_id: str) -> tuple[Line, Statement]:
    found = BILL_ID.fullmatch(bill_id)
    if found is None:
        raise NotFound(N_("api.not_found"))
    line = api_queries.line_by_msisdn(db, who, found.group(1))
    month = f"{found.group(2)}-{found.group(3)}"
    if month not in cycle.bill_months(db, line.msisdn):
        raise NotFound(N_("api.not_found"))
    return line, cycle.statement(db, line.msisdn, month)


@router.get(
    "/customerBill",
    response_model=list[CustomerBill],
    responses=listed(401, 403, 404, 422),
    dependencies=[requires("line.view")],
)
def list_bills(
    who: Caller, db: Db, page: Pages, msisdn: Msisdn = None, fields: Fields = None
) -> JSONResponse:
    """A line's monthly bills, newest first (staff name the line with `msisdn`)."""
    line = api_queries.line_for(db, who, msisdn)
    chosen = cycle.bill_months(db, line.msisdn)
    page_months = chosen[page.offset : page.offset + page.limit]
    bills = (to_bill(line, cycle.statement(db, line.msisdn, mo)) for mo in page_months)
    return many(bills, len(chosen), fields)


@router.get(
    "/customerBill/{id}",
    response_model=CustomerBill,
    responses=problems(401, 403, 404),
    dependencies=[requires("line.view")],
)
def get_bill(who: Caller, db: Db, id: BillId, fields: Fields = None) -> JSONResponse:
    """One monthly bill."""
    line, st = _statement_of(db, who, id)
    return one(to_bill(line, st), fields)


@router.get(
    "/appliedCustomerBillingRate",
    response_model=list[AppliedCustomerBillingRate],
    responses=listed(401, 403, 404, 422),
    dependencies=[requires("line.view")],
)
def list_rates(
    who: Caller,
    db: Db,
    page: Pages,
    bill_id: Annotated[str, Query(alias="bill.id", max_length=20, description="The bill.")],
    fields: Fields = None,
) -> JSONResponse:
    """The ledger entries of one bill, in time order."""
    _, st = _statement_of(db, who, bill_id)
    chosen = st.items[page.offset : page.offset + page.limit]
    return many((to_rate(st, i) for i in chosen), len(st.items), fields)


@router.get(
    "/appliedCustomerBillingRate/{id}",
    response_model=AppliedCustomerBillingRate,
    responses=problems(401, 403, 404, 422),
    dependencies=[requires("line.view")],
)
def get_rate(who: Caller, db: Db, id: EntryId, fields: Fields = None) -> JSONResponse:
    """One ledger entry of a bill."""
    found = cycle.entry_line(db, id)
    if found is None:
        raise NotFound(N_("api.not_found"))
    msisdn, month = found
    line = api_queries.line_by_msisdn(db, who, msisdn)
    if month not in cycle.bill_months(db, line.msisdn):
        raise NotFound(N_("api.not_found"))  # the current month is not billed yet
    st = cycle.statement(db, line.msisdn, month)
    item = next(i for i in st.items if i.entry_id == id)
    return one(to_rate(st, item), fields)
