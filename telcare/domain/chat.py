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
from telcare.domain.messages import register

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
        raise InvalidInput("chat.empty")
    if len(cleaned) > MAX_TEXT or has_control(cleaned, multiline=True):
        raise InvalidInput("chat.too_long", limit=MAX_TEXT)
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
        raise Conflict("chat.closed")


def require_capacity(active: int) -> None:
    if active >= MAX_CHATS_PER_AGENT:
        raise Conflict("chat.agent_full", limit=MAX_CHATS_PER_AGENT)


def require_own(agent: str | None, who: str) -> None:
    if agent != who:
        raise Forbidden("chat.not_yours")


register(
    {
        "chat.empty": ("请输入内容。", "Please type a message."),
        "chat.too_long": (
            "消息过长或含有无法显示的字符（最多{limit}字）。",
            "The message is too long or holds characters that cannot be shown (at most {limit}).",
        ),
        "chat.closed": ("该会话已结束。", "This chat has ended."),
        "chat.agent_full": (
            "您已同时接待{limit}个会话。",
            "You are already in {limit} chats.",
        ),
        "chat.not_yours": ("该会话不由您接待。", "This chat is not yours."),
        "chat.unknown": ("没有该会话。", "There is no such chat."),
        "chat.hello": (
            "您好，我是10086在线助手。可以直接提问，或发送CXYE、CXLL等指令；需要人工请回复“人工”。",
            "Hello, this is the 10086 online assistant. Ask a question or send a command such "
            "as CXYE or CXLL; type 'agent' for a person.",
        ),
        "chat.unsure": (
            "抱歉，我没有找到答案。您可以换个说法，或回复“人工”转人工客服。",
            "Sorry, I have no answer to that. Try other words, or type 'agent' for a person.",
        ),
        "chat.queued": (
            "正在为您转接人工客服，请稍候。",
            "Connecting you to an agent; please wait.",
        ),
        "chat.after_hours": (
            "人工客服服务时间为每天8:00-22:00。已为您登记留言（工单{ticket}），"
            "我们将在{deadline}前回电。",
            "Agents are available 8:00-22:00 daily. Your message is logged as ticket {ticket}; "
            "we will call you back by {deadline}.",
        ),
        "chat.joined": ("客服{agent}为您服务。", "Agent {agent} is with you."),
        "chat.returned": (
            "客服已离开，正在为您转接其他客服。",
            "The agent has left; connecting you to another.",
        ),
        "chat.ended": ("会话已结束，感谢您的咨询。", "The chat has ended. Thank you."),
        "chat.role.subscriber": ("我", "Me"),
        "chat.role.bot": ("10086助手", "Assistant"),
        "chat.role.system": ("系统", "System"),
        "chat.queue.G3": ("G3专席", "G3 desk"),
        "chat.queue.GEN": ("普通坐席", "General desk"),
        "chat.state.bot": ("助手应答中", "With the assistant"),
        "chat.state.queued": ("排队中", "Waiting"),
        "chat.state.agent": ("人工服务中", "With an agent"),
        "chat.state.closed": ("已结束", "Ended"),
        "chat.hours": (
            "在线助手24小时为您服务；人工客服每天8:00-22:00，其他时段可留言，我们将回电。",
            "The assistant answers around the clock; agents 8:00-22:00 daily, and outside those "
            "hours your message becomes a call-back.",
        ),
        "chat.not_waiting": ("该会话不在排队中。", "This chat is not waiting for an agent."),
        "chat.queue_unknown": ("没有该队列。", "There is no such queue."),
        "chat.callback_summary": ("在线客服留言，请回电", "Online chat message: please call back"),
        "chat.ticket": (
            "已为您登记工单{ticket}，处理进度可在“投诉”页面查看。",
            "Ticket {ticket} has been filed; follow it on the complaints page.",
        ),
    }
)
