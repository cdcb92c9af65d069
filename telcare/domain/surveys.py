"""Satisfaction surveys: templates as data, who gets asked and when, reply parsing, scores.

* A template (code + version) is data: its questions with the answers each allows
  (a 1–5 scale, 满意/一般/不满意, or free text), the trigger it answers (a shop
  visit, a hotline call, a closed ticket, a new G3 subscription, or an online visit),
  the provinces it covers (none = all), its active window and its sampling share.
  Changing a template makes a new version; a survey and its answers keep theirs.
* Sending: a trigger is sampled by a hash of its key (deterministic, so tests are
  exact); a subscriber gets at most one survey per 7 days; a survey due in quiet
  hours (22:00–08:00 Asia/Shanghai) is held until 08:00; it stays open 48 hours
  from when it goes out.
* By SMS only the template's first question (the headline) is asked; a reply is
  a score (``1``–``5``, full-width digits too, or 满意/一般/不满意) optionally followed
  by a comment, which is kept.
* Scores: the share of satisfied answers (4 or 5, i.e. 满意) with a Wilson interval,
  and the mean score with a normal interval, grouped by any of province, channel
  (the service window, i.e. the trigger), shop, template version and month.
"""

from __future__ import annotations

import enum
import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telcare.domain.errors import Forbidden, InvalidInput
from telcare.domain.messages import register
from telcare.domain.provinces import HQ, is_province
from telcare.domain.reminders import release_time
from telcare.domain.subscriptions import OPERATOR_TZ

SURVEY_NUMBER = "10086700"
RESURVEY_AFTER = timedelta(days=7)
OPEN_FOR = timedelta(hours=48)
SATISFIED_FROM = 4  # a score of 4 or 5 counts as satisfied
LOW_SCORE_UPTO = 2  # a score of 1 or 2 is a candidate for a follow-up ticket
MAX_COMMENT = 500
Z95 = 1.959963984540054

TEXTS: dict[str, tuple[str, str]] = {
    "survey.ask.scale5": (
        "【10086满意度调查】{question}请在48小时内回复1-5分（5分为非常满意），"
        "可在分数后附上您的意见。回复免费。",
        "[10086 survey] {question} Reply 1-5 within 48 hours (5 = very satisfied); "
        "you may add a comment after the score. Replies are free.",
    ),
    "survey.ask.three": (
        "【10086满意度调查】{question}请在48小时内回复“满意”“一般”或“不满意”，"
        "可附上您的意见。回复免费。",
        "[10086 survey] {question} Reply 满意 (satisfied), 一般 (so-so) or 不满意 "
        "(dissatisfied) within 48 hours, with a comment if you like. Replies are free.",
    ),
    "survey.hint_scale": (
        "请回复1至5的数字为本次服务评分（5分为非常满意），可在分数后附上意见，例如：5 服务很好。",
        "Please reply with a score from 1 to 5 (5 = very satisfied), optionally followed "
        "by a comment, e.g. 5 great service.",
    ),
    "survey.hint_three": (
        "请回复“满意”“一般”或“不满意”，可在后面附上意见，例如：不满意 排队太久。",
        "Please reply 满意 (satisfied), 一般 (so-so) or 不满意 (dissatisfied), optionally "
        "followed by a comment.",
    ),
    "survey.hint_text": ("请直接回复您的意见。", "Please reply with your comments."),
    "survey.thanks": (
        "感谢您的评价！我们会继续努力为您提供更好的服务。",
        "Thank you for your feedback!",
    ),
    "survey.thanks_low": (
        "感谢您的评价。很抱歉本次服务未能让您满意，我们会认真改进。",
        "Thank you. We are sorry we let you down and will work to do better.",
    ),
    "survey.none_open": (
        "您目前没有待回复的满意度调查，感谢您的关注。",
        "You have no survey waiting for a reply. Thank you.",
    ),
    "survey.expired": (
        "本次满意度调查已于48小时后结束，感谢您的关注。",
        "This survey closed after 48 hours. Thank you all the same.",
    ),
    "survey.already": (
        "您已完成本次满意度调查，感谢您的参与。",
        "You have already answered this survey. Thank you.",
    ),
    "survey.template_invalid": ("问卷模板无效：{reason}", "Invalid survey template: {reason}"),
    "survey.template_unknown": ("没有问卷模板{code}。", "There is no survey template {code}."),
    "survey.not_your_template": (
        "只有总部或模板所属省公司可以修改该问卷模板。",
        "Only headquarters or the owning province may change this template.",
    ),
    "survey.bad_dimension": ("无法按{value}统计。", "Cannot group scores by {value}."),
    "survey.bad_trigger": ("未知的调查触发类型{value}。", "Unknown survey trigger {value}."),
    "survey.unknown": ("没有该满意度调查。", "There is no such survey."),
}
register(TEXTS)


