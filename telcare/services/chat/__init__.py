"""Online chat: the subscriber's side with the bot (:mod:`.sessions`) and the agent desk
(:mod:`.desk`: queues, taking, replying, transfer, tickets from chats, supervision).

The bot is handed in by the channel (a function from a message to a reply, or None when
it has no answer), so that self-service commands in a chat run the same command engine
as an SMS to 10086, confirmations included.
"""

from telcare.services.chat.desk import (
    leave,
    mine,
    queue,
    reply,
    supervise,
    take,
    to_ticket,
    transfer,
)
from telcare.services.chat.sessions import (
    Bot,
    ChatView,
    Message,
    close,
    messages,
    say,
    start,
    view_of,
)

__all__ = [
    "Bot",
    "ChatView",
    "Message",
    "close",
    "leave",
    "messages",
    "mine",
    "queue",
    "reply",
    "say",
    "start",
    "supervise",
    "take",
    "to_ticket",
    "transfer",
    "view_of",
]
