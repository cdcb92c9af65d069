"""Complaint pages: filing on the business hall (``/hall/complaints``) and the staff
console (``/staff/complaints/``): the queue with filters and SLA countdowns, the ticket
page, and the taxonomy editor at headquarters.

Handlers parse the form, call one service of :mod:`telcare.services.complaints` and
render or redirect. Who sees what is decided there: provincial staff their province,
headquarters everything, a subscriber their own line.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from telcare import clock
from telcare.channels.api.deps import get_db
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import lang_of, require_csrf, require_msisdn, require_staff
from telcare.channels.web.staff import CONSOLES
from telcare.config import get_settings
from telcare.domain import complaints as dc
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import DomainError, InvalidInput
from telcare.domain.messages import register, render
from telcare.domain.provinces import PROVINCES
from telcare.services import complaints as svc
from telcare.store.uow import Database

router = APIRouter(include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
Staff = Annotated[Principal, Depends(require_staff)]
CSRF = [Depends(require_csrf)]
HALL = "/hall/complaints"
CONSOLE = "/staff/complaints"
PAGE_SIZE = 20
MAX_UPLOAD = dc.MAX_ATTACHMENT_BYTES + 1

CONSOLES.append((f"{CONSOLE}/", "web.cmp.console"))

register(
    {
        "web.cmp.console": ("投诉处理工作台", "Complaints console"),
        "web.cmp.hall_title": ("投诉与建议", "Complaints"),
        "web.cmp.file_title": ("我要投诉", "File a complaint"),
        "web.cmp.category": ("投诉分类", "Category"),
        "web.cmp.choose": ("请选择", "Choose"),
        "web.cmp.summary": ("标题（可不填）", "Title (optional)"),
        "web.cmp.description": ("投诉内容", "What happened"),
        "web.cmp.attachment": (
            "附件（可选，JPG/PNG/PDF/TXT，5MB以内）",
            "Attachment (optional: JPG, PNG, PDF or TXT, up to 5 MB)",
        ),
        "web.cmp.submit": ("提交投诉", "Submit"),
        "web.cmp.filed": ("您的投诉已受理，编号{id}。", "Complaint {id} received."),
        "web.cmp.in_flight": (
            "该投诉正在提交，请稍后刷新。",
            "This complaint is being filed; reload in a moment.",
        ),
        "web.cmp.mine": ("我的投诉", "My complaints"),
        "web.cmp.none": ("暂无投诉单。", "No tickets."),
        "web.cmp.id": ("编号", "Ticket"),
        "web.cmp.filed_at": ("受理时间", "Filed"),
        "web.cmp.state": ("状态", "State"),
        "web.cmp.reply_by": ("承诺答复时间", "Answer by"),
        "web.cmp.accept": ("满意，关闭", "Accept and close"),
        "web.cmp.reopen": ("不满意，重新处理", "Not solved: reopen"),
        "web.cmp.moved": ("投诉单{id}已更新。", "Ticket {id} updated."),
        "web.cmp.status.new": ("新建", "New"),
        "web.cmp.status.acknowledged": ("已受理", "Acknowledged"),
        "web.cmp.status.inProgress": ("处理中", "In progress"),
        "web.cmp.status.resolved": ("已解决", "Resolved"),
        "web.cmp.status.closed": ("已关闭", "Closed"),
        "web.cmp.action.acknowledge": ("受理", "Acknowledge"),
        "web.cmp.action.start": ("开始处理", "Start work"),
        "web.cmp.action.resolve": ("处理完成", "Resolve"),
        "web.cmp.action.close": ("关闭", "Close"),
        "web.cmp.action.reopen": ("重新打开", "Reopen"),
        "web.cmp.severity": ("严重程度", "Severity"),
        "web.cmp.severity.low": ("低", "Low"),
        "web.cmp.severity.normal": ("一般", "Normal"),
        "web.cmp.severity.high": ("高", "High"),
        "web.cmp.severity.critical": ("紧急", "Critical"),
        "web.cmp.queue": ("队列", "Queue"),
        "web.cmp.queue.general": ("普通", "Standard"),
        "web.cmp.queue.g3": ("G3绿色通道", "G3 green channel"),
        "web.cmp.province": ("省份", "Province"),
        "web.cmp.all": ("全部", "All"),
        "web.cmp.breached": ("仅超时", "Breached only"),
        "web.cmp.filter": ("筛选", "Filter"),
        "web.cmp.total": ("共{n}条", "{n} tickets"),
        "web.cmp.queue_title": ("投诉队列", "Complaint queue"),
        "web.cmp.scope_hq": ("全国视图（总部）", "National view (headquarters)"),
        "web.cmp.scope_province": ("{province}投诉队列", "{province} queue"),
        "web.cmp.respond_in": ("首次响应", "First response"),
        "web.cmp.resolve_in": ("解决时限", "Resolution"),
        "web.cmp.left": ("剩余{h}小时{m}分", "{h} h {m} min left"),
        "web.cmp.overdue": ("已超时{h}小时{m}分", "{h} h {m} min overdue"),
        "web.cmp.answered": ("已响应", "Answered"),
        "web.cmp.done": ("—", "—"),
        "web.cmp.subscriber": ("用户号码", "Subscriber"),
        "web.cmp.channel": ("渠道", "Channel"),
        "web.cmp.escalation": ("升级级别", "Escalation level"),
        "web.cmp.taxonomy_version": ("分类版本", "Taxonomy version"),
        "web.cmp.details": ("投诉详情", "Details"),
        "web.cmp.audit": ("操作记录", "Audit trail"),
        "web.cmp.actor": ("操作人", "By"),
        "web.cmp.changes": ("变更", "Changes"),
        "web.cmp.time": ("时间", "Time"),
        "web.cmp.notes": ("备注", "Notes"),
        "web.cmp.add_note": ("添加备注", "Add note"),
        "web.cmp.attachments": ("附件", "Attachments"),
        "web.cmp.upload": ("上传附件", "Upload"),
        "web.cmp.no_content": ("（内容保存在省公司）", "(content kept by the province)"),
        "web.cmp.moves": ("处理", "Move"),
        "web.cmp.outcome": ("处理结果", "Outcome"),
        "web.cmp.major": ("重大投诉", "Major complaint"),
        "web.cmp.responsible_unit": ("责任单位", "Responsible unit"),
        "web.cmp.assigned_unit": ("处理单位", "Assigned unit"),
        "web.cmp.accountability": ("重大投诉责任认定", "Major-complaint accountability"),
        "web.cmp.save": ("保存", "Save"),
        "web.cmp.saved": ("已保存。", "Saved."),
        "web.cmp.note_added": ("备注已添加。", "Note added."),
        "web.cmp.attached": ("附件已上传。", "Attachment uploaded."),
        "web.cmp.send_back": ("退回省公司", "Send back to the province"),
        "web.cmp.unit": ("退回至单位", "Unit"),
        "web.cmp.sent_back": ("已退回{province}处理。", "Sent back to {province}."),
        "web.cmp.taxonomy": ("投诉分类维护", "Complaint taxonomy"),
        "web.cmp.current_version": ("当前版本：第{v}版", "Current version: {v}"),
        "web.cmp.edit_hint": (
            "每行一个分类：编码 | 上级编码 | 中文名称 | 英文名称（顶级分类上级编码留空）。"
            "最末级分类至少在第三层。发布后各省通过消息总线收到新版本，已有投诉单保留原版本。",
            "One category per line: code | parent code | Chinese name | English name (blank "
            "parent for a top level). Leaves are at least three levels deep. Provinces receive "
            "the new version over the bus; existing tickets keep theirs.",
        ),
        "web.cmp.publish": ("发布新版本", "Publish a new version"),
        "web.cmp.published": ("已发布第{v}版投诉分类。", "Taxonomy version {v} published."),
        "web.cmp.bad_line": ("第{n}行格式不正确。", "Line {n} is not code | parent | zh | en."),
        "web.cmp.hq_only": ("只有总部员工可以维护投诉分类。", "Only headquarters staff edit it."),
        "web.cmp.back": ("返回队列", "Back to the queue"),
        "web.cmp.for_caller": ("为来电用户登记投诉", "File for a caller"),
    }
)


def _node() -> str:
    """This node's province (``TELCARE_PROVINCE``; HQ plays every role on a single node)."""
    return get_settings().province.upper()


