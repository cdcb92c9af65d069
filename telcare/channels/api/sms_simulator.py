"""HTTP SMS simulator: deliver an MO through the real dispatcher (demos and tests)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from telcare.channels.api.deps import get_dispatcher
from telcare.channels.guards import public
from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage

router = APIRouter(tags=["SMS simulator"])


class MoIn(BaseModel):
    sender: str = Field(min_length=1, max_length=21, examples=["13800138000"])
    recipient: str = Field(min_length=1, max_length=21, examples=["10086"])
    text: str = Field(max_length=1000, examples=["CXYE"])


class MtOut(BaseModel):
    sender: str
    recipient: str
    text: str


@router.post(
    "/sms/mo",
    response_model=list[MtOut],
    dependencies=[public("demo mode only: the SMS simulator")],
)
def deliver_mo(
    mo: MoIn, dispatcher: Annotated[SmsDispatcher, Depends(get_dispatcher)]
) -> list[MtOut]:
    """Deliver one mobile-originated SMS; the replies come back in order."""
    replies = dispatcher.handle(MoMessage(mo.sender, mo.recipient, mo.text))
    return [MtOut(sender=r.sender, recipient=r.recipient, text=r.text) for r in replies]
