"""``GET /api/sms/outbound``: the delivery state of notification MTs, for staff.

Staff see the lines of their province (headquarters: every line, and the whole outbox when
no line is named). States: queued, sending, submitted, delivered, failed.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from telcare.channels.api.tmf.common import Caller, Db, TmfRoute
from telcare.channels.guards import requires
from telcare.domain.access import Kind, require_subscriber_access
from telcare.domain.errors import Forbidden
from telcare.domain.messages import N_
from telcare.services import mt_state, selfcare

router = APIRouter(prefix="/api/sms", tags=["sms"], route_class=TmfRoute)


class MtStateOut(BaseModel):
    id: int
    recipient: str
    sender: str
    text: str
    status: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    done_at: datetime | None
    smsc_message_id: str | None
    last_error: str | None


@router.get(
    "/outbound",
    summary="Notification MTs and their delivery state (staff)",
    dependencies=[requires("sms.outbound.view")],
)
def outbound(
    db: Db,
    who: Caller,
    msisdn: Annotated[str | None, Query(max_length=20)] = None,
    status: Annotated[
        str | None, Query(pattern="^(queued|sending|submitted|delivered|failed)$")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[MtStateOut]:
    if who.kind is not Kind.STAFF:
        raise Forbidden(N_("access.denied"))
    recipient = None
    if msisdn is not None:
        line = selfcare.overview(db, msisdn)
        require_subscriber_access(who, line.msisdn, line.province)
        recipient = line.msisdn
    elif not who.is_headquarters:
        raise Forbidden(N_("access.denied"))
    rows = mt_state.states(db, recipient=recipient, status=status, limit=limit)
    return [MtStateOut(**asdict(row)) for row in rows]
