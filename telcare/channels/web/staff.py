"""Staff sign-in and the console's front page (``/staff``).

Staff sign in with username and password (:func:`telcare.services.auth.authenticate_staff`);
the session then holds a staff token, which every console page checks with
:func:`telcare.channels.web.security.require_staff`. What a member of staff sees is
scoped by their province (headquarters sees every province).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import iter_route_contexts
from jinja2 import pass_context
from jinja2.runtime import Context

from telcare.channels.api.deps import client_address, get_db
from telcare.channels.guard_marks import declaration
from telcare.channels.guards import caller, public, requires
from telcare.channels.web.render import flash, page, redirect, templates
from telcare.channels.web.security import (
    current_staff,
    lang_of,
    log_in,
    log_out,
    require_csrf,
    require_staff,
)
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import DomainError
from telcare.domain.messages import known, register, render
from telcare.domain.roles import allowed
from telcare.services import auth
from telcare.store.uow import Database

router = APIRouter(prefix="/staff", include_in_schema=False)
CSRF = [Depends(require_csrf)]

CONSOLES: list[tuple[str, str]] = [("/staff/antispam/", "web.staff.console.antispam")]
"""Console sections (path, title key); capabilities append theirs when their router loads."""

register(
    {
        "web.staff.login": ("员工登录", "Staff sign-in"),
        "web.staff.username": ("用户名", "Username"),
        "web.staff.password": ("密码", "Password"),
        "web.staff.sign_in": ("登录", "Sign in"),
        "web.staff.sign_out": ("退出", "Sign out"),
        "web.staff.console": ("员工工作台", "Staff console"),
        "web.staff.signed_in_as": ("{user}（{province}，{role}）", "{user} ({province}, {role})"),
        "web.staff.console.antispam": ("垃圾短信举报平台", "Spam reporting platform"),
        "web.staff.console_title": ("客户服务与质量管理工作台", "Staff console"),
        "web.staff.menu": ("工作台菜单", "Console menu"),
        "web.staff.role.admin": ("管理员", "administrator"),
        "web.staff.role.agent": ("坐席", "agent"),
        "web.staff.hq": ("总部", "Headquarters"),
    }
)


CODES: dict[str, tuple[str, str]] = {
    # codes the console pages show, said in words (code(family, value) in a template)
    "web.code.sender_status.clear": ("正常", "clear"),
    "web.code.sender_status.flagged": ("已标记", "flagged"),
    "web.code.sender_status.restricted": ("已限制发送", "restricted"),
    "web.code.sender_kind.on_net": ("本网号码", "on-net number"),
    "web.code.sender_kind.off_net": ("他网号码", "off-net number"),
    "web.code.sender_kind.sp": ("SP端口", "SP port"),
    "web.code.channel.sms": ("短信", "SMS"),
    "web.code.channel.web": ("网上营业厅", "online hall"),
    "web.code.channel.hall": ("网上营业厅", "online hall"),
    "web.code.channel.api": ("接口", "API"),
    "web.code.channel.console": ("客服代登记", "agent"),
    "web.code.channel.chat": ("在线客服", "online chat"),
    "web.code.channel.shop": ("营业厅", "shop"),
    "web.code.channel.hotline": ("10086热线", "10086 hotline"),
    "web.code.channel.ticket": ("投诉处理", "complaint"),
    "web.code.channel.g3": ("G3开通", "G3 subscription"),
    "web.code.channel.online": ("网上营业厅", "online hall"),
    "web.code.spam_action.flag": ("标记", "flagged"),
    "web.code.spam_action.unflag": ("撤销标记", "unflagged"),
    "web.code.spam_action.dismiss": ("无违规", "no violation"),
    "web.code.spam_action.confirm": ("确认违规", "violation confirmed"),
    "web.code.spam_action.appeal": ("申诉", "appeal"),
    "web.code.spam_action.restrict_outbound": ("限制发送", "sending restricted"),
    "web.code.spam_action.sp_violation": ("记SP违规", "SP violation recorded"),
    "web.code.spam_action.enterprise_add": ("加入企业白名单", "enterprise sender added"),
    "web.code.spam_action.enterprise_remove": ("移出企业白名单", "enterprise sender removed"),
    "web.code.dim.province": ("省份", "province"),
    "web.code.dim.channel": ("渠道", "channel"),
    "web.code.dim.shop": ("营业厅", "shop"),
    "web.code.dim.template": ("问卷模板", "template"),
    "web.code.dim.version": ("版本", "version"),
    "web.code.dim.month": ("月份", "month"),
    "web.code.col.id": ("编号", "ID"),
    "web.code.col.created_at": ("创建时间", "Created"),
    "web.code.col.category": ("分类", "Category"),
    "web.code.col.channel": ("渠道", "Channel"),
    "web.code.col.status": ("状态", "Status"),
    "web.code.col.summary": ("标题", "Title"),
    "web.code.col.resolve_by": ("解决时限", "Resolve by"),
    "web.code.col.resolved_at": ("解决时间", "Resolved"),
    "web.code.col.msisdn": ("号码", "Number"),
    "web.code.col.sender": ("发送号码", "Sender"),
    "web.code.col.reporter": ("举报人", "Reporter"),
    "web.code.col.text": ("内容", "Text"),
    "web.code.col.handled_at": ("处理时间", "Handled"),
    "web.code.col.gift_code": ("礼品", "Gift"),
    "web.code.col.delivered_at": ("签收时间", "Delivered"),
    "web.code.col.score": ("得分", "Score"),
    "web.code.col.trigger": ("触发", "Trigger"),
    "web.code.col.sent_at": ("发送时间", "Sent"),
    "web.code.col.state": ("状态", "State"),
    "web.code.col.reason": ("原因", "Reason"),
    "web.code.col.ref": ("记录", "Record"),
    "web.code.col.amount_fen": ("金额（分）", "Amount (fen)"),
    "web.code.case_status.open": ("待处理", "open"),
    "web.code.case_status.investigating": ("调查中", "under investigation"),
    "web.code.case_status.upheld": ("已查实", "upheld"),
    "web.code.case_status.dismissed": ("不成立", "dismissed"),
    "web.code.action_status.open": ("整改中", "open"),
    "web.code.action_status.done": ("已完成，待验证", "done, to be verified"),
    "web.code.action_status.closed": ("已验证关闭", "verified and closed"),
    "web.code.launch_kind.product": ("产品资费", "product"),
    "web.code.launch_kind.sp_service": ("SP业务", "SP service"),
    "web.code.launch_status.testing": ("测试中", "testing"),
    "web.code.launch_status.passed": ("测试通过", "passed"),
    "web.code.launch_status.legacy": ("存量产品", "legacy"),
    "web.code.login_kind.account.deleted": ("删除账号", "account deleted"),
    "web.code.login_kind.account.logged_out": ("退出登录", "logged out"),
    "web.code.login_kind.account.password": ("修改密码", "password changed"),
    "web.code.login_kind.login.address_blocked": ("封禁地址", "address blocked"),
    "web.code.login_kind.login.address_unblocked": ("解封地址", "address unblocked"),
    "web.code.login_kind.login.locked": ("账号锁定", "account locked"),
    "web.code.login_kind.login.staff": ("员工登录", "staff sign-in"),
    "web.code.login_kind.login.unlocked": ("解除锁定", "account unlocked"),
    "web.code.sp_action.none": ("不处理", "none"),
    "web.code.sp_action.suspend": ("暂停业务", "suspended"),
    "web.code.sp_action.reinstate": ("恢复业务", "reinstated"),
    "web.code.sp_action.terminate": ("终止合作", "terminated"),
    "web.code.mt_action.deliver": ("投递", "delivered"),
    "web.code.mt_action.quarantine": ("隔离", "quarantined"),
    "web.code.mt_action.stop": ("拦截", "stopped"),
    "web.code.mt_reason.sender_restricted": ("发送方已限制", "sender restricted"),
    "web.code.mt_reason.allowlist": ("白名单", "allowlist"),
    "web.code.mt_reason.blocked_number": ("拦截号码", "blocked number"),
    "web.code.mt_reason.blocked_prefix": ("拦截号段", "blocked prefix"),
    "web.code.mt_reason.keyword": ("关键词", "keyword"),
    "web.code.mt_reason.sender_flagged": ("被举报号码", "reported sender"),
    "web.code.mt_reason.classifier": ("智能识别", "classifier"),
    "web.code.mt_reason.enterprise": ("企业白名单", "enterprise sender"),
    "web.code.mt_reason.clean": ("正常短信", "clean"),
    "web.code.all_provinces": ("全部省份", "All provinces"),
    "web.code.national": ("全国", "National"),
}
register(CODES)


def code_text(lang: str, family: str, value: object) -> str:
    """A code of ``family`` in words (``web.code.<family>.<value>``); an unknown code as is."""
    if value is None:
        return ""
    key = f"web.code.{family}.{value}"
    return render(key, lang) if known(key) else str(value)


ORDER = (
    "/staff/complaints/", "/staff/quality/", "/staff/antispam/", "/staff/loyalty",
    "/staff/partners/", "/staff/surveys/", "/staff/club/", "/staff/chat/", "/staff/van/",
    "/staff/jobs/", "/staff/logins/",
)  # fmt: skip
"""The order of the menu (who sees a section is the matrix's answer, never this list)."""


@dataclass(frozen=True, slots=True)
class MenuItem:
    """One console section in the menu: its path, title key, and whether the page is in it."""

    href: str
    key: str
    current: bool
    exact: bool


def _route_action(dependant: Dependant) -> str | None:
    """The role-matrix action a route (or one of its sub-dependencies) declares."""
    for dep in dependant.dependencies:
        found = declaration(dep.call)
        if found is not None and found[0] == "action":
            return found[1]
        nested = _route_action(dep)
        if nested is not None:
            return nested
    return None


def section_actions(app: FastAPI) -> dict[str, str | None]:
    """Each console section's action, read from the GET route that serves its path (so the
    menu asks :data:`telcare.domain.roles.MATRIX`, never a list of its own); cached."""
    cached: dict[str, str | None] | None = getattr(app.state, "console_actions", None)
    if cached is None:
        routes = {
            r.path: r.dependant
            for r in iter_route_contexts(app.routes)
            if "GET" in (getattr(r, "methods", None) or ()) and getattr(r, "dependant", None)
        }
        cached = {
            href: (_route_action(routes[href]) if href in routes else None)
            for href, _key in CONSOLES
        }
        app.state.console_actions = cached
    return cached


def console_menu(request: Request) -> list[MenuItem]:
    """The sections the signed-in member of staff may open, the current one marked."""
    who = caller(request)
    if who is None or who.kind is not Kind.STAFF:
        return []
    actions = section_actions(request.app)
    path = request.url.path
    mine = sorted(
        (
            (href, key)
            for href, key in CONSOLES
            if (action := actions.get(href)) is not None and allowed(who, action)
        ),
        key=lambda item: ORDER.index(item[0]) if item[0] in ORDER else len(ORDER),
    )
    here = max((h for h, _ in mine if path.startswith(h)), key=len, default=None)
    return [MenuItem(h, k, h == here, h == path) for h, k in mine]


def staff_badge(request: Request) -> dict[str, Any] | None:
    """Who is signed in, for the console header (None: nobody from staff)."""
    who = caller(request)
    if who is None or who.kind is not Kind.STAFF:
        return None
    return {"user": who.subject, "province": who.province, "role": who.role}


@pass_context
def _code(context: Context, family: str, value: object) -> str:
    return code_text(str(context.get("lang", "zh")), family, value)


templates.env.globals.update(console_menu=console_menu, staff_badge=staff_badge, code=_code)


@router.get("/login", response_class=HTMLResponse, dependencies=[public("staff login")])
def login_page(request: Request) -> Response:
    if current_staff(request) is not None:
        return redirect("/staff/")
    return page(request, "staff/login.html")


@router.post("/login", dependencies=[*CSRF, public("staff login")])
def login(
    request: Request,
    db: Annotated[Database, Depends(get_db)],
    username: Annotated[str, Form(max_length=40)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        who = auth.authenticate_staff(
            db, username.strip(), password, address=client_address(request)
        )
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
        return redirect("/staff/login")
    log_in(request, who, lang_of(request))
    return redirect("/staff/")


@router.post("/logout", dependencies=[*CSRF, public("logging out")])
def logout(request: Request) -> Response:
    log_out(request)
    return redirect("/staff/login")


@router.get("/", response_class=HTMLResponse, dependencies=[requires("console.view")])
def console(request: Request, who: Annotated[Principal, Depends(require_staff)]) -> Response:
    return page(request, "staff/index.html", {"staff": who})
