"""Reading a reply by SMS or a web form into answers, and the follow-up for a low score."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from telcare.domain.messages import N_
from telcare.domain.surveys.templates import THREE_LEVELS, AnswerKind, Template, Trigger

SATISFIED_FROM = 4  # a score of 4 or 5 counts as satisfied
LOW_SCORE_UPTO = 2  # a score of 1 or 2 is a candidate for a follow-up ticket
MAX_COMMENT = 500


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
    AnswerKind.SCALE5: N_("survey.hint_scale"),
    AnswerKind.THREE: N_("survey.hint_three"),
    AnswerKind.TEXT: N_("survey.hint_text"),
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
        Trigger.CHAT: "SVC.ONLINE.CHAT",
    }[trigger]
