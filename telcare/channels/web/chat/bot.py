"""The chat bot: a 10086 command runs through the SMS command engine (the same code, the same
confirmations), a question gets the knowledge base's article, anything else: no answer."""

from __future__ import annotations

import uuid

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.domain import sms_grammar as g
from telcare.services import knowledge
from telcare.services.chat import Bot
from telcare.services.knowledge.search import language_of
from telcare.store.uow import Database


def bot_for(db: Database, dispatcher: SmsDispatcher, msisdn: str, language: str) -> Bot:
    """The bot answering ``msisdn`` in ``language``."""

    def answer(text: str) -> str | None:
        if not isinstance(g.parse(text), g.Unknown):  # CXYE, KTG3YH, Y, 0000, help, …
            mo = MoMessage(msisdn, "10086", text, message_id=f"chat-{uuid.uuid4()}")
            return "".join(r.text for r in dispatcher.handle(mo)) or None
        hit = knowledge.answer(db, text, language_of(language))
        return None if hit is None else f"{hit.article.title}：{hit.article.body.strip()}"

    return answer
