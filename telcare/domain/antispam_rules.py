"""Anti-spam rules: the delivery filter, rule limits and when a reported sender is flagged.

Pure: the classifier is passed in as a function, so the order of the checks, the
sensitivity thresholds and the flagging thresholds each live here and only here.

Filter order for one mobile-terminated SMS (first match decides):

1. the sender's outbound SMS is restricted (flagged on-net sender) -> **stop**
2. the sender is on the recipient's allowlist -> deliver
3. the sender is on the recipient's blocklist (a number, or a prefix) -> quarantine
4. the text contains one of the recipient's keywords -> quarantine
5. the sender is a registered enterprise sender -> deliver
6. the sender is flagged but not restricted (SP code, off-net) -> quarantine
7. the classifier's score reaches the recipient's sensitivity -> quarantine
   (normal: :data:`QUARANTINE_SCORE`, only a high score; strict: :data:`STRICT_THRESHOLD`)
8. otherwise -> deliver

Nothing is stopped on the classifier alone: a held message is always in the recipient's box.
"""

from __future__ import annotations

import enum
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from telcare.domain.errors import Conflict, InvalidInput
from telcare.domain.inputs import check_plain
from telcare.domain.messages import N_
from telcare.domain.sms_grammar import MAX_KEYWORD, phone_number

REPORT_NUMBER = "10086999"
"""Where subscribers send spam reports; acknowledgements and outcomes come from it too."""

QUARANTINE_DAYS = 30
"""Quarantined (and received) messages are kept this long, then purged."""

MAX_NUMBER_RULES = 100
"""Blocked numbers and prefixes per subscriber."""
MAX_KEYWORD_RULES = 50
MAX_ALLOW_RULES = 100
MIN_PREFIX = 3
MAX_SENDER = 20

# --- flagging thresholds ----------------------------------------------------------------

FLAG_WINDOW = timedelta(hours=24)
FLAG_REPORTERS = 5
"""Distinct reporters of one sender within :data:`FLAG_WINDOW` that flag it."""
FLAG_HIGH_SCORE = 0.9
"""A mean classifier score of the reports at least this high ..."""
FLAG_HIGH_SCORE_REPORTERS = 3
"""... flags the sender with this many distinct reporters already."""

STRICT_THRESHOLD = 0.5
"""Spam probability that quarantines for a ``strict`` subscriber."""
QUARANTINE_SCORE = 0.7
"""Spam probability that quarantines for a ``normal`` subscriber: only a high score holds a
message (transactional texts stay far below it, see docs/antispam.md)."""

SP_PREFIX = "1066"
"""SP access codes (``10660000xx``) start with this."""


class Sensitivity(enum.StrEnum):
    STRICT = "strict"
    NORMAL = "normal"
    OFF = "off"


class Action(enum.StrEnum):
    DELIVER = "deliver"
    QUARANTINE = "quarantine"
    STOP = "stop"


class Reason(enum.StrEnum):
    SENDER_RESTRICTED = "sender_restricted"
    ALLOWLIST = "allowlist"
    BLOCKED_NUMBER = "blocked_number"
    BLOCKED_PREFIX = "blocked_prefix"
    KEYWORD = "keyword"
    SENDER_FLAGGED = "sender_flagged"
    CLASSIFIER = "classifier"
    ENTERPRISE = "enterprise"
    CLEAN = "clean"


class RuleKind(enum.StrEnum):
    ALLOW = "allow"
    NUMBER = "number"
    PREFIX = "prefix"
    KEYWORD = "keyword"


class SenderKind(enum.StrEnum):
    ON_NET = "on_net"
    SP = "sp"
    OFF_NET = "off_net"


class SenderStatus(enum.StrEnum):
    CLEAR = "clear"
    FLAGGED = "flagged"
    RESTRICTED = "restricted"


@dataclass(frozen=True, slots=True)
class Rules:
    """One subscriber's filter settings."""

    allow: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    sensitivity: Sensitivity = Sensitivity.NORMAL


@dataclass(frozen=True, slots=True)
class Decision:
    """What happens to one MT SMS and why (``detail``: the rule or keyword that matched)."""

    action: Action
    reason: Reason
    score: float | None = None
    detail: str = ""

    @property
    def delivered(self) -> bool:
        return self.action is Action.DELIVER


Classifier = Callable[[float | None], tuple[bool, float]]
"""Given a threshold (None: the model's own), whether the text is spam and its score."""


def threshold(sensitivity: Sensitivity) -> float:
    """The spam probability that quarantines at ``sensitivity``."""
    return STRICT_THRESHOLD if sensitivity is Sensitivity.STRICT else QUARANTINE_SCORE


