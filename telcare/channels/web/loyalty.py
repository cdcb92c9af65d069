"""Loyalty pages: the points mall in the business hall (``/hall/points``), the partner
merchant's code check (``/merchant``) and the staff console (``/staff/loyalty``).

Thin: each handler parses its form, calls :mod:`telcare.services.loyalty` once and
answers (GET renders; POST redirects with a flash). A redemption is confirmed on
this page's own confirm step (the package page's confirm is for packages).
Merchants log in with their merchant ID and password; their session holds a
merchant token, apart from the subscriber's login.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from telcare.channels.api.deps import get_db
from telcare.channels.web import staff as staff_console
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import lang_of, require_csrf, require_msisdn, require_staff
from telcare.domain import loyalty as rules
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError
from telcare.domain.messages import register
from telcare.domain.provinces import PROVINCES
from telcare.services import loyalty, orders, selfcare
from telcare.store.uow import Database

router = APIRouter(include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
Staff = Annotated[Principal, Depends(require_staff)]
CSRF = [Depends(require_csrf)]
HALL = "/hall/points"
MERCHANT = "/merchant"
STAFF = "/staff/loyalty"
Text = Annotated[str, Form(max_length=200)]

TEXTS: dict[str, tuple[str, str]] = {
    "web.points.title": ("积分商城", "Points mall"),
    "web.points.mine": ("我的积分", "My points"),
    "web.points.history": ("积分明细", "Points history"),
    "web.points.orders": ("兑换订单", "My gift orders"),
    "web.points.codes": ("兑换码", "My codes"),
    "web.points.search": ("搜索礼品", "Search gifts"),
    "web.points.none": ("没有符合条件的礼品。", "No gifts match."),
    "web.points.price": ("{points}积分", "{points} points"),
    "web.points.stock": ("库存{n}", "{n} in stock"),
    "web.points.out": ("暂时无货", "Out of stock"),
    "web.points.short": ("积分不足", "Not enough points"),
    "web.points.redeem": ("兑换", "Redeem"),
    "web.points.kind.physical": ("实物礼品（送货上门）", "Gift delivered to your door"),
    "web.points.kind.evoucher": ("电子券", "E-voucher"),
    "web.points.kind.service": ("合作商户服务", "Partner service"),
    "web.points.confirm_title": ("请确认兑换", "Please confirm the redemption"),
    "web.points.confirm_text": (
        "使用{points}积分兑换{name}。",
        "Redeem {name} for {points} points.",
    ),
    "web.points.ship_to": ("寄往：{address}", "Ship to: {address}"),
    "web.points.confirm": ("确认兑换", "Confirm"),
    "web.points.decline": ("不兑换了", "Cancel"),
    "web.points.declined": ("已放弃兑换，积分未扣除。", "Not redeemed; no points spent."),
    "web.points.address": ("默认收货地址", "Default delivery address"),
    "web.points.address_none": ("尚未设置收货地址。", "No delivery address yet."),
    "web.points.recipient": ("收货人", "Recipient"),
    "web.points.phone": ("联系电话", "Contact phone"),
    "web.points.province": ("省份", "Province"),
    "web.points.city": ("城市", "City"),
    "web.points.street": ("详细地址", "Street address"),
    "web.points.save": ("保存地址", "Save address"),
    "web.points.saved": ("收货地址已保存。", "Address saved."),
    "web.points.order_no": ("订单{id}", "Order {id}"),
    "web.points.from": ("发货仓库：{warehouse}", "Ships from: {warehouse}"),
    "web.points.cross": ("跨省配送", "Cross-province delivery"),
    "web.points.cancel": ("取消订单", "Cancel order"),
    "web.points.cancelled": (
        "订单已取消，{points}积分已退还。",
        "Cancelled; {points} points back.",
    ),
    "web.points.no_orders": ("还没有兑换订单。", "No gift orders yet."),
    "web.points.no_codes": ("还没有兑换码。", "No codes yet."),
    "web.points.code_valid": ("有效期至{when}", "Valid until {when}"),
    "web.points.code_used": ("已于{when}使用", "Used on {when}"),
    "web.points.code_expired": ("已过期", "Expired"),
    "web.points.kind_accrual": ("累积", "Earned"),
    "web.points.kind_redemption": ("兑换", "Redeemed"),
    "web.points.kind_reversal": ("退还", "Given back"),
    "web.points.kind_adjustment": ("调整", "Adjustment"),
    "web.points.kind_expiry": ("到期", "Expired"),
    "web.merchant.title": ("合作商户兑换码验证", "Partner merchant: check a code"),
    "web.merchant.login": ("商户登录", "Merchant login"),
    "web.merchant.id": ("商户编号", "Merchant ID"),
    "web.merchant.password": ("密码", "Password"),
    "web.merchant.code": ("兑换码", "Code"),
    "web.merchant.verify": ("验证并核销", "Check and honour"),
    "web.merchant.recent": ("最近核销", "Recently honoured"),
    "web.merchant.logout": ("退出", "Log out"),
    "web.merchant.ok": (
        "验证成功：{service}（{msisdn}），{points}积分。",
        "Valid: {service} ({msisdn}), {points} points. Honoured.",
    ),
    "web.staff.loyalty": ("积分商城管理", "Points mall console"),
    "web.staff.catalog": ("礼品与库存", "Catalog and stock"),
    "web.staff.queue_title": ("配送队列", "Fulfilment queue"),
    "web.staff.settlement": ("商户结算", "Merchant settlement"),
    "web.staff.set_stock": ("设置库存", "Set stock"),
    "web.staff.stock_saved": ("库存已更新。", "Stock updated."),
    "web.staff.order_moved": ("订单{id}已更新为{state}。", "Order {id} is now {state}."),
    "web.staff.csv": ("下载CSV", "Download CSV"),
    "web.staff.month": ("月份", "Month"),
    "web.staff.console.loyalty": ("积分商城管理", "Points mall console"),
}
register(TEXTS)
if (STAFF, "web.staff.console.loyalty") not in staff_console.CONSOLES:
    staff_console.CONSOLES.append((STAFF, "web.staff.console.loyalty"))


def _error(request: Request, err: DomainError) -> None:
    flash(request, "error", err.key, **err.params)


# --- the subscriber's points mall -------------------------------------------------------


@router.get(HALL, response_class=HTMLResponse)
def mall(
    request: Request, db: Db, msisdn: Msisdn, q: Annotated[str, Query(max_length=60)] = ""
) -> Response:
    loyalty.accrue(db, msisdn=msisdn)  # points earned since the last run show at once
    return page(
        request,
        "loyalty/mall.html",
        {
            "info": selfcare.overview(db, msisdn),
            "gifts": loyalty.mall(db, msisdn, q),
            "q": q,
            "pending": loyalty.pending_redemption(db, msisdn),
            "address": loyalty.default_address(db, msisdn),
            "history": loyalty.points_history(db, msisdn, 10),
            "provinces": PROVINCES,
        },
    )


def _address(recipient: str, phone: str, province: str, city: str, street: str) -> rules.Address:
    return rules.Address(recipient, phone, province, city, street)


@router.post(HALL + "/address", dependencies=CSRF)
def save_address(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    recipient: Text = "",
    phone: Text = "",
    province: Text = "",
    city: Text = "",
    street: Text = "",
) -> Response:
    try:
        loyalty.save_address(db, msisdn, _address(recipient, phone, province, city, street))
        flash(request, "ok", "web.points.saved")
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


@router.post(HALL + "/redeem", dependencies=CSRF)
def redeem(
    request: Request, db: Db, msisdn: Msisdn, code: Annotated[str, Form(max_length=20)]
) -> Response:
    """First step: hold the redemption (physical gifts go to the default address)."""
    try:
        loyalty.request_redemption(db, msisdn, code, channel="web")
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


@router.post(HALL + "/confirm", dependencies=CSRF)
def confirm(request: Request, db: Db, msisdn: Msisdn) -> Response:
    """Second step: spend the points; show the order's timeline or the code."""
    try:
        done = loyalty.confirm_redemption(db, msisdn)
    except DomainError as err:
        _error(request, err)
        return redirect(HALL)
    flash(request, "ok", done.message_key, **_params(done, lang_of(request)))
    return redirect(HALL + ("/orders" if done.order_id else "/codes"))


