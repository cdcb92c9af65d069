"""Survey replies by SMS: everything sent to 10086700 answers the sender's open survey.

Thin: :mod:`telcare.services.surveys` matches the reply to the survey, parses it with
the survey's own template version and says what to answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telcare.channels.sms.messages import MoMessage
from telcare.domain.messages import render
from telcare.domain.surveys import SURVEY_NUMBER
from telcare.services import surveys
from telcare.services.selfcare import Overview

if TYPE_CHECKING:
    from telcare.channels.sms.dispatcher import SmsDispatcher


def install(dispatcher: SmsDispatcher) -> None:
    """Plug the 10086700 service number into ``dispatcher``."""
    db = dispatcher.db

    def reply(mo: MoMessage, who: Overview) -> str:
        outcome = surveys.handle_reply(db, mo.sender, mo.text)
        return render(outcome.key, who.language)

    dispatcher.on_number(SURVEY_NUMBER, reply)
