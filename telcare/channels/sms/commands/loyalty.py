"""Points redemption by SMS: ``DH<gift code>`` to 10086, then ``Y`` (or ``N``).

Thin: :mod:`telcare.services.loyalty` decides and holds the pending redemption;
10086's ``Y`` (:mod:`.orders`) runs the registered ``redeem`` confirmer, whose reply
(order number and warehouse, or the merchant code) comes back from the service.
A physical gift goes to the default delivery address set in the online hall.
"""

from __future__ import annotations

from telcare.channels.sms import registry
from telcare.channels.sms.messages import MoMessage
from telcare.domain import sms_grammar as g
from telcare.domain.messages import render
from telcare.services import loyalty
from telcare.services.selfcare import Overview
from telcare.store.uow import Database


@registry.command(g.Redeem)
def redeem(db: Database, mo: MoMessage, cmd: g.Command, who: Overview) -> str:
    assert isinstance(cmd, g.Redeem)
    lang = who.language
    loyalty.accrue(db, msisdn=mo.sender)  # points earned since the last run count too
    pending = loyalty.request_redemption(db, mo.sender, cmd.gift_code, channel="sms")
    gift = pending.gift
    if pending.address is not None:
        return render(
            "sms.loyalty.ask_delivery",
            lang,
            name=gift.name(lang),
            points=gift.points,
            address=pending.address.one_line(),
        )
    return render("sms.loyalty.ask_code", lang, name=gift.name(lang), points=gift.points)
