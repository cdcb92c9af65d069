"""Anti-spam API under ``/api/antispam``: reports, the quarantine box, senders, audit.

Bearer tokens from ``POST /tmf-api/auth/token``. Subscribers report and manage their
own quarantine box; staff see any line of their province (headquarters: all) and the
platform views; flagging, unflagging and dismissing need headquarters staff.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from telcare.channels.api.tmf.common import Caller, Db, TmfRoute
from telcare.channels.guards import requires
from telcare.domain.access import Kind, Principal, require_subscriber_access
from telcare.domain.errors import Forbidden, InvalidInput
from telcare.domain.messages import N_
from telcare.services import antispam, selfcare
from telcare.store.uow import Database

router = APIRouter(prefix="/api/antispam", tags=["anti-spam"], route_class=TmfRoute)


MessageId = Annotated[str, Path(min_length=1, max_length=64)]
Sender = Annotated[str, Path(min_length=3, max_length=24, pattern=r"^\+?[0-9]+$")]
Line = Annotated[str | None, Query(max_length=20, description="The line; yours by default.")]


class ReportIn(BaseModel):
    text: str = Field(min_length=1, max_length=1000, description="The spam text.")
    sender: str | None = Field(
        default=None, max_length=24, description="Who sent it; omitted: matched by text."
    )
    reporter: str | None = Field(
        default=None, max_length=20, description="Staff only: the reporting subscriber."
    )


class ReportOut(BaseModel):
    id: int
    sender: str
    duplicate: bool
    status: str
    outcome: str | None


class MessageOut(BaseModel):
    message_id: str
    sender: str
    text: str
    reason: str
    detail: str
    score: float | None
    created_at: datetime
    reported_at: datetime | None


class SenderOut(BaseModel):
    sender: str
    kind: str
    status: str
    reports: int
    reporters: int
    reporters_24h: int
    mean_score: float | None
    last_report: datetime


class ReportRowOut(BaseModel):
    id: int
    reporter: str
    sender: str
    text: str
    score: float | None
    channel: str
    status: str
    outcome: str | None
    created_at: datetime
    handled_at: datetime | None
    sender_status: str


class ActionOut(BaseModel):
    id: int
    sender: str
    action: str
    actor: str
    detail: dict[str, Any]
    created_at: datetime


def _line(db: Database, who: Principal, msisdn: str | None) -> str:
    """The line ``who`` acts on: a subscriber's own, or one a staff member may see."""
    if msisdn is None:
        if who.kind is not Kind.SUBSCRIBER:
            raise InvalidInput(N_("antispam.line_missing"))
        msisdn = who.subject
    line = selfcare.overview(db, msisdn)
    require_subscriber_access(who, line.msisdn, line.province)
    return line.msisdn


def _staff(who: Principal, *, hq: bool = False) -> None:
    if who.kind is not Kind.STAFF or (hq and not who.is_headquarters):
        raise Forbidden(N_("access.denied"))


def _report_out(result: antispam.ReportResult) -> ReportOut:
    return ReportOut(
        id=result.report_id,
        sender=result.sender,
        duplicate=result.duplicate,
        status=result.status,
        outcome=result.outcome,
    )


@router.post(
    "/reports",
    status_code=201,
    summary="Report a spam SMS",
    responses={200: {"model": ReportOut, "description": "Already reported: the earlier report"}},
    dependencies=[requires("antispam.report")],
)
def create_report(body: ReportIn, db: Db, who: Caller, response: Response) -> ReportOut:
    line = _line(db, who, body.reporter)
    result = antispam.report(db, line, body.text, sender=body.sender, channel="api")
    if result.duplicate:
        response.status_code = 200
    return _report_out(result)


@router.get(
    "/reports", summary="The report queue (staff)", dependencies=[requires("antispam.queue.view")]
)
def list_reports(
    db: Db,
    who: Caller,
    status: Annotated[str | None, Query(pattern="^(open|handled)$")] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ReportRowOut]:
    _staff(who)
    return [
        ReportRowOut(**asdict(row)) for row in antispam.report_queue(db, status=status, limit=limit)
    ]


@router.get(
    "/quarantine",
    summary="Quarantined messages of a line (last 30 days)",
    dependencies=[requires("antispam.view")],
)
def list_quarantine(db: Db, who: Caller, msisdn: Line = None) -> list[MessageOut]:
    return [
        MessageOut(
            message_id=msg.message_id,
            sender=msg.sender,
            text=msg.text,
            reason=msg.reason,
            detail=msg.detail,
            score=msg.score,
            created_at=msg.created_at,
            reported_at=msg.reported_at,
        )
        for msg in antispam.quarantine(db, _line(db, who, msisdn))
    ]


@router.post(
    "/quarantine/{message_id}/release",
    status_code=204,
    summary="Not spam: release, allowlist the sender, keep the feedback",
    dependencies=[requires("antispam.quarantine.release")],
)
def release(message_id: MessageId, db: Db, who: Caller, msisdn: Line = None) -> Response:
    antispam.release(db, _line(db, who, msisdn), message_id)
    return Response(status_code=204)


@router.post(
    "/quarantine/{message_id}/report",
    status_code=201,
    summary="Report a held SMS",
    dependencies=[requires("antispam.report")],
)
def report_held(message_id: MessageId, db: Db, who: Caller, msisdn: Line = None) -> ReportOut:
    return _report_out(antispam.report_quarantined(db, _line(db, who, msisdn), message_id))


@router.get(
    "/senders",
    summary="Reported senders, most reporters first (staff)",
    dependencies=[requires("antispam.queue.view")],
)
def ranking(
    db: Db, who: Caller, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[SenderOut]:
    _staff(who)
    return [SenderOut(**asdict(rank)) for rank in antispam.sender_ranking(db, limit=limit)]


@router.post(
    "/senders/{sender}/flag",
    summary="Flag a sender by hand (headquarters)",
    dependencies=[requires("antispam.sender.flag")],
)
def flag(sender: Sender, db: Db, who: Caller) -> dict[str, str]:
    _staff(who, hq=True)
    return {"sender": sender, "status": antispam.flag_sender(db, sender, who=who)}


@router.post(
    "/senders/{sender}/unflag",
    summary="Lift a flag (headquarters)",
    dependencies=[requires("antispam.sender.flag")],
)
def unflag(sender: Sender, db: Db, who: Caller) -> dict[str, str]:
    _staff(who, hq=True)
    antispam.unflag_sender(db, sender, who=who)
    return {"sender": sender, "status": antispam.sender_status(db, sender)}


@router.post(
    "/senders/{sender}/dismiss",
    summary="Close open reports: no violation",
    dependencies=[requires("antispam.sender.flag")],
)
def dismiss(sender: Sender, db: Db, who: Caller) -> dict[str, int]:
    _staff(who, hq=True)
    return {"dismissed": antispam.dismiss_reports(db, sender, who=who)}


@router.get(
    "/actions", summary="The audit trail (staff)", dependencies=[requires("antispam.queue.view")]
)
def audit(db: Db, who: Caller, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[ActionOut]:
    _staff(who)
    return [ActionOut(**asdict(a)) for a in antispam.actions(db, limit=limit)]