def _params(done: loyalty.Redeemed, lang: str) -> dict[str, object]:
    """The confirmer's reply is in the subscriber's SMS language; the page uses its own."""
    params = dict(done.message_params)
    params["name"] = done.offer.name(lang)
    if done.warehouse:
        params["warehouse"] = _province(done.warehouse, lang)
    return params


def _province(code: str, lang: str) -> str:
    p = next((p for p in PROVINCES if p.code == code), None)
    return code if p is None else (p.name_en if lang == "en" else p.name_zh)


@router.post(HALL + "/decline", dependencies=CSRF)
def decline(request: Request, db: Db, msisdn: Msisdn) -> Response:
    try:
        orders.decline(db, msisdn)
        flash(request, "ok", "web.points.declined")
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


@router.get(HALL + "/orders", response_class=HTMLResponse)
def my_orders(request: Request, db: Db, msisdn: Msisdn) -> Response:
    return page(request, "loyalty/orders.html", {"orders": loyalty.my_orders(db, msisdn)})


@router.post(HALL + "/orders/{order_id}/cancel", dependencies=CSRF)
def cancel(request: Request, db: Db, msisdn: Msisdn, order_id: int) -> Response:
    try:
        done = loyalty.cancel_order(db, msisdn, order_id)
        flash(request, "ok", "web.points.cancelled", points=done.points)
    except DomainError as err:
        _error(request, err)
    return redirect(HALL + "/orders")