class Trigger(enum.StrEnum):
    """The contact a survey asks about; it is also the scored "channel"."""

    SHOP = "shop"  # a visit recorded at a shop
    HOTLINE = "hotline"  # a 10086 call closed by an agent
    TICKET = "ticket"  # a complaint ticket closed
    G3 = "g3"  # a new G3 subscription
    ONLINE = "online"  # the online business hall


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

# --- templates ----------------------------------------------------------------------


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
        raise InvalidInput("survey.template_invalid", reason=str(exc)) from exc
    return check_template(t)


def _when(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=OPERATOR_TZ)


def check_template(t: Template) -> Template:
    """The rules every template version keeps (else :class:`InvalidInput`)."""

    def bad(reason: str) -> InvalidInput:
        return InvalidInput("survey.template_invalid", reason=reason)

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
        raise Forbidden("survey.not_your_template")


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


# --- who is asked, and when -------------------------------------------------------


def sampled(key: str, percent: int, seed: str = "") -> bool:
    """Whether the contact ``key`` is in the sample: a hash of ``seed:key`` in [0, 100)
    below ``percent``. Deterministic: the same key always gives the same answer."""
    if percent >= 100:
        return True
    if percent <= 0:
        return False
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") * 100 < percent * 2**64


def may_survey(last_sent_at: datetime | None, now: datetime) -> bool:
    """At most one survey per subscriber per 7 days (counted from when one went out)."""
    return last_sent_at is None or now - last_sent_at >= RESURVEY_AFTER


def send_time(now: datetime) -> datetime:
    """When a survey due ``now`` may go out: never in quiet hours (22:00–08:00)."""
    return release_time(now)


def expires_at(sent_at: datetime) -> datetime:
    return sent_at + OPEN_FOR


def is_g3_package(code: str, name_zh: str = "", name_en: str = "") -> bool:
    """A subscription to this package is a "new G3 subscription" (the ``g3`` trigger):
    ``G3`` in its code or either name, case-insensitive — in the catalog QQT88
    (全球通88套餐G3版), WLT (动感地带网聊套餐G3版) and G3YH (1元G3优惠包)."""
    return any("G3" in part.upper() for part in (code, name_zh, name_en))


# --- replies ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    """A readable answer: ``score`` 1–5 (None for free text), ``label`` as given, the comment."""

    score: int | None
    label: str
    comment: str = ""

    @property
    def satisfied(self) -> bool:
        return self.score is not None and self.score >= SATISFIED_FROM

    @property
    def low(self) -> bool:
        return self.score is not None and self.score <= LOW_SCORE_UPTO


@dataclass(frozen=True, slots=True)
class Malformed:
    """Not an answer to the question: ``hint_key`` says politely how to answer."""

    hint_key: str


_LEVEL_WORDS: tuple[tuple[str, int], ...] = (
    # longest first, so 不满意 is not read as 满意
    ("非常不满意", 1),
    ("很不满意", 1),
    ("不太满意", 2),
    ("不满意", 1),
    ("非常满意", 5),
    ("很满意", 5),
    ("比较满意", 4),
    ("基本满意", 4),
    ("满意", 5),
    ("一般", 3),
    ("dissatisfied", 1),
    ("unsatisfied", 1),
    ("satisfied", 5),
    ("neutral", 3),
)
_SEPARATORS = " \t\r\n,，.。;；:：!！、/-—~～分"
_HINTS = {
    AnswerKind.SCALE5: "survey.hint_scale",
    AnswerKind.THREE: "survey.hint_three",
    AnswerKind.TEXT: "survey.hint_text",
}


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), control characters dropped, spaces squeezed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c if c.isprintable() else " " for c in text if unicodedata.category(c) != "Cs")
    return " ".join(text.split())


