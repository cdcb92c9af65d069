"""A ticket's audit trail told as a timeline: each row an event in words ("已受理",
"First response at 12-04 16:36"), times in the operator's time zone, never a raw field
name, ``None`` or an ISO timestamp; and the SLA countdowns said in working hours when
the rule counts working hours."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telcare.domain import complaints as dc
from telcare.domain.messages import known, register, render
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services.complaints.views import AuditView

register(
    {
        # countdowns (business hours said as such) and the deadline beside them
        "web.cmp.left_work": ("剩余{h}个工作小时{m}分", "{h} working hours {m} min left"),
        "web.cmp.left_work_h": ("剩余{h}个工作小时", "{h} working hours left"),
        "web.cmp.overdue_work": ("已超时{h}个工作小时{m}分", "{h} working hours {m} min overdue"),
        "web.cmp.overdue_work_h": ("已超时{h}个工作小时", "{h} working hours overdue"),
        "web.cmp.due_at": ("截止{when}", "due {when}"),
        # who
        "web.cmp.by_system": ("系统", "System"),
        "web.cmp.by_customer": ("客户 {msisdn}", "Customer {msisdn}"),
        # events
        "web.cmp.event.file": ("登记投诉（{channel}）", "Complaint filed ({channel})"),
        "web.cmp.event.acknowledge": ("已受理", "Acknowledged"),
        "web.cmp.event.start": ("开始处理", "Work started"),
        "web.cmp.event.resolve": ("处理完成", "Resolved"),
        "web.cmp.event.close": ("已关闭", "Closed"),
        "web.cmp.event.reopen": ("重新打开", "Reopened"),
        "web.cmp.event.note": ("回复：{text}", "Reply: {text}"),
        "web.cmp.event.attach": ("上传附件：{name}", "Attachment added: {name}"),
        "web.cmp.event.update": ("修改投诉单", "Ticket edited"),
        "web.cmp.event.escalate": ("超时升级至第{level}级", "Escalated to level {level} (late)"),
        "web.cmp.event.send_back": ("总部退回省公司处理", "Sent back to the province"),
        "web.cmp.event.other": ("投诉单已更新", "Ticket updated"),
        # what changed
        "web.cmp.change": ("{field}：{old} → {new}", "{field}: {old} → {new}"),
        "web.cmp.change.set": ("{field}：{new}", "{field}: {new}"),
        "web.cmp.change.responded_at": ("首次响应于{when}", "First response at {when}"),
        "web.cmp.change.resolved_at": ("办结于{when}", "Resolved at {when}"),
        "web.cmp.change.closed_at": ("关闭于{when}", "Closed at {when}"),
        "web.cmp.change.respond_by": ("首次响应时限改为{when}", "First response now due {when}"),
        "web.cmp.change.resolve_by": ("解决时限改为{when}", "Resolution now due {when}"),
        "web.cmp.change.cleared": ("{field}已清除", "{field} cleared"),
        "web.cmp.empty": ("（空）", "(none)"),
        "web.cmp.yes": ("是", "yes"),
        "web.cmp.no": ("否", "no"),
        "web.cmp.field.status": ("状态", "Status"),
        "web.cmp.field.severity": ("严重程度", "Severity"),
        "web.cmp.field.major": ("重大投诉", "Major complaint"),
        "web.cmp.field.responsible_unit": ("责任单位", "Responsible unit"),
        "web.cmp.field.assigned_unit": ("处理单位", "Assigned unit"),
        "web.cmp.field.outcome": ("处理结果", "Outcome"),
        "web.cmp.field.category": ("投诉分类", "Category"),
        "web.cmp.field.summary": ("标题", "Title"),
        "web.cmp.field.description": ("投诉内容", "Description"),
        "web.cmp.field.escalation": ("升级级别", "Escalation level"),
        "web.cmp.field.queue": ("队列", "Queue"),
        "web.cmp.field.related_product": ("相关产品", "Related product"),
        "web.cmp.field.related_sp": ("相关SP", "Related SP"),
        "web.cmp.field.reopened": ("重开次数", "Times reopened"),
        "web.cmp.field.province": ("省份", "Province"),
        "web.cmp.channel.hall": ("网上营业厅", "online business hall"),
        "web.cmp.channel.web": ("网上营业厅", "online business hall"),
        "web.cmp.channel.api": ("接口", "API"),
        "web.cmp.channel.console": ("客服代登记", "filed by an agent"),
        "web.cmp.channel.sms": ("短信", "SMS"),
        "web.cmp.channel.chat": ("在线客服", "online chat"),
        "web.cmp.channel.survey": ("满意度回访", "satisfaction survey"),
        "web.cmp.channel.other": ("其他渠道", "other channel"),
    }
)

_SILENT = {"note", "attachment", "reopened", "updated_at", "seq"}  # told by the event itself
_WHEN = {"responded_at", "resolved_at", "closed_at", "respond_by", "resolve_by"}
SHORT = "%m-%d %H:%M"


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the timeline."""

    at: datetime
    who: str
    what: str
    details: tuple[str, ...]


