"""``/api/surveys/club``: membership, member events, sign-ups and attendance."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from telcare.channels.api.surveys.common import POSTED, Id, _once, _staff
from telcare.channels.api.tmf.common import (
    Caller,
    Db,
    IdempotencyKey,
    Pages,
    TmfRoute,
    listed,
    problems,
)
from telcare.channels.guards import requires
from telcare.domain import club as dc
from telcare.domain.access import Kind, Principal, require_subscriber_access
from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_
from telcare.services import club, selfcare
from telcare.store.uow import Database

router = APIRouter(prefix="/api/surveys", tags=["surveys"], route_class=TmfRoute)

Line = Annotated[str | None, Query(max_length=20, description="Staff: the line to act on.")]


# --- models -------------------------------------------------------------------------------


class MembershipOut(BaseModel):
    msisdn: str
    member: bool
    changed: bool


class EventIn(BaseModel):
    kind: Literal["shop_visit", "hotline_tour", "meeting"]
    title: str = Field(min_length=1, max_length=dc.MAX_TITLE)
    starts_at: datetime
    capacity: int | None = Field(default=None, ge=1, le=100_000)


class EventOut(BaseModel):
    id: int
    kind: str
    title: str
    province: str
    starts_at: datetime
    capacity: int | None
    registered: int
    mine: bool
    attended: bool


class SignUpOut(BaseModel):
    event_id: int
    msisdn: str
    registered: bool
    changed: bool


class AttendanceIn(BaseModel):
    msisdn: str = Field(min_length=5, max_length=20)


# --- helpers ------------------------------------------------------------------------------


def _line(db: Database, who: Principal, msisdn: str | None) -> str:
    """The line ``who`` acts on: a subscriber's own, or one of a staff member's province."""
    if msisdn is None:
        if who.kind is not Kind.SUBSCRIBER:
            raise InvalidInput(N_("surveys.api.line_missing"))
        msisdn = who.subject
    line = selfcare.overview(db, msisdn)
    require_subscriber_access(who, line.msisdn, line.province)
    return line.msisdn


# --- the customer club --------------------------------------------------------------------


def _membership(db: Database, who: Principal, msisdn: str | None, join: bool) -> MembershipOut:
    line = _line(db, who, msisdn)
    changed = club.join(db, line) if join else club.leave(db, line)
    return MembershipOut(msisdn=line, member=join, changed=changed)


@router.post(
    "/club/membership",
    summary="Join the club (subscriber; staff for a line)",
    response_model=MembershipOut,
    responses=POSTED,
    dependencies=[requires("club.join")],
)
def join(
    db: Db, who: Caller, msisdn: Line = None, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    return _once(
        db,
        who,
        idempotency_key,
        "join",
        {"msisdn": msisdn},
        lambda: _membership(db, who, msisdn, True),
    )


@router.delete(
    "/club/membership",
    summary="Leave the club",
    responses=problems(401, 403, 404, 422),
    dependencies=[requires("club.join")],
)
def leave(db: Db, who: Caller, msisdn: Line = None) -> MembershipOut:
    return _membership(db, who, msisdn, False)


@router.get(
    "/club/events",
    summary="Member events",
    responses=listed(401, 403, 404, 422),
    dependencies=[requires("club.view")],
)
def list_events(db: Db, who: Caller, pages: Pages, msisdn: Line = None) -> JSONResponse:
    if who.kind is Kind.SUBSCRIBER or msisdn:
        line = _line(db, who, msisdn)
        province = selfcare.overview(db, line).province
    else:
        line, province = None, who.province
    items = club.events(db, msisdn=line, province=province)
    page = items[pages.offset : pages.offset + pages.limit]
    body = [EventOut.model_validate(e, from_attributes=True).model_dump(mode="json") for e in page]
    return JSONResponse(
        body, headers={"X-Total-Count": str(len(items)), "X-Result-Count": str(len(body))}
    )


@router.post(
    "/club/events",
    summary="Create a member event (staff)",
    status_code=201,
    response_model=EventOut,
    responses=POSTED,
    dependencies=[requires("club.event.manage")],
)
def create_event(
    body: EventIn, db: Db, who: Caller, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    _staff(who)

    def act() -> EventOut:
        event_id = club.create_event(
            db, who, body.kind, body.title, body.starts_at, capacity=body.capacity
        )
        [event] = [e for e in club.events(db) if e.id == event_id]
        return EventOut.model_validate(event, from_attributes=True)

    return _once(db, who, idempotency_key, "event", body.model_dump(mode="json"), act, status=201)


@router.post(
    "/club/events/{event_id}/registrations",
    summary="Sign up for a member event (member; staff for a line)",
    response_model=SignUpOut,
    responses=POSTED,
    dependencies=[requires("club.join")],
)
def sign_up(
    event_id: Id, db: Db, who: Caller, msisdn: Line = None, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    def act() -> SignUpOut:
        line = _line(db, who, msisdn)
        changed = club.register_for_event(db, event_id, line)
        return SignUpOut(event_id=event_id, msisdn=line, registered=True, changed=changed)

    payload = {"event": event_id, "msisdn": msisdn}
    return _once(db, who, idempotency_key, "signup", payload, act)


@router.post(
    "/club/events/{event_id}/attendance",
    summary="Mark a signed-up member present (staff)",
    response_model=SignUpOut,
    responses=POSTED,
    dependencies=[requires("club.attendance.record")],
)
def attendance(
    event_id: Id,
    body: AttendanceIn,
    db: Db,
    who: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    _staff(who)

    def act() -> SignUpOut:
        line = _line(db, who, body.msisdn)
        club.record_attendance(db, who, event_id, line)
        return SignUpOut(event_id=event_id, msisdn=line, registered=True, changed=True)

    payload = {"event": event_id, **body.model_dump()}
    return _once(db, who, idempotency_key, "attendance", payload, act)
