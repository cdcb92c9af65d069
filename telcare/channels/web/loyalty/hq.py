"""Loyalty pages: the points mall in the business hall (``/hall/points``), the partner
merchant's code check (``/merchant``) and the staff console (``/staff/loyalty``).

Thin: each handler parses its form, calls :mod:`telcare.services.loyalty` once and
answers (GET renders; POST redirects with a flash). A redemption is confirmed on
this page's own confirm step (the package page's confirm is for packages).
Merchants log in with their merchant ID and password; their session holds a
merchant token, apart from the subscriber's login.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from telcare import clock
from telcare.channels.api.deps import get_db
from telcare.channels.web import staff as staff_console
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import lang_of, require_csrf, require_msisdn, require_staff
from telcare.domain import loyalty as rules
from telcare.domain.access import Principal
from telcare.domain.catalog import Brand
from telcare.domain.errors import DomainError, InvalidInput
from telcare.domain.messages import register, render
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
    now = clock.now()
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


# --- the staff console: catalog, rules, campaigns, merchants (headquarters) ----------------

Code = Annotated[str, Form(max_length=20)]
Many = Annotated[list[str], Form()]
Flag = Annotated[str, Form(max_length=5)]


def _day(text: str) -> date | None:
    """An optional ISO day from a form; a bad one is refused."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput("web.staff.bad_date", value=text[:20]) from exc


def _required_day(text: str) -> date:
    day = _day(text)
    if day is None:
        raise InvalidInput("web.staff.bad_date", value="-")
    return day


@router.get(STAFF + "/gift", response_class=HTMLResponse)
def staff_gift_form(
    request: Request, db: Db, who: Staff, code: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    """The gift form: empty for a new gift, filled in for ``code``."""
    form = None
    if code:
        try:
            form = loyalty.gift_form(db, code)
        except DomainError as err:
            _error(request, err)
            return redirect(STAFF)
    return page(
        request,
        "loyalty/staff_gift.html",
        {
            "form": form,
            "staff": who,
            "brands": list(Brand),
            "provinces": PROVINCES,
            "kinds": list(rules.GiftKind),
            "merchants": loyalty.merchants(db),
        },
    )


@router.post(STAFF + "/gift", dependencies=CSRF)
def staff_gift_save(
    request: Request,
    db: Db,
    who: Staff,
    code: Code,
    name_zh: Text,
    name_en: Text,
    points: Annotated[int, Form(ge=1, le=10_000_000)],
    kind: Annotated[str, Form(max_length=10)],
    brands: Many | None = None,
    provinces: Many | None = None,
    service: Annotated[str, Form(max_length=10)] = "",
    active: Flag = "",
    description_zh: Annotated[str, Form(max_length=2000)] = "",
    description_en: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Create or edit a gift (HQ)."""
    form = loyalty.GiftForm(
        code,
        name_zh,
        name_en,
        points,
        kind,
        brands or None,
        provinces or None,
        int(service) if service.isdigit() else None,
        bool(active),
        description_zh,
        description_en,
    )
    try:
        saved = loyalty.save_gift(db, who, form)
    except DomainError as err:
        _error(request, err)
        return redirect(STAFF + "/gift", code=code if who.is_headquarters else "")
    flash(request, "ok", "web.staff.gift_saved", code=saved.code)
    return redirect(STAFF)


@router.post(STAFF + "/gift/{code}/active", dependencies=CSRF)
def staff_gift_active(
    request: Request, db: Db, who: Staff, code: str, active: Flag = ""
) -> Response:
    """List (``active=1``) or withdraw a gift (HQ)."""
    try:
        loyalty.set_gift_active(db, who, code, bool(active))
        state = "web.staff.list" if active else "web.staff.withdraw"
        flash(
            request, "ok", "web.staff.listed_ok", code=code, state=render(state, lang_of(request))
        )
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF)


@router.get(STAFF + "/rules", response_class=HTMLResponse)
def staff_rules(
    request: Request,
    db: Db,
    who: Staff,
    rule: Annotated[int | None, Query()] = None,
    campaign: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """Accrual rules and campaigns; ``rule``/``campaign`` fill in their edit forms."""
    all_rules = loyalty.accrual_rules(db)
    all_campaigns = loyalty.campaigns(db)
    return page(
        request,
        "loyalty/staff_rules.html",
        {
            "staff": who,
            "rules": all_rules,
            "campaigns": all_campaigns,
            "rule": next((r for r in all_rules if r.id == rule), None),
            "campaign": next((c for c in all_campaigns if c.code == campaign), None),
            "tiers": loyalty.tiers(db),
            "brands": list(Brand),
            "sources": list(rules.Source),
        },
    )


@router.post(STAFF + "/rules", dependencies=CSRF)
def staff_rule_save(
    request: Request,
    db: Db,
    who: Staff,
    source: Annotated[str, Form(max_length=10)],
    points_per_yuan: Annotated[str, Form(max_length=12)],
    valid_from: Annotated[str, Form(max_length=10)],
    valid_to: Annotated[str, Form(max_length=10)] = "",
    brand: Annotated[str, Form(max_length=10)] = "",
    tier: Annotated[str, Form(max_length=12)] = "",
    rule_id: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Create or edit an accrual rule (HQ)."""
    try:
        saved = loyalty.save_rule(
            db,
            who,
            rule_id=int(rule_id) if rule_id.isdigit() else None,
            source=source,
            brand=brand or None,
            tier=tier or None,
            points_per_yuan=points_per_yuan,
            valid_from=_required_day(valid_from),
            valid_to=_day(valid_to),
        )
        flash(request, "ok", "web.staff.rule_saved", id=saved.id)
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF + "/rules")


@router.post(STAFF + "/campaigns", dependencies=CSRF)
def staff_campaign_save(
    request: Request,
    db: Db,
    who: Staff,
    code: Code,
    name_zh: Text,
    name_en: Text,
    source: Annotated[str, Form(max_length=10)],
    starts_on: Annotated[str, Form(max_length=10)],
    ends_on: Annotated[str, Form(max_length=10)],
    multiplier: Annotated[str, Form(max_length=12)] = "1",
    bonus_per_yuan: Annotated[str, Form(max_length=12)] = "0",
    brands: Many | None = None,
) -> Response:
    """Create or edit a campaign (HQ)."""
    try:
        saved = loyalty.save_campaign(
            db,
            who,
            loyalty.CampaignView(
                code,
                name_zh,
                name_en,
                source,
                brands or None,
                _required_day(starts_on),
                _required_day(ends_on),
                _number(multiplier),
                _number(bonus_per_yuan),
            ),
        )
        flash(request, "ok", "web.staff.campaign_saved", code=saved.code)
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF + "/rules")


