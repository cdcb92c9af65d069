"""Shared by the complaint pages: their texts (zh/en), paths, form types and helpers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, UploadFile

from telcare.channels.api.deps import get_db
from telcare.channels.web.complaints.timeline import actor_name, channel_name, countdown, local
from telcare.channels.web.render import flash
from telcare.channels.web.security import lang_of, require_csrf, require_msisdn, require_staff
from telcare.channels.web.staff import CONSOLES
from telcare.config import get_settings
from telcare.domain import complaints as dc
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError
from telcare.domain.messages import register, render
from telcare.store.uow import Database

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
        "web.cmp.search": ("搜索投诉单", "Find a ticket"),
        "web.cmp.search_hint": ("投诉单号或用户号码", "Ticket number or phone number"),
        "web.cmp.search_go": ("搜索", "Search"),
        "web.cmp.all_provinces": ("全部省份", "All provinces"),
        "web.cmp.customer_text": ("客户反映的问题", "What the customer says"),
        "web.cmp.timeline": ("处理经过", "Timeline"),
        "web.cmp.replies": ("回复与备注", "Replies and notes"),
        "web.cmp.no_replies": ("暂无回复。", "No replies yet."),
        "web.cmp.add_reply": ("添加回复或备注", "Add a reply or note"),
        "web.cmp.summary_label": ("标题：{title}", "Title: {title}"),
        "web.cmp.sort_note": (
            "未办结的投诉在前，按解决时限由近到远排列；已解决和已关闭的在后。",
            "Open tickets first, nearest deadline first; resolved and closed tickets last.",
        ),
        "web.cmp.bad_filter": ("筛选条件无效：{field}", "Not a valid filter: {field}"),
        "web.cmp.choose_leaf": ("请从列表中选择。", "Choose one from the list."),
        "web.cmp.need_text": ("请填写投诉内容。", "Say what happened."),
        "web.cmp.too_long": ("最多{n}个字。", "At most {n} characters."),
    }
)


def _node() -> str:
    """This node's province (``TELCARE_PROVINCE``; HQ plays every role on a single node)."""
    return get_settings().province.upper()


def _error(request: Request, err: DomainError) -> None:
    flash(request, "error", err.key, **err.params)


def _context(request: Request) -> dict[str, Any]:
    lang = lang_of(request)
    return {
        "countdown": lambda left, business=False: countdown(left, lang, business),
        "due": lambda when: render("web.cmp.due_at", lang, when=local(when)),
        "cat_name": lambda path: " > ".join(c.name(lang) for c in path),
        "channel_name": lambda channel: channel_name(channel, lang),
        "actor": lambda who: actor_name(who, lang),
    }


async def _upload(file: UploadFile | None) -> tuple[str, str, bytes] | None:
    """The uploaded file as (name, type, content), read at most 5 MB + 1 byte."""
    if file is None or not file.filename:
        return None
    content = await file.read(MAX_UPLOAD)
    return file.filename, file.content_type or "application/octet-stream", content


def _ticket_url(ticket_id: str) -> str:
    return f"{CONSOLE}/t/{ticket_id}"
