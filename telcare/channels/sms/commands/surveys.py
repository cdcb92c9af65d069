"""Survey replies by SMS: everything sent to 10086700 answers the sender's open survey.

Thin: :mod:`telcare.services.surveys` matches the reply to the survey, parses it with
the survey's own template version and says what to answer.
"""

from __future__ import annotations

from telcare.channels.sms import registry
from telcare.channels.sms.messages import MoMessage
from telcare.domain.messages import render
from telcare.domain.surveys import SURVEY_NUMBER
from telcare.services import surveys
from telcare.services.selfcare import Overview
from telcare.store.uow import Database


@registry.number(SURVEY_NUMBER)
def reply(db: Database, mo: MoMessage, who: Overview) -> str:
    """Everything sent to 10086700 answers the sender's open survey."""
    outcome = surveys.handle_reply(db, mo.sender, mo.text)
    return render(outcome.key, who.language)
