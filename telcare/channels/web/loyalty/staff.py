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
from telcare.domain.messages import register, render
from telcare.domain.provinces import PROVINCES
from telcare.services import loyalty

from .shared import CSRF, STAFF, Db, Staff, _error

router = APIRouter(include_in_schema=False)

TEXTS: dict[str, tuple[str, str]] = {
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
    "web.staff.rules": ("积分规则与活动", "Rules and campaigns"),
    "web.staff.merchants": ("合作商户", "Partner merchants"),
    "web.staff.gift_form": ("新建或修改礼品", "Create or edit a gift"),
    "web.staff.gift_saved": ("礼品{code}已保存。", "Gift {code} saved."),
    "web.staff.edit": ("修改", "Edit"),
    "web.staff.withdraw": ("下架", "Withdraw"),
    "web.staff.list": ("上架", "List"),
    "web.staff.withdrawn": ("已下架", "Withdrawn"),
    "web.staff.listed_ok": ("礼品{code}已{state}。", "Gift {code}: {state}."),
    "web.staff.code": ("编号", "Code"),
    "web.staff.name_zh": ("中文名称", "Chinese name"),
    "web.staff.name_en": ("英文名称", "English name"),
    "web.staff.points": ("所需积分", "Points price"),
    "web.staff.kind": ("类型", "Kind"),
    "web.staff.brands": ("限品牌（不选为全部）", "Brands (none: all)"),
    "web.staff.provinces": ("限省份（不选为全部）", "Provinces (none: all)"),
    "web.staff.service": ("商户服务", "Merchant service"),
    "web.staff.active": ("上架", "Listed"),
    "web.staff.description": ("说明", "Description"),
    "web.staff.save": ("保存", "Save"),
    "web.staff.hq_only_note": (
        "礼品目录、规则、活动和商户由总部维护；各省维护本省库存。",
        "HQ keeps the catalog, rules, campaigns and merchants; provinces keep their stock.",
    ),
    "web.staff.rule_form": ("新建或修改积分规则", "Create or edit an accrual rule"),
    "web.staff.rule_saved": ("积分规则{id}已保存。", "Accrual rule {id} saved."),
    "web.staff.campaign_form": ("新建或修改活动", "Create or edit a campaign"),
    "web.staff.campaign_saved": ("活动{code}已保存。", "Campaign {code} saved."),
    "web.staff.source": ("来源", "Source"),
    "web.staff.brand": ("品牌", "Brand"),
    "web.staff.tier": ("等级", "Tier"),
    "web.staff.any": ("不限", "Any"),
    "web.staff.rate": ("每元积分", "Points per yuan"),
    "web.staff.valid_from": ("生效日", "From"),
    "web.staff.valid_to": ("截止日", "Until"),
    "web.staff.starts_on": ("开始日", "Starts"),
    "web.staff.ends_on": ("结束日", "Ends"),
    "web.staff.multiplier": ("倍数", "Multiplier"),
    "web.staff.bonus": ("每元加赠积分", "Bonus per yuan"),
    "web.staff.merchant_form": ("新建或修改商户", "Create or edit a merchant"),
    "web.staff.merchant_saved": ("商户{code}已保存。", "Merchant {code} saved."),
    "web.staff.merchant_created": (
        "商户{code}已创建，初始密码：{password}（只显示这一次）",
        "Merchant {code} created; its password is {password} (shown this once).",
    ),
    "web.staff.service_form": ("新建或修改商户服务", "Create or edit a merchant service"),
    "web.staff.service_saved": ("商户服务{code}已保存。", "Service {code} saved."),
    "web.staff.rate_fen": ("结算（分/积分）", "Settlement (fen per point)"),
    "web.staff.valid_days": ("兑换码有效天数", "Code valid for (days)"),
    "web.staff.bad_date": ("日期无效：{value}", "Not a valid date: {value}"),
    # the fulfilment queue: column headers, buttons named for the action (#20)
    "web.staff.col.order": ("订单号", "Order"),
    "web.staff.col.placed": ("下单时间", "Placed"),
    "web.staff.col.gift": ("礼品", "Gift"),
    "web.staff.col.route": ("发货仓 → 收货省份", "From → to"),
    "web.staff.col.address": ("收货地址", "Address"),
    "web.staff.col.state": ("状态", "State"),
    "web.staff.col.actions": ("操作", "Actions"),
    "web.staff.col.stock": ("各省库存", "Stock by province"),
    "web.staff.col.listed": ("上架状态", "Listing"),
    "web.staff.col.kind": ("类型", "Kind"),
    "web.staff.col.points": ("所需积分", "Points"),
    "web.staff.do.picked": ("拣货出库", "Pick"),
    "web.staff.do.shipped": ("发货", "Ship"),
    "web.staff.do.delivered": ("确认签收", "Mark delivered"),
    "web.staff.do.returned": ("登记退货", "Record the return"),
    "web.staff.do.cancelled": ("取消订单", "Cancel the order"),
    "web.staff.all_provinces": ("全部省份", "All provinces"),
    "web.staff.gift": ("礼品", "Gift"),
    "web.staff.quantity": ("库存数量", "Quantity in stock"),
    "web.staff.listed": ("在售", "Listed"),
    "web.staff.bad_quantity": (
        "请输入0至1000000之间的整数。",
        "Enter a whole number from 0 to 1,000,000.",
    ),
    "web.staff.bad_choice": ("请从列表中选择。", "Choose one from the list."),
    "web.staff.stock_of": ("{province}：{n}", "{province}: {n}"),
}
register(TEXTS)
if (STAFF, "web.staff.console.loyalty") not in staff_console.CONSOLES:
    staff_console.CONSOLES.append((STAFF, "web.staff.console.loyalty"))


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
