"""The staff console (``/staff/loyalty``): stock, the fulfilment queue and settlement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.guards import requires
from telcare.channels.web import staff as staff_console
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import RowId, lang_of
from telcare.domain.errors import DomainError
from telcare.domain.messages import N_, render
from telcare.domain.provinces import PROVINCES
from telcare.services import loyalty

from .shared import CSRF, STAFF, Db, Staff, _error

router = APIRouter(include_in_schema=False)

if (STAFF, N_("web.staff.console.loyalty")) not in staff_console.CONSOLES:
    staff_console.CONSOLES.append((STAFF, N_("web.staff.console.loyalty")))


@router.get(STAFF, response_class=HTMLResponse, dependencies=[requires("loyalty.console.view")])
def staff_catalog(request: Request, db: Db, who: Staff) -> Response:
    return _catalog_page(request, db, who)


def _catalog_page(
    request: Request,
    db: Db,
    who: Staff,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    """The catalog and the stock form; with ``errors`` (field → message) a 422 page that
    says what is wrong next to the field and keeps what was typed."""
    return page(
        request,
        "loyalty/staff_catalog.html",
        {
            "gifts": loyalty.catalog(db),
            "staff": who,
            "provinces": PROVINCES,
            "errors": errors or {},
            "form": form or {},
        },
        status=422 if errors else 200,
    )


@router.post(STAFF + "/stock", dependencies=[*CSRF, requires("loyalty.stock.edit")])
def staff_stock(
    request: Request,
    db: Db,
    who: Staff,
    gift: Annotated[str, Form()] = "",
    province: Annotated[str, Form()] = "",
    quantity: Annotated[str, Form()] = "",
) -> Response:
    """Set a gift's stock in one province; a bad field re-renders the page with the message
    next to it (never a JSON 422)."""
    form = {"gift": gift[:20], "province": province[:2], "quantity": quantity[:12]}
    lang = lang_of(request)
    errors: dict[str, str] = {}
    text = quantity.strip()
    if not (text.isdigit() and int(text) <= 1_000_000):
        errors["quantity"] = render("web.staff.bad_quantity", lang)
    if province not in {p.code for p in PROVINCES}:
        errors["province"] = render("web.staff.bad_choice", lang)
    if not gift or len(gift) > 20:
        errors["gift"] = render("web.staff.bad_choice", lang)
    if not errors:
        try:
            loyalty.set_stock(db, who, gift, province, int(text))
        except DomainError as err:
            errors["form"] = render(err.key, lang, **err.params)
    if errors:
        return _catalog_page(request, db, who, errors, form)
    flash(request, "ok", "web.staff.stock_saved")
    return redirect(STAFF)


@router.get(
    STAFF + "/orders", response_class=HTMLResponse, dependencies=[requires("loyalty.console.view")]
)
def staff_queue(
    request: Request,
    db: Db,
    who: Staff,
    province: str = "",
) -> Response:
    """The orders to fulfil; a province that is not one of the choices is said next to the
    filter (and the unfiltered queue shown)."""
    bad = bool(province) and province not in {p.code for p in PROVINCES}
    queue = loyalty.fulfilment_queue(db, who, None if bad else province or None)
    return page(
        request,
        "loyalty/staff_queue.html",
        {
            "orders": queue,
            "province": "" if bad else province,
            "staff": who,
            "provinces": PROVINCES,
            "errors": {"province": render("web.staff.bad_choice", lang_of(request))} if bad else {},
        },
        status=422 if bad else 200,
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
        state_text = render(f"loyalty.state.{done.state}", lang_of(request))
        flash(request, "ok", "web.staff.order_moved", id=done.id, state=state_text)
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
