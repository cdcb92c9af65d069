"""Online chat rules: what a chat message may be, who it goes to, and when people answer.

A chat starts with the bot. The subscriber asks for a person (or the bot is unsure twice)
and the chat joins a queue: ``G3`` for 全球通 (GoTone) subscribers, with a shorter answer
target, else ``GEN``. Agents work ``STAFFED_FROM``–``STAFFED_UNTIL`` Beijing time; outside
those hours a request for a person becomes a call-back ticket instead.
"""

from __future__ import annotations

import enum
from datetime import datetime, time, timedelta

from telcare.domain.errors import Conflict, Forbidden, InvalidInput
from telcare.domain.inputs import has_control
from telcare.domain.messages import N_

MAX_TEXT = 1000
MAX_CHATS_PER_AGENT = 4
BOT_MISSES_BEFORE_HANDOVER = 2
STAFFED_FROM, STAFFED_UNTIL = time(8), time(22)
G3_BRAND = "GOTONE"
ANSWER_TARGET = {"G3": timedelta(seconds=10), "GEN": timedelta(seconds=20)}
QUEUES = tuple(ANSWER_TARGET)
HANDOVER = frozenset(
    "人工 转人工 人工客服 真人 找客服 客服 agent human person operator".split()  # noqa: SIM905
)


class State(enum.StrEnum):
    BOT = "bot"
    QUEUED = "queued"
    AGENT = "agent"
    CLOSED = "closed"


class Role(enum.StrEnum):
    SUBSCRIBER = "subscriber"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"


def check_text(text: str) -> str:
    """A chat message as sent: stripped; :class:`InvalidInput` when empty, over
    :data:`MAX_TEXT` characters or holding control characters (line breaks pass)."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput(N_("chat.empty"))
    if len(cleaned) > MAX_TEXT or has_control(cleaned, multiline=True):
        raise InvalidInput(N_("chat.too_long"), limit=MAX_TEXT)
    return cleaned


def wants_person(text: str) -> bool:
    """Whether a message asks for a person (人工, 转人工, agent, …)."""
    words = text.strip().strip("。.!！?？").lower()
    return words in HANDOVER or any(w in words for w in ("转人工", "人工客服"))


def queue_for(brand: str) -> str:
    """The queue a subscriber's chat joins: the G3 desk for 全球通 subscribers."""
    return "G3" if brand == G3_BRAND else "GEN"


def staffed(local: datetime) -> bool:
    """Whether agents are at their desks at this Beijing-time instant."""
    return STAFFED_FROM <= local.time() < STAFFED_UNTIL


def next_opening(local: datetime) -> datetime:
    """The next instant (Beijing time) agents are at their desks."""
    if staffed(local):
        return local
    day = local.date() if local.time() < STAFFED_FROM else local.date() + timedelta(days=1)
    return datetime.combine(day, STAFFED_FROM, tzinfo=local.tzinfo)


def require_open(state: str) -> None:
    if state == State.CLOSED:
        raise Conflict(N_("chat.closed"))


def require_capacity(active: int) -> None:
    if active >= MAX_CHATS_PER_AGENT:
        raise Conflict(N_("chat.agent_full"), limit=MAX_CHATS_PER_AGENT)


def require_own(agent: str | None, who: str) -> None:
    if agent != who:
        raise Forbidden(N_("chat.not_yours"))