def _number(text: str) -> Decimal:
    try:
        return Decimal(text.strip() or "0")
    except ArithmeticError as exc:
        raise InvalidInput("loyalty.bad_field", field="#", value=text[:20]) from exc


@router.get(STAFF + "/merchants", response_class=HTMLResponse)
def staff_merchants(
    request: Request, db: Db, who: Staff, code: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    """Partner merchants and their services; ``code`` fills in the merchant form."""
    all_merchants = loyalty.merchants(db)
    return page(
        request,
        "loyalty/staff_merchants.html",
        {
            "staff": who,
            "merchants": all_merchants,
            "merchant": next((mc for mc in all_merchants if mc.code == code), None),
            "provinces": PROVINCES,
        },
    )


@router.post(STAFF + "/merchants", dependencies=CSRF)
def staff_merchant_save(
    request: Request,
    db: Db,
    who: Staff,
    code: Code,
    name_zh: Text,
    name_en: Text,
    province: Annotated[str, Form(max_length=2)],
    settlement_fen_per_point: Annotated[str, Form(max_length=12)] = "1",
    active: Flag = "",
) -> Response:
    """Create (a password is shown once) or edit a partner merchant (HQ)."""
    try:
        password = loyalty.save_merchant(
            db,
            who,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            province=province,
            settlement_fen_per_point=settlement_fen_per_point,
            active=bool(active),
        )
        if password:
            flash(request, "ok", "web.staff.merchant_created", code=code.upper(), password=password)
        else:
            flash(request, "ok", "web.staff.merchant_saved", code=code.upper())
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF + "/merchants")


@router.post(STAFF + "/services", dependencies=CSRF)
def staff_service_save(
    request: Request,
    db: Db,
    who: Staff,
    merchant: Code,
    code: Code,
    name_zh: Text,
    name_en: Text,
    valid_days: Annotated[int, Form(ge=1, le=3660)] = 30,
) -> Response:
    """Create or edit a merchant service (HQ)."""
    try:
        saved = loyalty.save_service(
            db,
            who,
            merchant_code=merchant,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            valid_days=valid_days,
        )
        flash(request, "ok", "web.staff.service_saved", code=saved.code)
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF + "/merchants")
