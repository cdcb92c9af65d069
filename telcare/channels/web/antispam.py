"""Anti-spam pages: the subscriber's quarantine box and rules (``/hall/spam``) and the
staff console of the reporting platform (``/staff/antispam``).

Charts are matplotlib figures inlined as SVG (with the quality report's helpers).
Staff pages need a staff login (``/staff/login``) or a bearer token.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from telcare.channels.api.deps import get_db
from telcare.channels.documents.charts import cjk_font, plt
from telcare.channels.guards import requires
from telcare.channels.web.charts import chart_img
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import lang_of, require_csrf, require_msisdn, require_staff
from telcare.domain.access import Principal
from telcare.domain.antispam_rules import RuleKind
from telcare.domain.errors import DomainError
from telcare.domain.messages import register, render
from telcare.services import antispam
from telcare.store.uow import Database

router = APIRouter(include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
CSRF = [Depends(require_csrf)]
HALL = "/hall/spam"
STAFF = "/staff/antispam"

TEXTS: dict[str, tuple[str, str]] = {
    "web.spam.title": ("垃圾短信拦截", "Spam filter"),
    "web.spam.box": ("拦截箱（保留30天）", "Quarantine (kept 30 days)"),
    "web.spam.box_empty": ("拦截箱是空的。", "Nothing in quarantine."),
    "web.spam.release": ("不是垃圾短信", "Not spam"),
    "web.spam.report": ("举报", "Report"),
    "web.spam.reported": ("已举报", "Reported"),
    "web.spam.released": (
        "已恢复该短信，并把发送号码加入白名单。",
        "Released; sender allowlisted.",
    ),
    "web.spam.report_sent": (
        "举报已提交，处理结果将短信通知您。",
        "Reported; we will tell you by SMS.",
    ),
    "web.spam.rules": ("我的拦截规则", "My rules"),
    "web.spam.kind.allow": ("白名单号码", "Allowed numbers"),
    "web.spam.kind.number": ("拦截号码", "Blocked numbers"),
    "web.spam.kind.prefix": ("拦截号段", "Blocked prefixes"),
    "web.spam.kind.keyword": ("拦截关键词", "Blocked keywords"),
    "web.spam.add": ("添加", "Add"),
    "web.spam.remove": ("删除", "Remove"),
    "web.spam.rule_saved": ("规则已保存。", "Rule saved."),
    "web.spam.rule_removed": ("规则已删除。", "Rule removed."),
    "web.spam.sensitivity": ("智能拦截级别", "Filter sensitivity"),
    "web.spam.level.strict": ("严格", "Strict"),
    "web.spam.level.normal": ("标准", "Normal"),
    "web.spam.level.off": ("关闭", "Off"),
    "web.spam.save": ("保存", "Save"),
    "web.spam.from": ("发送方", "From"),
    "web.spam.why": ("原因", "Why"),
    "web.spam.reason.blocked_number": ("拦截号码", "Blocked number"),
    "web.spam.reason.blocked_prefix": ("拦截号段", "Blocked prefix"),
    "web.spam.reason.keyword": ("关键词", "Keyword"),
    "web.spam.reason.classifier": ("智能识别", "Classifier"),
    "web.spam.reason.sender_flagged": ("被举报号码", "Reported sender"),
    "web.staff.title": ("垃圾短信举报平台", "Spam reporting platform"),
    "web.staff.queue": ("待处理举报", "Report queue"),
    "web.staff.senders": ("号码排行", "Sender ranking"),
    "web.staff.actions": ("处理记录", "Actions taken"),
    "web.staff.stats": ("每日统计", "Daily statistics"),
    "web.staff.reporter": ("举报人", "Reporter"),
    "web.staff.sender": ("被举报号码", "Sender"),
    "web.staff.text": ("内容", "Text"),
    "web.staff.score": ("模型得分", "Score"),
    "web.staff.time": ("时间", "Time"),
    "web.staff.status": ("状态", "Status"),
    "web.staff.reports": ("举报数", "Reports"),
    "web.staff.reporters": ("举报人数", "Reporters"),
    "web.staff.reporters_24h": ("24小时举报人数", "Reporters (24 h)"),
    "web.staff.flag": ("标记", "Flag"),
    "web.staff.unflag": ("撤销标记", "Unflag"),
    "web.staff.dismiss": ("无违规", "No violation"),
    "web.staff.actor": ("操作人", "By"),
    "web.staff.action": ("操作", "Action"),
    "web.staff.detail": ("详情", "Detail"),
    "web.staff.none": ("暂无记录。", "Nothing yet."),
    "web.staff.done": ("操作已完成。", "Done."),
    "web.staff.per_day": ("每日举报数", "Reports per day"),
    "web.staff.handled_day": ("每日处理数", "Handled per day"),
    "web.staff.keywords": ("举报热词", "Top keywords"),
    "web.staff.open": ("待处理", "Open"),
    "web.staff.flagged": ("已标记号码", "Flagged senders"),
}
register(TEXTS)


# --- auth -----------------------------------------------------------------------------


Staff = Annotated[Principal, Depends(require_staff)]


# --- charts ---------------------------------------------------------------------------


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[int], *, color: str = "#0085d0"
) -> Markup:
    """A vertical bar chart with each bar labelled by its value, as inline SVG (matplotlib)."""
    cjk_font()
    fig, ax = plt.subplots(figsize=(6.4, 2.4))
    xs = list(range(len(values)))
    ax.bar(xs, values, color=color)
    for x, value in zip(xs, values, strict=True):
        if value:
            ax.text(x, value, str(value), ha="center", va="bottom", fontsize=8)
    every = max(1, len(labels) // 14)
    ax.set_xticks(xs[::every], [labels[i] for i in xs[::every]], fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_yticks([])
    fig.tight_layout()
    return chart_img(fig, title)


# --- subscriber: quarantine box and rules ----------------------------------------------


@router.get(HALL, response_class=HTMLResponse)
def box(request: Request, db: Db, msisdn: Msisdn) -> Response:
    return page(
        request,
        "antispam/box.html",
        {
            "messages": antispam.quarantine(db, msisdn),
            "rules": antispam.list_rules(db, msisdn),
            "kinds": list(RuleKind),
            "standing": antispam.sender_status(db, msisdn),
        },
    )


def _done(request: Request, key: str, err: DomainError | None = None) -> Response:
    if err is None:
        flash(request, "ok", key)
    else:
        flash(request, "error", err.key, **err.params)
    return redirect(HALL)


@router.post(HALL + "/release", dependencies=CSRF)
def release(
    request: Request, db: Db, msisdn: Msisdn, message_id: Annotated[str, Form()]
) -> Response:
    try:
        antispam.release(db, msisdn, message_id)
    except DomainError as err:
        return _done(request, "", err)
    return _done(request, "web.spam.released")


@router.post(HALL + "/report", dependencies=CSRF)
def report(
    request: Request, db: Db, msisdn: Msisdn, message_id: Annotated[str, Form()]
) -> Response:
    try:
        antispam.report_quarantined(db, msisdn, message_id)
    except DomainError as err:
        return _done(request, "", err)
    return _done(request, "web.spam.report_sent")


@router.post(HALL + "/rules", dependencies=CSRF)
def add_rule(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    kind: Annotated[RuleKind, Form()],
    value: Annotated[str, Form(max_length=40)],
    remove: Annotated[str, Form()] = "",
) -> Response:
    try:
        if remove:
            antispam.remove_rule(db, msisdn, kind, value)
        else:
            antispam.add_rule(db, msisdn, kind, value)
    except DomainError as err:
        return _done(request, "", err)
    return _done(request, "web.spam.rule_removed" if remove else "web.spam.rule_saved")


@router.post(HALL + "/sensitivity", dependencies=CSRF)
def sensitivity(
    request: Request, db: Db, msisdn: Msisdn, level: Annotated[str, Form(max_length=10)]
) -> Response:
    try:
        antispam.set_sensitivity(db, msisdn, level)
    except DomainError as err:
        return _done(request, "", err)
    return _done(request, "web.spam.rule_saved")


# --- staff console ---------------------------------------------------------------------


@router.get(STAFF, response_class=HTMLResponse, dependencies=[requires("antispam.queue.view")])
@router.get(
    STAFF + "/", response_class=HTMLResponse, dependencies=[requires("antispam.queue.view")]
)
def queue(request: Request, db: Db, who: Staff) -> Response:
    return page(request, "antispam/queue.html", {"reports": antispam.report_queue(db)})


@router.get(
    STAFF + "/senders", response_class=HTMLResponse, dependencies=[requires("antispam.queue.view")]
)
def senders(request: Request, db: Db, who: Staff) -> Response:
    return page(request, "antispam/senders.html", {"senders": antispam.sender_ranking(db)})


@router.get(
    STAFF + "/actions", response_class=HTMLResponse, dependencies=[requires("antispam.queue.view")]
)
def actions(request: Request, db: Db, who: Staff) -> Response:
    return page(request, "antispam/actions.html", {"actions": antispam.actions(db)})


@router.get(
    STAFF + "/stats", response_class=HTMLResponse, dependencies=[requires("antispam.queue.view")]
)
def stats(request: Request, db: Db, who: Staff) -> Response:
    figures = antispam.statistics(db, days=14)
    days = [d.day.strftime("%m-%d") for d in figures.days]
    lang = lang_of(request)
    title = {k: render(k, lang) for k in TEXTS if k.startswith("web.staff.")}
    charts = [
        bar_chart(title["web.staff.per_day"], days, [d.reported for d in figures.days]),
        bar_chart(
            title["web.staff.handled_day"],
            days,
            [d.handled for d in figures.days],
            color="#2e7d32",
        ),
        bar_chart(
            title["web.staff.keywords"],
            [w for w, _ in figures.top_keywords],
            [c for _, c in figures.top_keywords],
            color="#b26a00",
        ),
    ]
    return page(request, "antispam/stats.html", {"figures": figures, "charts": charts})


@router.post(
    STAFF + "/senders/{sender}/{action}", dependencies=[*CSRF, requires("antispam.sender.flag")]
)
def act(request: Request, db: Db, who: Staff, sender: str, action: str) -> Response:
    """Flag, unflag or dismiss (headquarters staff only); each is audited."""
    if not who.is_headquarters or action not in ("flag", "unflag", "dismiss"):
        raise HTTPException(403, "headquarters staff only")
    try:
        if action == "flag":
            antispam.flag_sender(db, sender, who=who)
        elif action == "unflag":
            antispam.unflag_sender(db, sender, who=who)
        else:
            antispam.dismiss_reports(db, sender, who=who)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
    else:
        flash(request, "ok", "web.staff.done")
    return redirect(STAFF + "/senders")
