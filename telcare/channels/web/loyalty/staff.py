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
from telcare.domain.messages import register
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
}
register(TEXTS)
if (STAFF, "web.staff.console.loyalty") not in staff_console.CONSOLES:
    staff_console.CONSOLES.append((STAFF, "web.staff.console.loyalty"))


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