def _error(request: Request, err: DomainError) -> None:
    flash(request, "error", err.key, **err.params)


def countdown(left: timedelta | None, lang: str) -> str:
    """``剩余2小时05分`` / ``已超时…`` for an SLA countdown."""
    if left is None:
        return render("web.cmp.answered", lang)
    minutes = int(abs(left.total_seconds()) // 60)
    key = "web.cmp.overdue" if left.total_seconds() < 0 else "web.cmp.left"
    return render(key, lang, h=minutes // 60, m=f"{minutes % 60:02d}")


def _context(request: Request) -> dict[str, Any]:
    lang = lang_of(request)
    return {
        "countdown": lambda left: countdown(left, lang),
        "cat_name": lambda path: " > ".join(c.name(lang) for c in path),
    }


# --- business hall: file and follow one's complaints -----------------------------------------


@router.get(HALL, response_class=HTMLResponse)
def hall_page(request: Request, db: Db, msisdn: Msisdn) -> Response:
    who = Principal(Kind.SUBSCRIBER, msisdn, "")
    tax = svc.taxonomy(db)
    mine = svc.list_tickets(db, who, limit=50)
    return page(
        request,
        "complaints/hall.html",
        {
            **_context(request),
            "leaves": [(leaf.code, tax.path(leaf.code)) for leaf in tax.leaves()],
            "tickets": mine.items,
        },
    )


@router.post(HALL, dependencies=CSRF)
async def hall_file(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    category: Annotated[str, Form(max_length=40)],
    key: Annotated[str, Form(max_length=100)],
    description: Annotated[str, Form(max_length=dc.MAX_TEXT)] = "",
    summary: Annotated[str, Form(max_length=dc.MAX_SUMMARY)] = "",
    attachment: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """File a complaint for the logged-in line (once per form key)."""
    who = Principal(Kind.SUBSCRIBER, msisdn, "")
    try:
        upload = await _upload(attachment)
        ticket_id, _replayed = svc.file_ticket_once(
            db,
            who,
            key=key,
            node=_node(),
            category=category,
            summary=summary,
            description=description,
            attachment=upload,
        )
    except DomainError as err:
        _error(request, err)
        return redirect(HALL)
    if ticket_id is None:
        flash(request, "ok", "web.cmp.in_flight")
    else:
        flash(request, "ok", "web.cmp.filed", id=ticket_id)
    return redirect(HALL)


@router.post(HALL + "/{ticket_id}/move", dependencies=CSRF)
def hall_move(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    ticket_id: str,
    action: Annotated[str, Form(pattern="^(close|reopen)$")],
) -> Response:
    """The subscriber accepts (closes) or reopens their own resolved ticket."""
    who = Principal(Kind.SUBSCRIBER, msisdn, "")
    try:
        svc.transition(db, who, ticket_id, action, node=_node())
        flash(request, "ok", "web.cmp.moved", id=ticket_id)
    except DomainError as err:
        _error(request, err)
    return redirect(HALL)


async def _upload(file: UploadFile | None) -> tuple[str, str, bytes] | None:
    """The uploaded file as (name, type, content), read at most 5 MB + 1 byte."""
    if file is None or not file.filename:
        return None
    content = await file.read(MAX_UPLOAD)
    return file.filename, file.content_type or "application/octet-stream", content


# --- staff console: queue ----------------------------------------------------------------------


@router.get(CONSOLE + "/", response_class=HTMLResponse)
def queue(
    request: Request,
    db: Db,
    who: Staff,
    status: Annotated[str, Query(max_length=12)] = "",
    category: Annotated[str, Query(max_length=40)] = "",
    severity: Annotated[str, Query(max_length=10)] = "",
    queue: Annotated[str, Query(max_length=10)] = "",
    province: Annotated[str, Query(max_length=2)] = "",
    breached: Annotated[str, Query(max_length=1)] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> Response:
    """Tickets of the staff member's province (all provinces at HQ), most urgent first."""
    now = clock.now()
    flt = svc.TicketFilter(
        province=province or None,
        status=status or None,
        category=category or None,
        severity=severity or None,
        queue=queue or None,
        overdue_at=now if breached else None,
    )
    result = svc.list_tickets(db, who, flt, offset=(page_no - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    tax = svc.taxonomy(db)
    return page(
        request,
        "complaints/queue.html",
        {
            **_context(request),
            "staff": who,
            "result": result,
            "clocks": svc.countdowns(db, result.items, now),
            "filters": {
                "status": status,
                "category": category,
                "severity": severity,
                "queue": queue,
                "province": province,
                "breached": breached,
            },
            "statuses": [s.value for s in dc.Status],
            "severities": [s.value for s in dc.Severity],
            "queues": [q.value for q in dc.Queue],
            "categories": [(c.code, tax.path(c.code)) for c in tax.categories],
            "leaves": [(c.code, tax.path(c.code)) for c in tax.leaves()],
            "provinces": PROVINCES if who.is_headquarters else (),
            "page_no": page_no,
            "pages": max(1, -(-result.total // PAGE_SIZE)),
        },
    )


@router.post(CONSOLE + "/new", dependencies=CSRF)
def file_for_caller(
    request: Request,
    db: Db,
    who: Staff,
    msisdn: Annotated[str, Form(max_length=20)],
    category: Annotated[str, Form(max_length=40)],
    key: Annotated[str, Form(max_length=100)],
    severity: Annotated[str, Form(pattern="^(low|normal|high|critical)$")] = "normal",
    summary: Annotated[str, Form(max_length=dc.MAX_SUMMARY)] = "",
    description: Annotated[str, Form(max_length=dc.MAX_TEXT)] = "",
) -> Response:
    """A 10086 agent files a complaint for a caller (once per form key)."""
    try:
        ticket_id, _replayed = svc.file_ticket_once(
            db, who, key=key, node=_node(), category=category, summary=summary,
            description=description, channel="console", msisdn=msisdn, severity=severity,
        )  # fmt: skip
    except DomainError as err:
        _error(request, err)
        return redirect(CONSOLE + "/")
    if ticket_id is None:
        flash(request, "ok", "web.cmp.in_flight")
        return redirect(CONSOLE + "/")
    flash(request, "ok", "web.cmp.filed", id=ticket_id)
    return redirect(_ticket_url(ticket_id))


# --- staff console: taxonomy editor (HQ) -------------------------------------------------------


@router.get(CONSOLE + "/taxonomy", response_class=HTMLResponse)
def taxonomy_page(request: Request, db: Db, who: Staff) -> Response:
    tax = svc.taxonomy(db)
    return page(
        request,
        "complaints/taxonomy.html",
        {
            **_context(request),
            "staff": who,
            "tax": tax,
            "depth": {c.code: len(tax.path(c.code)) - 1 for c in tax.categories},
            "lines": format_lines(tax),
            "may_edit": who.is_headquarters,
        },
    )


@router.post(CONSOLE + "/taxonomy", dependencies=CSRF)
def publish(
    request: Request, db: Db, who: Staff, lines: Annotated[str, Form(max_length=100_000)]
) -> Response:
    """Publish the edited tree as the next version (headquarters only, checked in the domain)."""
    try:
        new = svc.publish_taxonomy(db, who, parse_lines(lines))
        flash(request, "ok", "web.cmp.published", v=new.version)
    except DomainError as err:
        _error(request, err)
    return redirect(CONSOLE + "/taxonomy")


def format_lines(tax: dc.Taxonomy) -> str:
    """The editor's text: one ``code | parent | zh | en`` line per category."""
    return "\n".join(
        f"{c.code} | {c.parent or ''} | {c.name_zh} | {c.name_en}" for c in tax.categories
    )


def parse_lines(text: str) -> list[dc.Category]:
    """The editor's text back into categories (the domain validates the tree)."""
    out: list[dc.Category] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 4 or not parts[0]:
            raise InvalidInput("web.cmp.bad_line", n=n)
        code, parent, zh, en = parts
        out.append(dc.Category(code, zh, en, parent or None))
    return out


# --- staff console: the ticket page ---------------------------------------------------------


def _ticket_url(ticket_id: str) -> str:
    return f"{CONSOLE}/t/{ticket_id}"


@router.get(CONSOLE + "/t/{ticket_id}", response_class=HTMLResponse)
def ticket(request: Request, db: Db, who: Staff, ticket_id: str) -> Response:
    view, trail = svc.ticket_page(db, who, ticket_id)
    status = dc.Status(view.status)
    return page(
        request,
        "complaints/ticket.html",
        {
            **_context(request),
            "staff": who,
            "tk": view,
            "trail": trail,
            "clock": svc.countdowns(db, [view]).get(view.id),
            "actions": [a.value for (s, a) in dc.TRANSITIONS if s == status],
            "may_send_back": who.is_headquarters,
        },
    )


@router.post(CONSOLE + "/t/{ticket_id}/move", dependencies=CSRF)
def move(
    request: Request,
    db: Db,
    who: Staff,
    ticket_id: str,
    action: Annotated[str, Form(max_length=12)],
    outcome: Annotated[str, Form(max_length=dc.MAX_TEXT)] = "",
) -> Response:
    try:
        svc.transition(db, who, ticket_id, _action(action), node=_node(), outcome=outcome or None)
        flash(request, "ok", "web.cmp.moved", id=ticket_id)
    except DomainError as err:
        _error(request, err)
    return redirect(_ticket_url(ticket_id))


def _action(value: str) -> str:
    try:
        return dc.Action(value).value
    except ValueError as exc:
        raise dc.InvalidTransition("complaint.bad_transition", status="?", action=value) from exc


@router.post(CONSOLE + "/t/{ticket_id}/note", dependencies=CSRF)
def note(
    request: Request,
    db: Db,
    who: Staff,
    ticket_id: str,
    text: Annotated[str, Form(max_length=dc.MAX_TEXT + 100)],
) -> Response:
    try:
        svc.add_note(db, who, ticket_id, text, node=_node())
        flash(request, "ok", "web.cmp.note_added")
    except DomainError as err:
        _error(request, err)
    return redirect(_ticket_url(ticket_id))


@router.post(CONSOLE + "/t/{ticket_id}/fields", dependencies=CSRF)
def fields(
    request: Request,
    db: Db,
    who: Staff,
    ticket_id: str,
    severity: Annotated[str, Form(pattern="^(low|normal|high|critical)?$")] = "",
    major: Annotated[str, Form(max_length=2)] = "",
    responsible_unit: Annotated[str, Form(max_length=100)] = "",
    outcome: Annotated[str, Form(max_length=dc.MAX_TEXT)] = "",
    assigned_unit: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Severity, the major-complaint flag and its accountability, the assigned unit."""
    changes: dict[str, Any] = {
        "major": bool(major),
        "responsible_unit": responsible_unit,
        "outcome": outcome,
        "assigned_unit": assigned_unit,
    }
    if severity:
        changes["severity"] = severity
    try:
        svc.update_ticket(db, who, ticket_id, node=_node(), changes=changes)
        flash(request, "ok", "web.cmp.saved")
    except DomainError as err:
        _error(request, err)
    return redirect(_ticket_url(ticket_id))


@router.post(CONSOLE + "/t/{ticket_id}/attach", dependencies=CSRF)
async def attach(
    request: Request,
    db: Db,
    who: Staff,
    ticket_id: str,
    attachment: Annotated[UploadFile, File()],
) -> Response:
    try:
        upload = await _upload(attachment)
        if upload is None:
            raise InvalidInput("complaint.attachment_type", name="")
        name, content_type, content = upload
        svc.add_attachment(
            db,
            who,
            ticket_id,
            name=name,
            content_type=content_type,
            content=content,
            node=_node(),
        )
        flash(request, "ok", "web.cmp.attached")
    except DomainError as err:
        _error(request, err)
    return redirect(_ticket_url(ticket_id))


@router.get(CONSOLE + "/t/{ticket_id}/a/{attachment_id}")
def download(db: Db, who: Staff, ticket_id: str, attachment_id: str) -> Response:
    """An attachment's content, as a download (never rendered inline)."""
    att, content = svc.attachment_content(db, who, ticket_id, attachment_id)
    if content is None:
        raise dc.UnknownTicket("complaint.unknown_ticket", id=attachment_id)
    return Response(
        content,
        media_type=att.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{att.id}{_ext(att.name)}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def _ext(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 and name[dot + 1 :].isalnum() else ""


@router.post(CONSOLE + "/t/{ticket_id}/send-back", dependencies=CSRF)
def send_back(
    request: Request,
    db: Db,
    who: Staff,
    ticket_id: str,
    unit: Annotated[str, Form(max_length=100)],
    text: Annotated[str, Form(max_length=dc.MAX_TEXT + 100)],
) -> Response:
    """Headquarters sends a ticket back to its province over the bus."""
    try:
        svc.send_back(db, who, ticket_id, unit=unit, note=text)
        province = svc.get_ticket(db, who, ticket_id).province
        flash(request, "ok", "web.cmp.sent_back", province=province)
    except DomainError as err:
        _error(request, err)
    return redirect(_ticket_url(ticket_id))
