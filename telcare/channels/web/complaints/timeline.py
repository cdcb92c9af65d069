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
from telcare.domain.messages import N_, known, render
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services.complaints.views import AuditView

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
    return render(key if known(key) else N_("web.cmp.channel.other"), lang)


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
        return render(N_("web.cmp.yes") if value else N_("web.cmp.no"), lang)
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
    return render(key if known(key) else N_("web.cmp.event.other"), lang)


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
        key = N_("web.cmp.overdue") if late else N_("web.cmp.left")
        return render(key, lang, h=minutes // 60, m=f"{minutes % 60:02d}")
    key = N_("web.cmp.overdue_work") if late else N_("web.cmp.left_work")
    if minutes % 60 == 0:
        key += "_h"
    return render(key, lang, h=minutes // 60, m=f"{minutes % 60:02d}")
