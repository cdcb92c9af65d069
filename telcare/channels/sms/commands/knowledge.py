"""10086 free text that is no command: the knowledge base's best answer, else the help menu."""

from __future__ import annotations

from telcare.channels.sms import registry
from telcare.channels.sms.messages import MoMessage
from telcare.domain import sms_grammar as g
from telcare.domain.messages import render
from telcare.services import knowledge
from telcare.services.knowledge.search import language_of
from telcare.services.selfcare import Overview
from telcare.store.uow import Database


@registry.command(g.Unknown)
def free_text(db: Database, mo: MoMessage, cmd: g.Command, who: Overview) -> str:
    """A question such as “怎么查流量” gets its article's short answer (with the command)."""
    assert isinstance(cmd, g.Unknown)
    hit = knowledge.answer(db, cmd.text, language_of(who.language))
    if hit is None:
        return render("sms.help", who.language)
    return render("sms.kb_answer", who.language, answer=hit.article.sms_answer)
