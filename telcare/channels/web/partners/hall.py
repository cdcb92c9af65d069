"""Partner (SP) pages: the public A-tier disclosure (``/partners/disclosed``), the SP
portal (``/sp``), the staff console (``/staff/partners``) and the subscriber's SP
services on the business hall (``/hall/sp``).

Thin: each handler parses its form, calls :mod:`telcare.services.partners` (or
:mod:`telcare.services.orders` for the confirm step) and answers; GET renders, POST
redirects (303) with a flash. An SP order is held pending until the subscriber
confirms on the page (:func:`orders.confirm`, the same pending order as ``Y`` to
10086); nothing is charged before. Forms that change something carry a key, so a
double submit shows the first outcome and has one effect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from telcare import clock
from telcare.channels.api.deps import get_db
from telcare.channels.web import staff as staff_console
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import (
    LoginRequired,
    lang_of,
    log_in,
    log_out,
    require_csrf,
    require_msisdn,
    require_staff,
)
from telcare.config import get_settings
from telcare.domain import partners as rules
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import DomainError, NothingPending, NotSubscribed
from telcare.domain.messages import register
from telcare.domain.money import fen_to_yuan
from telcare.domain.months import month_of
from telcare.services import auth, orders, partners
from telcare.services.idempotency import check_key, run_once
from telcare.store.uow import Database, UnitOfWork

router = APIRouter(include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
Staff = Annotated[Principal, Depends(require_staff)]
CSRF = [Depends(require_csrf)]
Key = Annotated[str, Form(max_length=100)]
MonthField = Annotated[str, Form(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
PUBLIC = "/partners/disclosed"
PORTAL = "/sp"
HALL = "/hall/sp"
STAFF = "/staff/partners"

register(
    {
        "web.sp.disclosed_title": ("A级服务提供商公示", "A-tier service providers"),
        "web.sp.disclosed_intro": (
            "以下服务提供商在{month}信用评价中获评A级（90分以上且当月无违规）。",
            "These service providers scored A for {month} (90 or more, no violation that month).",
        ),
        "web.sp.disclosed_none": ("暂无公示。", "Nothing published yet."),
        "web.sp.access_code": ("接入码", "Access code"),
        "web.sp.name": ("名称", "Name"),
        "web.sp.score": ("信用分", "Score"),
        "web.sp.tier": ("等级", "Tier"),
        "web.sp.status": ("状态", "Status"),
        "web.sp.status.active": ("正常", "Active"),
        "web.sp.status.suspended": ("暂停", "Suspended"),
        "web.sp.status.terminated": ("终止", "Terminated"),
        "web.sp.portal": ("合作伙伴门户", "Partner portal"),
        "web.sp.login": ("合作伙伴登录", "Partner sign-in"),
        "web.sp.password": ("密码", "Password"),
        "web.sp.sign_in": ("登录", "Sign in"),
        "web.sp.sign_out": ("退出", "Sign out"),
        "web.sp.services": ("业务", "Services"),
        "web.sp.service": ("业务", "Service"),
        "web.sp.price": ("资费", "Price"),
        "web.sp.per_month": ("{price}元/月", "{price} yuan/month"),
        "web.sp.subscribers": ("订购用户数", "Subscribers"),
        "web.sp.complaints": ("投诉 {n} 件", "{n} complaints"),
        "web.sp.violations": ("违规记录", "Violations"),
        "web.sp.no_violations": ("无违规记录。", "No violations."),
        "web.sp.type": ("类型", "Type"),
        "web.sp.source": ("来源", "Source"),
        "web.sp.points": ("扣分", "Points"),
        "web.sp.fine": ("罚款", "Fine"),
        "web.sp.when": ("时间", "When"),
        "web.sp.serious": ("严重", "serious"),
        "web.sp.revoked": ("已撤销", "revoked"),
        "web.sp.history": ("信用等级记录", "Tier history"),
        "web.sp.month": ("月份", "Month"),
        "web.sp.no_scores": ("尚无评分。", "Not scored yet."),
        "web.sp.vtype.unconfirmed_charge": ("未经确认收费", "Unconfirmed charge"),
        "web.sp.vtype.spam": ("垃圾短信", "Spam"),
        "web.sp.vtype.false_advertising": ("虚假宣传", "False advertising"),
        "web.sp.vtype.unsub_obstruction": ("阻碍退订", "Obstructing cancellation"),
        "web.sp.vtype.illegal_content": ("违法内容", "Illegal content"),
        "web.sp.vtype.inspection_minor": ("检查轻微问题", "Minor inspection finding"),
        "web.sp.console": ("合作伙伴管理", "Partner (SP) governance"),
        "web.staff.console.partners": ("合作伙伴（SP）管理", "Partner (SP) governance"),
        "web.sp.all": ("全部服务提供商", "All service providers"),
        "web.sp.actions": ("处理记录", "Actions taken"),
        "web.sp.action": ("处理", "Action"),
        "web.sp.report": ("年度报告", "Yearly report"),
        "web.sp.inspect": ("登记检查结果", "Record an inspection"),
        "web.sp.evidence": ("证据说明", "Evidence"),
        "web.sp.record": ("登记", "Record"),
        "web.sp.recorded": (
            "已登记{sp}的违规（扣{points}分）。",
            "Violation of {sp} recorded ({points} points).",
        ),
        "web.sp.run_month": ("月度信用评价（总部）", "Monthly scoring (headquarters)"),
        "web.sp.run_fees": ("月度收费（总部）", "Fee run (headquarters)"),
        "web.sp.run": ("执行", "Run"),
        "web.sp.month_done": (
            "{month}评价完成：{n}家，A级{a}家。",
            "{month} scored: {n} SPs, {a} in tier A.",
        ),
        "web.sp.fees_done": (
            "{month}收费完成：新收{charged}笔，共{amount}元；已收{already}笔，待重新确认{held}笔，余额不足{short}笔。",
            "{month} fees: {charged} charged ({amount} yuan), {already} already, "
            "{held} held for re-confirmation, {short} short of balance.",
        ),
        "web.sp.hq_only": ("仅总部人员可执行此操作。", "Headquarters staff only."),
        "web.sp.none": ("无。", "None."),
        "web.sp.year": ("年份", "Year"),
        "web.sp.show": ("查看", "Show"),
        "web.sp.r.violations_handled": ("处理违规", "Violations handled"),
        "web.sp.r.billing_violations": ("计费类违规", "Billing violations"),
        "web.sp.r.fines": ("罚款合计", "Fines"),
        "web.sp.r.suspended": ("暂停合作", "SPs suspended"),
        "web.sp.r.terminated": ("终止合作", "SPs terminated"),
        "web.sp.r.refunds": ("退费笔数", "Refunds"),
        "web.sp.r.refunds_fen": ("退费金额", "Refunded"),
        "web.sp.r.disclosed": ("获公示", "SPs disclosed"),
        "web.sp.r.consents": ("用户确认", "Consents"),
        "web.sp.r.fees": ("收费笔数", "Fees"),
        "web.sp.hall": ("增值业务", "Value-added services"),
        "web.sp.mine": ("我订购的增值业务", "My value-added services"),
        "web.sp.catalog": ("可订购的增值业务", "Services you may order"),
        "web.sp.order": ("订购", "Order"),
        "web.sp.cancel": ("退订", "Cancel"),
        "web.sp.state.pending": ("待确认", "Waiting for your confirmation"),
        "web.sp.state.active": ("已开通", "Active"),
        "web.sp.reconfirm": ("需重新确认", "Needs your confirmation again"),
        "web.sp.nothing": ("您没有订购增值业务。", "You have no value-added services."),
        "web.sp.confirm_title": ("请确认订购", "Please confirm the order"),
        "web.sp.confirm_text": (
            "订购{sp}的{name}，资费{price}元/月，由{sp}提供。确认后才收费。",
            "Order {name} from {sp} at {price} yuan/month. Nothing is charged before you confirm.",
        ),
        "web.sp.confirm_expires": ("请在{when}前确认。", "Confirm before {when}."),
        "web.sp.confirm": ("确认订购", "Confirm order"),
        "web.sp.decline": ("不订了", "Cancel"),
        "web.sp.pending": (
            "请在下方确认订购（也可回复10086的短信Y），确认前不收费。",
            "Confirm below (or reply Y to the SMS from 10086); nothing is charged before.",
        ),
        "web.sp.declined": ("已取消订购{name}，未收费。", "{name} not ordered; nothing charged."),
        "web.sp.other_pending": (
            "您待确认的是套餐订单，请到“套餐”页确认。",
            "Your pending order is a package: confirm it on the packages page.",
        ),
        "web.sp.cancel_note": (
            "退订即时生效，不再收取后续费用。",
            "Cancelling takes effect at once; no further fees.",
        ),
    }
)
if (STAFF + "/", "web.staff.console.partners") not in staff_console.CONSOLES:
    staff_console.CONSOLES.append((STAFF + "/", "web.staff.console.partners"))


def _error(request: Request, err: DomainError) -> None:
    flash(request, "error", err.key, **err.params)


def _principal(request: Request) -> Principal | None:
    token = request.session.get("token")
    if not isinstance(token, str):
        return None
    try:
        return auth.read_token(token, get_settings().secret_key)
    except DomainError:
        return None


def require_sp(request: Request) -> Principal:
    """Dependency of the SP portal: the session's SP, or a redirect to the SP login."""
    who = _principal(request)
    if who is None or who.kind is not Kind.SP:
        raise HTTPException(303, headers={"Location": PORTAL + "/login"})
    return who


