"""Knowledge-base rules: articles as versioned data, who may publish them, and when a
search hit is good enough to answer a subscriber by itself.

An article (``slug`` + ``language``) has numbered versions. HQ staff write a draft; a
second HQ staff member approves it (never the author); approving makes it the one
version in force, between ``valid_from`` and ``valid_to``. Searching is done by the
store's full-text engine on segmented words (:func:`search_words`); :func:`confidence`
says how much of a question the hit covers, so that an SMS gets the article only when
it fits and the help menu otherwise.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from telcare.domain import roles
from telcare.domain.access import Principal
from telcare.domain.errors import Forbidden, InvalidInput
from telcare.domain.messages import N_

LANGUAGES = ("zh-CN", "en")
CATEGORIES = (
    "balance",
    "data",
    "packages",
    "recharge",
    "points",
    "spam",
    "complaints",
    "g3",
    "account",
)
MAX_TITLE = 80
MAX_BODY = 4000
MAX_SMS_ANSWER = 300
MAX_QUESTIONS = 20
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,59}")

MIN_CONFIDENCE = 0.5
"""The share of a question's words an article must cover to answer it by itself."""

STOP_WORDS = frozenset(
    (  # noqa: SIM905 (a word list kept readable)
        "怎么 怎样 如何 怎么样 什么 哪里 哪儿 为什么 请问 请 我 我的 你 "
        "你们 您 的 了 吗 呢 吧 啊 是 在 有 要 想 能 可以 一下 下 个 "
        "和 与 及 还 多少 几 呀 么 嘛 给 把 被 让 帮 帮我 我要 我想 "
        "how do i can what is my the a an to of for in on me you your where why does are "
        "please with it this that be or and "
    ).split()
)
_WORD = re.compile(r"\w", re.UNICODE)


class Status(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SUPERSEDED = "superseded"
    RETIRED = "retired"


@dataclass(frozen=True, slots=True)
class Article:
    """One version of an article as written; ``questions`` are how subscribers ask."""

    slug: str
    language: str
    category: str
    title: str
    body: str
    sms_answer: str
    questions: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None

    def in_force(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )


@dataclass(frozen=True, slots=True)
class Hit:
    """A search result: the article version, the engine's rank and the question's cover."""

    article: Article
    version: int
    rank: float
    confidence: float = field(default=0.0)


def check_article(a: Article) -> None:
    """Raise :class:`InvalidInput` naming the first field that is not acceptable."""
    problems: list[tuple[bool, str]] = [
        (SLUG.fullmatch(a.slug) is None, "slug"),
        (a.language not in LANGUAGES, "language"),
        (a.category not in CATEGORIES, "category"),
        (not a.title.strip() or len(a.title) > MAX_TITLE, "title"),
        (not a.body.strip() or len(a.body) > MAX_BODY, "body"),
        (not a.sms_answer.strip() or len(a.sms_answer) > MAX_SMS_ANSWER, "sms_answer"),
        (len(a.questions) > MAX_QUESTIONS or any(not q.strip() for q in a.questions), "questions"),
        (
            a.valid_from is not None and a.valid_to is not None and a.valid_to <= a.valid_from,
            "valid_to",
        ),
    ]
    for bad, name in problems:
        if bad:
            raise InvalidInput(N_("kb.invalid"), field=name)


def require_editor(who: Principal) -> None:
    """Only headquarters staff write and approve articles (``knowledge.edit``)."""
    roles.require(who, "knowledge.edit")


def require_second_person(who: Principal, author: str) -> None:
    """An approver is never the version's author (four eyes)."""
    require_editor(who)
    if who.subject == author:
        raise Forbidden(N_("kb.same_approver"))


def words(tokens: Iterable[str]) -> list[str]:
    """The meaningful words of segmented text: lower case, no punctuation, no stop words."""
    out: list[str] = []
    for token in tokens:
        t = token.strip().lower()
        if len(t) == 1 and t.isascii():  # "s" of "what's", a stray letter or digit
            continue
        if t and _WORD.search(t) and t not in STOP_WORDS and t not in out:
            out.append(t)
    return out


def index_text(segmented: Iterable[str]) -> str:
    """The text the full-text engine indexes: the meaningful words joined by spaces."""
    return " ".join(words(segmented))


def confidence(question: Sequence[str], article_words: Iterable[str]) -> float:
    """The share of the question's meaningful words that the article's words contain."""
    asked = words(question)
    if not asked:
        return 0.0
    have = set(article_words)
    return sum(1 for w in asked if w in have) / len(asked)
