"""The SMS simulator page: send an MO through the real dispatcher, read the replies
and the outbox (login codes, reminders) of a number. For demos and tests."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.api.deps import get_db, get_dispatcher
from telcare.channels.guards import public
from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage, MtMessage
from telcare.channels.web.render import page
from telcare.channels.web.security import require_csrf
from telcare.domain.errors import DomainError
from telcare.services import hall
from telcare.store.uow import Database

router = APIRouter(include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
SELFCARE = "10086"


def _outbox(db: Database, msisdn: str) -> list[hall.SentSms]:
    try:
        return hall.recent_sms(db, msisdn) if msisdn else []
    except DomainError:  # not a mobile number: nothing to show
        return []


@router.get(
    "/sms/simulator",
    response_class=HTMLResponse,
    dependencies=[public("demo mode only: the SMS simulator")],
)
def simulator(request: Request, db: Db, msisdn: str = "") -> Response:
    msisdn = msisdn.strip()[:20]
    return page(
        request,
        "simulator.html",
        {
            "sender": msisdn,
            "recipient": SELFCARE,
            "text": "",
            "replies": None,
            "outbox": _outbox(db, msisdn),
        },
    )


@router.post(
    "/sms/simulator",
    response_class=HTMLResponse,
    dependencies=[Depends(require_csrf), public("demo mode only: the SMS simulator")],
)
def send_mo(
    request: Request,
    db: Db,
    dispatcher: Annotated[SmsDispatcher, Depends(get_dispatcher)],
    sender: Annotated[str, Form(max_length=21)],
    text: Annotated[str, Form(max_length=1000)],
    key: Annotated[str, Form(max_length=80)],
    recipient: Annotated[str, Form(max_length=21)] = SELFCARE,
) -> Response:
    """Deliver one MO; the form key is its message id, so a double submit acts once."""
    sender = sender.strip()
    replies: list[MtMessage] = dispatcher.handle(
        MoMessage(sender, recipient.strip(), text, message_id=key)
    )
    return page(
        request,
        "simulator.html",
        {
            "sender": sender,
            "recipient": recipient,
            "text": text,
            "replies": replies,
            "outbox": _outbox(db, sender),
        },
    )