def require_subscriber(request: Request, msisdn: Msisdn) -> Principal:
    """The logged-in subscriber as a principal (hall pages; no login → the hall login)."""
    who = _principal(request)
    if who is None or who.kind is not Kind.SUBSCRIBER or who.subject != msisdn:
        raise LoginRequired
    return who


Sp = Annotated[Principal, Depends(require_sp)]
Subscriber = Annotated[Principal, Depends(require_subscriber)]


def _denied(request: Request) -> Response:
    return page(request, "partners/denied.html", status=403)


# --- form keys ----------------------------------------------------------------------------


class _NotRecorded(Exception):
    pass


def _recorded(db: Database, op: str, key: str, payload: dict[str, str]) -> dict[str, Any] | None:
    def missing(_uow: UnitOfWork) -> dict[str, Any]:
        raise _NotRecorded

    try:
        return run_once(db, op, key, payload, missing)
    except _NotRecorded:
        return None


def _once(
    db: Database,
    op: str,
    key: str,
    subject: str,
    call: Callable[[], dict[str, Any]],
    repeat: type[DomainError] | None,
) -> dict[str, Any]:
    """Run ``call`` once per form key; a repeated form gets the first outcome back
    (also when it loses a race and the service answers ``repeat``)."""
    check_key(key)
    payload = {"subject": subject}
    earlier = _recorded(db, op, key, payload)
    if earlier is not None:
        return earlier
    try:
        result = call()
    except DomainError as err:
        if repeat is None or not isinstance(err, repeat):
            raise
        earlier = _recorded(db, op, key, payload)
        if earlier is None:
            raise
        return earlier
    return run_once(db, op, key, payload, lambda _uow: result)