def parse_reply(text: str, kind: AnswerKind = AnswerKind.SCALE5) -> Answer | Malformed:
    """Read a reply to a question of ``kind``. Never raises.

    ``1``–``5`` (full-width too) answer a scale; 满意/一般/不满意 (and 非常/很/比较…
    forms) answer either scored kind; digits do not answer a three-level question. A
    comment after the score is kept (``不满意 排队太久``). Free text takes anything.
    """
    clean = normalise(text)
    if not clean:
        return Malformed(_HINTS[kind])
    if kind is AnswerKind.TEXT:
        return Answer(None, "", clean[:MAX_COMMENT])
    for word, score in _LEVEL_WORDS:
        if clean[: len(word)].lower() == word:
            return Answer(score, clean[: len(word)], _comment(clean[len(word) :]))
    match = re.match(r"(\d+)", clean)
    if match and kind is AnswerKind.SCALE5:
        digits = match.group(1)
        rest = clean[len(digits) :]
        decimal = re.match(r"[.,]\d", rest)
        ok_end = not rest or (rest[0] in _SEPARATORS and not decimal)
        if len(digits) == 1 and "1" <= digits <= "5" and ok_end:
            return Answer(int(digits), digits, _comment(rest))
    return Malformed(_HINTS[kind])


def _comment(rest: str) -> str:
    return rest.strip(_SEPARATORS)[:MAX_COMMENT]


def parse_form(template: Template, fields: Mapping[str, str]) -> dict[str, Answer] | Malformed:
    """Read a web form (question id → value): every scored question must be answered;
    free-text questions may be left empty."""
    out: dict[str, Answer] = {}
    for q in template.questions:
        raw = normalise(fields.get(q.id, ""))
        if q.kind is AnswerKind.TEXT:
            if raw:
                out[q.id] = Answer(None, "", raw[:MAX_COMMENT])
            continue
        if q.kind is AnswerKind.SCALE5 and raw in {"1", "2", "3", "4", "5"}:
            out[q.id] = Answer(int(raw), raw)
        elif raw in THREE_LEVELS:
            out[q.id] = Answer(THREE_LEVELS[raw], raw)
        else:
            return Malformed(_HINTS[q.kind])
    return out


def follow_up_category(trigger: Trigger) -> str:
    """The complaint category a ticket opened from a low score starts with."""
    return {
        Trigger.SHOP: "SVC.HALL.ATTITUDE",
        Trigger.HOTLINE: "SVC.HOTLINE.WAIT",
        Trigger.TICKET: "SVC.HOTLINE.WAIT",
        Trigger.G3: "NET.DATA.G3",
        Trigger.ONLINE: "SVC.HALL.ATTITUDE",
    }[trigger]


# --- scores -----------------------------------------------------------------------

DIMENSIONS = ("province", "channel", "shop", "template", "version", "month")


@dataclass(frozen=True, slots=True)
class Scored:
    """One scored answer (the headline question of one survey) with its dimensions."""

    province: str
    channel: str
    shop: str
    template: str
    version: int
    month: str
    score: int


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One group: counts, satisfaction rate with Wilson 95% interval, mean with normal 95%."""

    key: tuple[str, ...]
    count: int
    satisfied: int
    rate: float
    rate_low: float
    rate_high: float
    mean: float
    mean_low: float
    mean_high: float
    histogram: tuple[int, int, int, int, int] = field(default=(0, 0, 0, 0, 0))


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (0, 1 when there is no data)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(scores: Sequence[int], z: float = Z95) -> tuple[float, float, float]:
    """Mean and normal-approximation interval (sample standard deviation), within 1–5;
    fewer than two scores give the whole scale."""
    n = len(scores)
    if n == 0:
        return 0.0, 1.0, 5.0
    mean = sum(scores) / n
    if n < 2:
        return mean, 1.0, 5.0
    var = sum((s - mean) ** 2 for s in scores) / (n - 1)
    half = z * math.sqrt(var / n)
    return mean, max(1.0, mean - half), min(5.0, mean + half)


def score_table(rows: Iterable[Scored], by: Sequence[str] = ("province",)) -> list[ScoreRow]:
    """Group ``rows`` by the named dimensions (see :data:`DIMENSIONS`), sorted by key."""
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise InvalidInput("survey.bad_dimension", value=",".join(unknown))
    groups: dict[tuple[str, ...], list[int]] = {}
    for r in rows:
        key = tuple(str(getattr(r, d)) for d in by)
        groups.setdefault(key, []).append(r.score)
    out = []
    for key in sorted(groups):
        scores = groups[key]
        n = len(scores)
        good = sum(s >= SATISFIED_FROM for s in scores)
        low, high = wilson(good, n)
        mean, m_low, m_high = mean_interval(scores)
        c = scores.count
        hist = (c(1), c(2), c(3), c(4), c(5))
        out.append(ScoreRow(key, n, good, good / n, low, high, mean, m_low, m_high, hist))
    return out