def normalise_text(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: how texts and keywords are compared."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


MAX_TEXT = 2000


def storable(text: str) -> str:
    """``text`` as kept: no NUL or lone surrogates (PostgreSQL refuses them), trimmed, capped."""
    safe = text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
    return safe.strip()[:MAX_TEXT]


def fingerprint(text: str) -> str:
    """Identifies a text across forwarding (width, case and spacing ignored)."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def decide(
    sender: str,
    text: str,
    rules: Rules,
    classify: Classifier,
    status: SenderStatus = SenderStatus.CLEAR,
    enterprise: bool = False,
) -> Decision:
    """The filter (see the module docstring); ``classify`` is called only when needed."""
    if status is SenderStatus.RESTRICTED:
        return Decision(Action.STOP, Reason.SENDER_RESTRICTED)
    if sender in rules.allow:
        return Decision(Action.DELIVER, Reason.ALLOWLIST, detail=sender)
    if sender in rules.numbers:
        return Decision(Action.QUARANTINE, Reason.BLOCKED_NUMBER, detail=sender)
    prefix = next((p for p in rules.prefixes if sender.startswith(p)), None)
    if prefix is not None:
        return Decision(Action.QUARANTINE, Reason.BLOCKED_PREFIX, detail=prefix)
    if rules.keywords:
        body = normalise_text(text)
        word = next((w for w in rules.keywords if w and w in body), None)
        if word is not None:
            return Decision(Action.QUARANTINE, Reason.KEYWORD, detail=word)
    if enterprise:
        return Decision(Action.DELIVER, Reason.ENTERPRISE, detail=sender)
    if status is SenderStatus.FLAGGED:
        return Decision(Action.QUARANTINE, Reason.SENDER_FLAGGED)
    if rules.sensitivity is Sensitivity.OFF:
        return Decision(Action.DELIVER, Reason.CLEAN)
    spam, score = classify(threshold(rules.sensitivity))
    if spam:
        return Decision(Action.QUARANTINE, Reason.CLASSIFIER, score=score)
    return Decision(Action.DELIVER, Reason.CLEAN, score=score)


# --- rules management ------------------------------------------------------------------

_DIGITS = re.compile(r"[0-9]+", re.ASCII)

LIMITS: dict[RuleKind, int] = {
    RuleKind.ALLOW: MAX_ALLOW_RULES,
    RuleKind.NUMBER: MAX_NUMBER_RULES,
    RuleKind.PREFIX: MAX_NUMBER_RULES,
    RuleKind.KEYWORD: MAX_KEYWORD_RULES,
}


def rule_value(kind: RuleKind, raw: str) -> str:
    """The stored form of a rule's value, or :class:`InvalidInput`."""
    check_plain(raw)
    if kind is RuleKind.KEYWORD:
        word = normalise_text(raw)
        if not word:
            raise InvalidInput(N_("antispam.keyword_empty"))
        if len(word) > MAX_KEYWORD:
            raise InvalidInput(N_("antispam.keyword_long"), limit=MAX_KEYWORD)
        return word
    if kind is RuleKind.PREFIX:
        digits = unicodedata.normalize("NFKC", raw).strip()
        if not _DIGITS.fullmatch(digits) or not MIN_PREFIX <= len(digits) <= MAX_SENDER:
            raise InvalidInput(N_("antispam.prefix_invalid"), value=raw)
        return digits
    number = phone_number(raw)
    if number is None:
        raise InvalidInput(N_("antispam.number_invalid"), value=raw)
    return number


def sender_number(raw: str) -> str:
    """A sender address in its national form when it reads as a number, else trimmed."""
    return phone_number(raw) or storable(raw)[:MAX_SENDER]


def check_limit(kind: RuleKind, used: int) -> None:
    """Refuse one more rule of ``kind`` when ``used`` (numbers and prefixes share one) is full."""
    limit = LIMITS[kind]
    if used >= limit:
        key = (
            N_("antispam.limit_keywords")
            if kind is RuleKind.KEYWORD
            else N_("antispam.limit_numbers")
        )
        if kind is RuleKind.ALLOW:
            key = N_("antispam.limit_allow")
        raise Conflict(key, limit=limit)


def sender_kind(sender: str, on_net: bool) -> SenderKind:
    """An SP access code, one of our subscribers, or anything else."""
    if sender.startswith(SP_PREFIX) and len(sender) <= 12:
        return SenderKind.SP
    return SenderKind.ON_NET if on_net else SenderKind.OFF_NET


def status_after_flag(kind: SenderKind) -> SenderStatus:
    """On-net senders get their outbound SMS restricted; others are quarantined for all."""
    return SenderStatus.RESTRICTED if kind is SenderKind.ON_NET else SenderStatus.FLAGGED


# --- flagging --------------------------------------------------------------------------


class FlagReason(enum.StrEnum):
    REPORTERS = "reporters"
    HIGH_SCORE = "high_score"
    STAFF = "staff"
    BEHAVIOUR = "behaviour"


@dataclass(frozen=True, slots=True)
class FlagPolicy:
    """When reports flag a sender (defaults: the module constants, see the docs)."""

    reporters: int = FLAG_REPORTERS
    high_score: float = FLAG_HIGH_SCORE
    high_score_reporters: int = FLAG_HIGH_SCORE_REPORTERS
    window: timedelta = field(default=FLAG_WINDOW)


def should_flag(
    reporters: int, mean_score: float | None, policy: FlagPolicy = FlagPolicy()
) -> FlagReason | None:
    """Whether ``reporters`` distinct reporters in the window (mean score) flag a sender."""
    if reporters >= policy.reporters:
        return FlagReason.REPORTERS
    if (
        mean_score is not None
        and mean_score >= policy.high_score
        and reporters >= policy.high_score_reporters
    ):
        return FlagReason.HIGH_SCORE
    return None


def mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


# --- texts -----------------------------------------------------------------------------
