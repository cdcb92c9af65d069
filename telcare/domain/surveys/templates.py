"""Survey templates as data: triggers, questions, checking, who may edit, which one applies."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telcare.domain.errors import Forbidden, InvalidInput
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ, is_province
from telcare.domain.subscriptions import OPERATOR_TZ


class Trigger(enum.StrEnum):
    """The contact a survey asks about; it is also the scored "channel"."""

    SHOP = "shop"  # a visit recorded at a shop
    HOTLINE = "hotline"  # a 10086 call closed by an agent
    TICKET = "ticket"  # a complaint ticket closed
    G3 = "g3"  # a new G3 subscription
    ONLINE = "online"  # the online business hall
    CHAT = "chat"  # an online chat ended (with the assistant or an agent)


class Via(enum.StrEnum):
    """How the survey is answered."""

    SMS = "sms"
    WEB = "web"


class AnswerKind(enum.StrEnum):
    SCALE5 = "scale5"  # 1 (very dissatisfied) … 5 (very satisfied)
    THREE = "three"  # 满意 / 一般 / 不满意
    TEXT = "text"  # free text


THREE_LEVELS: dict[str, int] = {"满意": 5, "一般": 3, "不满意": 1}
"""The three-level answers and the 1–5 score each counts as."""


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    kind: AnswerKind
    text_zh: str
    text_en: str

    def text(self, lang: str) -> str:
        return self.text_en if lang == "en" else self.text_zh

    @property
    def scored(self) -> bool:
        return self.kind is not AnswerKind.TEXT


@dataclass(frozen=True, slots=True)
class Template:
    """One version of a survey template (all of it is data; see :func:`template_from_dict`)."""

    code: str
    version: int
    owner: str  # HQ or the province that owns (and alone may change) it
    name_zh: str
    name_en: str
    trigger: Trigger
    questions: tuple[Question, ...]
    vias: tuple[Via, ...] = (Via.SMS, Via.WEB)
    provinces: tuple[str, ...] = ()  # empty: every province
    active_from: datetime | None = None
    active_until: datetime | None = None
    sample_percent: int = 100

    @property
    def headline(self) -> Question:
        """The question asked by SMS and scored: the first scored one."""
        return next(q for q in self.questions if q.scored)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def covers(self, province: str) -> bool:
        return not self.provinces or province in self.provinces

    def active(self, when: datetime) -> bool:
        return (self.active_from is None or self.active_from <= when) and (
            self.active_until is None or when < self.active_until
        )


def template_to_dict(t: Template) -> dict[str, Any]:
    """The stored form of a template's content (code, version and owner are columns)."""
    return {
        "name_zh": t.name_zh,
        "name_en": t.name_en,
        "trigger": t.trigger.value,
        "questions": [
            {"id": q.id, "kind": q.kind.value, "text_zh": q.text_zh, "text_en": q.text_en}
            for q in t.questions
        ],
        "vias": [v.value for v in t.vias],
        "provinces": list(t.provinces),
        "active_from": t.active_from.isoformat() if t.active_from else None,
        "active_until": t.active_until.isoformat() if t.active_until else None,
        "sample_percent": t.sample_percent,
    }


def template_from_dict(code: str, version: int, owner: str, data: Mapping[str, Any]) -> Template:
    """Build and check a template from data; :class:`InvalidInput` if it does not hold."""
    try:
        questions = tuple(
            Question(
                str(q["id"]).strip(),
                AnswerKind(q["kind"]),
                str(q["text_zh"]).strip(),
                str(q.get("text_en") or q["text_zh"]).strip(),
            )
            for q in data["questions"]
        )
        t = Template(
            code=code.strip().upper(),
            version=int(version),
            owner=owner,
            name_zh=str(data["name_zh"]).strip(),
            name_en=str(data.get("name_en") or data["name_zh"]).strip(),
            trigger=Trigger(data["trigger"]),
            questions=questions,
            vias=tuple(Via(v) for v in data.get("vias") or (Via.SMS, Via.WEB)),
            provinces=tuple(sorted({str(p).upper() for p in data.get("provinces") or ()})),
            active_from=_when(data.get("active_from")),
            active_until=_when(data.get("active_until")),
            sample_percent=int(data.get("sample_percent", 100)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(N_("survey.template_invalid"), reason=str(exc)) from exc
    return check_template(t)


def _when(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=OPERATOR_TZ)


def check_template(t: Template) -> Template:
    """The rules every template version keeps (else :class:`InvalidInput`)."""

    def bad(reason: str) -> InvalidInput:
        return InvalidInput(N_("survey.template_invalid"), reason=reason)

    if not re.fullmatch(r"[A-Z0-9_-]{1,30}", t.code):
        raise bad("code: 1-30 of A-Z 0-9 _ -")
    if t.version < 1:
        raise bad("version")
    if not t.name_zh:
        raise bad("name")
    if not t.questions or len(t.questions) > 20:
        raise bad("1 to 20 questions")
    ids = [q.id for q in t.questions]
    if len(set(ids)) != len(ids) or not all(re.fullmatch(r"[a-z0-9_]{1,20}", i) for i in ids):
        raise bad("question ids: unique, a-z 0-9 _")
    if not all(q.text_zh for q in t.questions):
        raise bad("question text")
    if not any(q.scored for q in t.questions):
        raise bad("at least one scored question")
    if not t.vias:
        raise bad("at least one of sms, web")
    if any(not is_province(p) for p in t.provinces):
        raise bad("provinces")
    if t.owner != HQ and (not is_province(t.owner) or t.provinces != (t.owner,)):
        raise bad("a province's template covers exactly that province")
    if t.active_from and t.active_until and t.active_until <= t.active_from:
        raise bad("active window")
    if not 0 <= t.sample_percent <= 100:
        raise bad("sample_percent 0-100")
    return t


def may_edit(editor_province: str, owner: str) -> None:
    """Headquarters changes any template, a province only its own."""
    if editor_province not in (HQ, owner):
        raise Forbidden(N_("survey.not_your_template"))


def choose_template(
    templates: Iterable[Template], trigger: Trigger, province: str, when: datetime, via: Via
) -> Template | None:
    """The template for a contact: active, for this trigger, province and way of answering;
    a province's own template wins over a national one, then the lowest code."""
    fits = [
        t
        for t in templates
        if t.trigger is trigger and t.covers(province) and t.active(when) and via in t.vias
    ]
    fits.sort(key=lambda t: (not t.provinces, t.code))
    return fits[0] if fits else None
