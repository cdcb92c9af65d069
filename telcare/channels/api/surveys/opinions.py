"""``/api/surveys``: opinion campaigns, opinions and essays sent to them, moderation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from telcare.channels.api.surveys.common import POSTED, Code, Id, _once, _scope, _staff
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
from telcare.domain.access import Kind
from telcare.domain.errors import Forbidden
from telcare.domain.messages import N_
from telcare.services import club

router = APIRouter(prefix="/api/surveys", tags=["surveys"], route_class=TmfRoute)


# --- models -------------------------------------------------------------------------------


class CampaignIn(BaseModel):
    code: str = Field(min_length=1, max_length=30, pattern=r"^[A-Za-z0-9_.-]+$")
    title: str = Field(min_length=1, max_length=dc.MAX_TITLE)
    starts_at: datetime
    ends_at: datetime | None = None


class CampaignOut(BaseModel):
    code: str
    title: str
    province: str
    starts_at: datetime
    ends_at: datetime | None
    open: bool


class SubmissionIn(BaseModel):
    kind: Literal["opinion", "essay"]
    category: Literal["network", "products", "channels", "service"]
    title: str = Field(default="", max_length=dc.MAX_TITLE)
    text: str = Field(min_length=1, max_length=dc.MAX_ESSAY)


class SubmissionOut(BaseModel):
    id: int
    campaign: str
    msisdn: str
    kind: str
    category: str
    title: str
    text: str
    state: str
    created_at: datetime
    moderated_by: str | None


class ModerationIn(BaseModel):
    action: Literal["approve", "reject", "feature", "unfeature"]


class StateOut(BaseModel):
    id: int
    state: str


# --- opinions -----------------------------------------------------------------------------


@router.get(
    "/campaigns",
    summary="Opinion campaigns",
    responses=problems(401, 422),
    dependencies=[requires("club.view")],
)
def list_campaigns(
    db: Db, who: Caller, open_only: Annotated[bool, Query(alias="open")] = False
) -> list[CampaignOut]:
    return [
        CampaignOut.model_validate(c, from_attributes=True)
        for c in club.campaigns(db, open_only=open_only)
    ]


@router.post(
    "/campaigns",
    summary="Open an opinion campaign (staff)",
    status_code=201,
    response_model=CampaignOut,
    responses=POSTED,
    dependencies=[requires("club.campaign.manage")],
)
def create_campaign(
    body: CampaignIn, db: Db, who: Caller, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    _staff(who)

    def act() -> CampaignOut:
        club.create_campaign(db, who, body.code, body.title, body.starts_at, body.ends_at)
        [c] = [c for c in club.campaigns(db) if c.code == body.code.upper()]
        return CampaignOut.model_validate(c, from_attributes=True)

    return _once(
        db, who, idempotency_key, "campaign", body.model_dump(mode="json"), act, status=201
    )


@router.post(
    "/campaigns/{code}/submissions",
    summary="Send an opinion or an essay to an open campaign (subscriber)",
    status_code=201,
    response_model=StateOut,
    responses=POSTED,
    dependencies=[requires("club.opinion.submit")],
)
def submit(
    code: Code, body: SubmissionIn, db: Db, who: Caller, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    if who.kind is not Kind.SUBSCRIBER:
        raise Forbidden(N_("surveys.api.subscriber_only"))

    def act() -> StateOut:
        sid = club.submit(db, code, who.subject, body.kind, body.category, body.text, body.title)
        return StateOut(id=sid, state=dc.State.PENDING.value)

    payload = {"campaign": code.upper(), **body.model_dump()}
    return _once(db, who, idempotency_key, "submit", payload, act, status=201)


@router.get(
    "/submissions",
    summary="Opinions and essays (subscribers: their own; staff: their province's campaigns)",
    responses=listed(401, 403, 422),
    dependencies=[requires("club.view")],
)
def list_submissions(
    db: Db,
    who: Caller,
    pages: Pages,
    campaign: Annotated[str | None, Query(max_length=30)] = None,
    state: Annotated[Literal["pending", "approved", "rejected", "featured"] | None, Query()] = None,
) -> JSONResponse:
    mine = who.subject if who.kind is Kind.SUBSCRIBER else None
    province = None if mine else _scope(who)
    items, total = club.submissions(
        db,
        campaign=campaign,
        state=state,
        msisdn=mine,
        province=province,
        offset=pages.offset,
        limit=pages.limit,
    )
    body = [
        SubmissionOut.model_validate(i, from_attributes=True).model_dump(mode="json") for i in items
    ]
    return JSONResponse(
        body, headers={"X-Total-Count": str(total), "X-Result-Count": str(len(body))}
    )


@router.post(
    "/submissions/{submission_id}/moderation",
    summary="Approve, reject, feature or unfeature a submission (staff)",
    response_model=StateOut,
    responses=POSTED,
    dependencies=[requires("club.submission.moderate")],
)
def moderate(
    submission_id: Id,
    body: ModerationIn,
    db: Db,
    who: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    _staff(who)

    def act() -> StateOut:
        return StateOut(id=submission_id, state=club.moderate(db, who, submission_id, body.action))

    payload = {"id": submission_id, **body.model_dump()}
    return _once(db, who, idempotency_key, "moderate", payload, act)
