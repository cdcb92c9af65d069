"""SMS to SP access codes (1066…): ``DG<code>`` orders, ``TD`` / ``TD<code>`` cancels at once.

The bare service code orders too. Thin: an order only becomes pending; the confirmation SMS
comes from 10086 and the subscriber's ``Y`` there is the consent (:mod:`telcare.services.partners`).
"""

from __future__ import annotations

from telcare.channels.sms import registry
from telcare.channels.sms.messages import MoMessage
from telcare.domain import sms_grammar as g
from telcare.domain.messages import render
from telcare.domain.partners import parse_sp_order
from telcare.services import partners
from telcare.services.selfcare import Overview
from telcare.store.uow import Database

PREFIX = "1066"


@registry.prefix(PREFIX)
def handle(db: Database, mo: MoMessage, who: Overview) -> str | None:
    """Answer every message to an SP access code."""
    lang = who.language
    access = partners.sp_of_number(db, mo.recipient)
    reply = g.parse_sp_reply(mo.text)
    if isinstance(reply, g.SpUnsubscribe):
        done = partners.cancel(db, mo.sender, access, reply.service_code, channel="sms")
        names = "、".join(c.offer.name(lang) for c in done)
        return render("sp.cancelled", lang, sp=access, name=names)
    code = parse_sp_order(mo.text)
    if code is None:
        return render("sp.help", lang)
    partners.request(db, mo.sender, access, code, channel="sms")
    return render("sp.ack", lang)