@router.get(HALL + "/codes", response_class=HTMLResponse)
def my_codes(request: Request, db: Db, msisdn: Msisdn) -> Response:
    codes = loyalty.my_codes(db, msisdn)
    now = datetime.now(UTC)
    return page(
        request,
        "loyalty/codes.html",
        {
            "codes": [(c, c.status(now), Markup(c.qr_svg) if c.status(now) == "valid" else "")
                      for c in codes],
        },
    )  # fmt: skip


# --- the merchant's page ------------------------------------------------------------------


def _merchant(request: Request, db: Database) -> loyalty.MerchantInfo | None:
    token = request.session.get("merchant")
    if not isinstance(token, str):
        return None
    try:
        return loyalty.read_merchant_token(db, token)
    except DomainError:
        return None


@router.get(MERCHANT, response_class=HTMLResponse)
def merchant_home(request: Request, db: Db) -> Response:
    who = _merchant(request, db)
    recent = loyalty.merchant_codes(db, who.code, 20) if who else []
    return page(request, "loyalty/merchant.html", {"merchant": who, "recent": recent})


@router.post(MERCHANT + "/login", dependencies=CSRF)
def merchant_login(
    request: Request,
    db: Db,
    merchant: Annotated[str, Form(max_length=20)] = "",
    password: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        who = loyalty.authenticate_merchant(db, merchant, password)
        request.session["merchant"] = loyalty.issue_merchant_token(who)
    except DomainError as err:
        _error(request, err)
    return redirect(MERCHANT)


@router.post(MERCHANT + "/logout", dependencies=CSRF)
def merchant_logout(request: Request) -> Response:
    request.session.pop("merchant", None)
    return redirect(MERCHANT)


@router.post(MERCHANT + "/verify", dependencies=CSRF)
def merchant_verify(
    request: Request, db: Db, code: Annotated[str, Form(max_length=30)] = ""
) -> Response:
    """Honour a code once; a used, expired or another merchant's code is refused."""
    who = _merchant(request, db)
    if who is None:
        return redirect(MERCHANT)
    try:
        done = loyalty.verify_code(db, who.code, code)
        flash(
            request,
            "ok",
            "web.merchant.ok",
            service=done.service(lang_of(request)),
            msisdn=done.msisdn_masked,
            points=done.points,
        )
    except DomainError as err:
        _error(request, err)
    return redirect(MERCHANT)


# --- the staff console ---------------------------------------------------------------------


@router.get(STAFF, response_class=HTMLResponse)
def staff_catalog(request: Request, db: Db, who: Staff) -> Response:
    return page(
        request,
        "loyalty/staff_catalog.html",
        {"gifts": loyalty.catalog(db), "staff": who, "provinces": PROVINCES},
    )


@router.post(STAFF + "/stock", dependencies=CSRF)
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


@router.get(STAFF + "/orders", response_class=HTMLResponse)
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


@router.post(STAFF + "/orders/{order_id}", dependencies=CSRF)
def staff_move(
    request: Request,
    db: Db,
    who: Staff,
    order_id: int,
    state: Annotated[str, Form(max_length=12)],
    note: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        done = loyalty.advance_order(db, who, order_id, state, note=note)
        flash(request, "ok", "web.staff.order_moved", id=done.id, state=done.state)
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF + "/orders")


@router.get(STAFF + "/settlement", response_class=HTMLResponse)
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


@router.get(STAFF + "/settlement.csv")
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
