"""The staff console (``/staff/loyalty``): stock, the fulfilment queue and settlement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.guards import requires
from telcare.channels.web import staff as staff_console
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import RowId
from telcare.domain.errors import DomainError
from telcare.domain.messages import N_
from telcare.domain.provinces import PROVINCES
from telcare.services import loyalty

from .shared import CSRF, STAFF, Db, Staff, _error

router = APIRouter(include_in_schema=False)

if (STAFF, N_("web.staff.console.loyalty")) not in staff_console.CONSOLES:
    staff_console.CONSOLES.append((STAFF, N_("web.staff.console.loyalty")))


@router.get(STAFF, response_class=HTMLResponse, dependencies=[requires("loyalty.console.view")])
def staff_catalog(request: Request, db: Db, who: Staff) -> Response:
    return page(
        request,
        "loyalty/staff_catalog.html",
        {"gifts": loyalty.catalog(db), "staff": who, "provinces": PROVINCES},
    )


@router.post(STAFF + "/stock", dependencies=[*CSRF, requires("loyalty.stock.edit")])
def staff_stock(
    request: Request,
    db: Db,
    who: Staff,
    gift: Annotated[str, Form(max_length=20)],
    province: Annotated[str, Form(max_length=2)],
    quantity: Annotated[int, Form(ge=0, le=1_000_000)],
) -> Response:
    try:
        loyalty.set_stock(db, who, gift, province, quantity)
        flash(request, "ok", "web.staff.stock_saved")
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF)


@router.get(
    STAFF + "/orders", response_class=HTMLResponse, dependencies=[requires("loyalty.console.view")]
)
def staff_queue(
    request: Request,
    db: Db,
    who: Staff,
    province: Annotated[str, Query(max_length=2)] = "",
) -> Response:
    queue = loyalty.fulfilment_queue(db, who, province or None)
    return page(
        request,
        "loyalty/staff_queue.html",
        {"orders": queue, "province": province, "staff": who, "provinces": PROVINCES},
    )


@router.post(STAFF + "/orders/{order_id}", dependencies=[*CSRF, requires("loyalty.order.ship")])
def staff_move(
    request: Request,
    db: Db,
    who: Staff,
    order_id: RowId,
    state: Annotated[str, Form(max_length=12)],
    note: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        done = loyalty.advance_order(db, who, order_id, state, note=note)
        flash(request, "ok", "web.staff.order_moved", id=done.id, state=done.state)
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF + "/orders")


@router.get(
    STAFF + "/settlement",
    response_class=HTMLResponse,
    dependencies=[requires("loyalty.settlement.view")],
)
def staff_settlement(
    request: Request, db: Db, who: Staff, month: Annotated[str, Query(max_length=7)] = ""
) -> Response:
    error = None
    rows: list[loyalty.SettlementRow] = []
    try:
        rows = loyalty.settlement(db, month or None)
    except DomainError as err:
        error = err
    return page(
        request,
        "loyalty/staff_settlement.html",
        {"rows": rows, "month": month, "error": error},
    )


@router.get(STAFF + "/settlement.csv", dependencies=[requires("loyalty.settlement.view")])
def staff_settlement_csv(
    db: Db, who: Staff, month: Annotated[str, Query(max_length=7)] = ""
) -> Response:
    body = loyalty.settlement_csv(loyalty.settlement(db, month or None))
    name = f"settlement-{month or 'all'}.csv"
    return Response(
        "\ufeff" + body,  # a BOM, so spreadsheet programs read the Chinese names as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