def _flash_outcome(request: Request, out: dict[str, Any]) -> None:
    params = dict(out["params"])
    if "names" in out:
        params["name"] = out["names"][1 if lang_of(request) == "en" else 0]
    flash(request, "ok", out["msg"], **params)


# --- public disclosure --------------------------------------------------------------------


@router.get(PUBLIC, response_class=HTMLResponse)
def disclosure(
    request: Request,
    db: Db,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = None,
) -> Response:
    """The A-tier SPs of ``month`` (default: the latest published); no login."""
    rows = partners.disclosed(db, month)
    return page(request, "partners/disclosed.html", {"rows": rows, "month": month})


# --- the SP portal ------------------------------------------------------------------------


@router.get(PORTAL + "/login", response_class=HTMLResponse)
def sp_login_page(request: Request) -> Response:
    return page(request, "partners/sp_login.html")


@router.post(PORTAL + "/login", dependencies=CSRF)
def sp_login(
    request: Request,
    db: Db,
    access_code: Annotated[str, Form(max_length=20)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        who = partners.authenticate_sp(db, access_code.strip(), password)
    except DomainError as err:
        _error(request, err)
        return redirect(PORTAL + "/login")
    log_in(request, who, lang_of(request))
    return redirect(PORTAL + "/")


@router.post(PORTAL + "/logout", dependencies=CSRF)
def sp_logout(request: Request) -> Response:
    log_out(request)
    return redirect(PORTAL + "/login")


@router.get(PORTAL + "/", response_class=HTMLResponse)
def sp_home(
    request: Request, db: Db, who: Sp, code: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    """The SP's own services, subscribers, complaints, violations and tiers; another
    SP's code (``?code=``) is refused by the service."""
    try:
        view = partners.overview(db, who, code or who.subject)
    except DomainError:
        return _denied(request)
    return page(request, "partners/sp_portal.html", {"sp": view})


# --- the subscriber's SP services on the hall ------------------------------------------------


@router.get(HALL, response_class=HTMLResponse)
def hall_page(request: Request, db: Db, who: Subscriber) -> Response:
    subs = partners.subscriptions(db, who, who.subject)
    pending = orders.pending(db, who.subject)
    waiting = {s.service_code: s for s in subs if s.state == "pending" or s.needs_reconfirm}
    sp_pending = waiting.get(pending.offer.code) if pending else None
    return page(
        request,
        "partners/hall.html",
        {
            "subs": subs,
            "pending": pending if sp_pending else None,
            "pending_sp": sp_pending,
            "catalog": partners.catalog(db),
            "mine": {s.service_code for s in subs if s.state == "active" and not s.needs_reconfirm},
        },
    )


@router.post(HALL + "/order", dependencies=CSRF)
def hall_order(
    request: Request,
    db: Db,
    who: Subscriber,
    access_code: Annotated[str, Form(max_length=20)],
    code: Annotated[str, Form(max_length=12)],
    key: Key,
) -> Response:
    """First step: the order is held pending; the page then shows the confirm step."""

    def call() -> dict[str, Any]:
        partners.request(db, who.subject, access_code, code, channel="web")
        return {"msg": "web.sp.pending", "params": {}}

    try:
        _flash_outcome(request, _once(db, "web.sp.order", key, who.subject, call, None))
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


@router.post(HALL + "/confirm", dependencies=CSRF)
def hall_confirm(request: Request, db: Db, who: Subscriber, key: Key) -> Response:
    """Second step, the only one that charges: :func:`orders.confirm` (as ``Y``)."""

    def call() -> dict[str, Any]:
        subs = partners.subscriptions(db, who, who.subject)
        pending = orders.pending(db, who.subject)
        if pending is None:
            raise NothingPending("order.nothing_pending")
        if not any(s.service_code == pending.offer.code and s.state != "cancelled" for s in subs):
            return {"msg": "web.sp.other_pending", "params": {}}
        done = orders.confirm(db, who.subject)
        names = [pending.offer.name_zh, pending.offer.name_en]
        if isinstance(done, orders.Subscribed):  # a package replaced the SP order meanwhile
            return {"msg": "web.sp.other_pending", "params": {}}
        return {"msg": done.message_key, "params": dict(done.message_params), "names": names}

    try:
        _flash_outcome(request, _once(db, "web.sp.confirm", key, who.subject, call, NothingPending))
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


@router.post(HALL + "/decline", dependencies=CSRF)
def hall_decline(request: Request, db: Db, who: Subscriber, key: Key) -> Response:
    """Drop the pending order; nothing is charged."""

    def call() -> dict[str, Any]:
        offer = orders.decline(db, who.subject)
        return {"msg": "web.sp.declined", "params": {}, "names": [offer.name_zh, offer.name_en]}

    try:
        _flash_outcome(request, _once(db, "web.sp.decline", key, who.subject, call, NothingPending))
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


@router.post(HALL + "/cancel", dependencies=CSRF)
def hall_cancel(
    request: Request,
    db: Db,
    who: Subscriber,
    subscription: Annotated[int, Form(ge=1)],
    key: Key,
) -> Response:
    """Cancel one SP service at once (no further fee)."""

    def call() -> dict[str, Any]:
        done = partners.cancel_subscription(db, who, subscription, channel="web")
        sp = next((s.sp_name for s in partners.subscriptions(db, who, who.subject,
                                                              include_cancelled=True)
                   if s.id == subscription), "")  # fmt: skip
        names = [done.offer.name_zh, done.offer.name_en]
        return {"msg": "sp.cancelled", "params": {"sp": sp}, "names": names}

    try:
        _flash_outcome(request, _once(db, "web.sp.cancel", key, who.subject, call, NotSubscribed))
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


# --- the staff console ------------------------------------------------------------------------


def _this_month() -> str:
    return month_of(clock.now())


@router.get(STAFF + "/", response_class=HTMLResponse)
def console(request: Request, db: Db, who: Staff) -> Response:
    """Every SP with its latest tier and score, the inspection form and the runs."""
    return page(
        request,
        "partners/staff_sps.html",
        {
            "staff": who,
            "sps": partners.all_sps(db, who),
            "types": [t.value for t in rules.ViolationType],
            "month": _this_month(),
        },
    )


@router.get(STAFF + "/violations", response_class=HTMLResponse)
def violations(request: Request, db: Db, who: Staff) -> Response:
    rows = sorted(
        ((sp.name, v) for sp in partners.all_sps(db, who) for v in sp.violations),
        key=lambda r: r[1].occurred_at,
        reverse=True,
    )
    return page(request, "partners/staff_violations.html", {"rows": rows})


@router.post(STAFF + "/inspections", dependencies=CSRF)
def inspect(
    request: Request,
    db: Db,
    who: Staff,
    access_code: Annotated[str, Form(max_length=20)],
    type: Annotated[str, Form(max_length=30)],
    evidence: Annotated[str, Form(min_length=1, max_length=2000)],
    key: Key,
) -> Response:
    """Record a violation found by staff; the form key is its source reference (once)."""
    try:
        check_key(key)
        v = partners.record_inspection(db, who, access_code, type, evidence, ref=key)
        flash(request, "ok", "web.sp.recorded", sp=v.access_code, points=v.penalty_points)
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF + "/")


@router.post(STAFF + "/run-month", dependencies=CSRF)
def run_month(request: Request, db: Db, who: Staff, month: MonthField) -> Response:
    """Headquarters: score the month, disclose tier A, apply the policy (idempotent)."""
    if not who.is_headquarters:
        return _denied(request)
    results = partners.run_month(db, month)
    a = sum(1 for r in results if r.tier == "A")
    flash(request, "ok", "web.sp.month_done", month=month, n=len(results), a=a)
    return redirect(STAFF + "/")


@router.post(STAFF + "/run-fees", dependencies=CSRF)
def run_fees(request: Request, db: Db, who: Staff, month: MonthField) -> Response:
    """Headquarters: charge the month to confirmed subscriptions, once each."""
    if not who.is_headquarters:
        return _denied(request)
    r = partners.run_fees(db, month)
    flash(
        request,
        "ok",
        "web.sp.fees_done",
        month=month,
        charged=r.charged,
        amount=fen_to_yuan(r.charged_fen),
        already=r.already,
        held=r.held_reconfirm,
        short=r.insufficient,
    )
    return redirect(STAFF + "/")


@router.get(STAFF + "/actions", response_class=HTMLResponse)
def actions(request: Request, db: Db, who: Staff) -> Response:
    """The governance audit trail (headquarters)."""
    try:
        rows = partners.actions(db, who)
    except DomainError:
        return _denied(request)
    return page(request, "partners/staff_actions.html", {"rows": rows})


@router.get(STAFF + "/report", response_class=HTMLResponse)
def report(
    request: Request,
    db: Db,
    who: Staff,
    year: Annotated[int | None, Query(ge=2000, le=2999)] = None,
) -> Response:
    year = year or clock.now().year
    return page(
        request,
        "partners/staff_report.html",
        {"report": partners.yearly_report(db, year), "year": year},
    )