def local(value: Any, fmt: str = SHORT) -> str:
    """A stored instant (datetime or ISO text) in the operator's time zone."""
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when.astimezone(OPERATOR_TZ).strftime(fmt)


def channel_name(channel: str, lang: str) -> str:
    key = f"web.cmp.channel.{channel}"
    return render(key if known(key) else "web.cmp.channel.other", lang)


def actor_name(actor: str, lang: str) -> str:
    if actor in ("sla", "system", ""):
        return render("web.cmp.by_system", lang)
    if actor.isdigit():
        return render("web.cmp.by_customer", lang, msisdn=actor)
    return actor


def _value(name: str, value: Any, lang: str, category: Callable[[str], str]) -> str:
    if value is None or value == "":
        return render("web.cmp.empty", lang)
    if isinstance(value, bool):
        return render("web.cmp.yes" if value else "web.cmp.no", lang)
    if name in ("status", "severity", "queue"):
        key = f"web.cmp.{name}.{value}"
        return render(key, lang) if known(key) else str(value)
    if name == "category":
        return category(str(value))
    return str(value)


def _change(name: str, old: Any, new: Any, lang: str, category: Callable[[str], str]) -> str:
    if name in _WHEN:
        return render(f"web.cmp.change.{name}", lang, when=local(new)) if new else ""
    key = f"web.cmp.field.{name}"
    if name in _SILENT or not known(key):
        return ""
    field = render(key, lang)
    if new is None or new == "":
        return render("web.cmp.change.cleared", lang, field=field)
    if old is None or old == "":
        shown = _value(name, new, lang, category)
        return render("web.cmp.change.set", lang, field=field, new=shown)
    return render(
        "web.cmp.change",
        lang,
        field=field,
        old=_value(name, old, lang, category),
        new=_value(name, new, lang, category),
    )


def _headline(row: AuditView, channel: str, lang: str) -> str:
    changes = row.changes or {}
    if row.action == "file":
        return render("web.cmp.event.file", lang, channel=channel_name(channel, lang))
    if row.action == "note":
        text = str((changes.get("note") or [None, ""])[1] or "")
        return render("web.cmp.event.note", lang, text=text if len(text) <= 80 else text[:79] + "…")
    if row.action == "attach":
        return render("web.cmp.event.attach", lang, name=(changes.get("attachment") or ["", ""])[1])
    if row.action == "escalate":
        level = (changes.get("escalation") or [0, 0])[1]
        return render("web.cmp.event.escalate", lang, level=level)
    key = f"web.cmp.event.{row.action}"
    return render(key if known(key) else "web.cmp.event.other", lang)


def timeline(
    trail: list[AuditView], channel: str, lang: str, category: Callable[[str], str]
) -> list[Event]:
    """The audit rows of a ticket as events in ``lang``, oldest first."""
    out = []
    for row in trail:
        details = []
        if row.action not in ("note", "attach", "escalate"):
            for name, pair in (row.changes or {}).items():
                old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
                if name == "status" and row.action in {a.value for a in dc.Action}:
                    continue  # the headline says it
                text = _change(name, old, new, lang, category)
                if text:
                    details.append(text)
        who, what = actor_name(row.actor, lang), _headline(row, channel, lang)
        out.append(Event(row.at, who, what, tuple(details)))
    return out


def countdown(left: timedelta | None, lang: str, business: bool = False) -> str:
    """``剩余2小时05分`` / ``已超时…``, or ``剩余2个工作小时`` when counted in working hours."""
    if left is None:
        return render("web.cmp.answered", lang)
    minutes = int(abs(left.total_seconds()) // 60)
    late = left.total_seconds() < 0
    if not business:
        key = "web.cmp.overdue" if late else "web.cmp.left"
        return render(key, lang, h=minutes // 60, m=f"{minutes % 60:02d}")
    key = "web.cmp.overdue_work" if late else "web.cmp.left_work"
    if minutes % 60 == 0:
        key += "_h"
    return render(key, lang, h=minutes // 60, m=f"{minutes % 60:02d}")
