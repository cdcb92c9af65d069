"""Surveys, customer club and opinions API under ``/api/surveys`` (issue #7).

Bearer tokens from ``POST /tmf-api/auth/token``; errors are problem bodies; every
POST takes an ``Idempotency-Key`` (the first result is replayed, with
``Idempotent-Replayed: true``). Thin: the rules are in :mod:`telcare.services.surveys`,
:mod:`telcare.services.club` and the domain.

- staff: record a shop visit or a closed 10086 call (triggers), templates and their
  versions, scores per province / channel / shop / template / version / month with
  95% intervals, member events and attendance, campaigns, moderation;
- subscribers: their open survey (or the online one) and answering it; joining and
  leaving the club, signing up for events; opinions and essays to open campaigns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from telcare.channels.api.tmf.common import (
    Caller,
    Db,
    IdempotencyKey,
    Pages,
    TmfRoute,
    listed,
    problems,
    scoped_key,
)
from telcare.domain import club as dc
from telcare.domain import surveys as sv
from telcare.domain.access import Kind, Principal, require_subscriber_access
from telcare.domain.errors import Forbidden, InvalidInput
from telcare.domain.messages import register
from telcare.domain.provinces import HQ
from telcare.services import api_queries, club, selfcare, surveys
from telcare.store.uow import Database

router = APIRouter(prefix="/api/surveys", tags=["surveys"], route_class=TmfRoute)

register(
    {
        "surveys.api.line_missing": ("请指定号码（msisdn）。", "Name the line (msisdn)."),
        "surveys.api.staff_only": ("仅限工作人员。", "Staff only."),
        "surveys.api.subscriber_only": ("仅限用户本人。", "Subscribers only."),
    }
)

Line = Annotated[str | None, Query(max_length=20, description="Staff: the line to act on.")]
Code = Annotated[str, Path(min_length=1, max_length=30, pattern=r"^[A-Za-z0-9_.-]+$")]
Id = Annotated[int, Path(ge=1, le=2**62)]
MonthQ = Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
ByQ = Annotated[
    str,
    Query(
        max_length=80,
        pattern=r"^[a-z]+(,[a-z]+)*$",
        description=f"Comma-separated dimensions of {', '.join(sv.DIMENSIONS)}.",
    ),
]
ID_TEXT = r"^[A-Za-z0-9._:-]{1,60}$"


# --- models -------------------------------------------------------------------------------


class VisitIn(BaseModel):
    msisdn: str = Field(min_length=5, max_length=20)
    shop_code: str = Field(min_length=1, max_length=20, pattern=ID_TEXT)
    visit_id: str = Field(pattern=ID_TEXT, description="The shop system's visit id (once).")
    province: str | None = Field(
        default=None, pattern=r"^[A-Za-z]{2}$", description="HQ staff only; default: yours."
    )


class CallIn(BaseModel):
    msisdn: str = Field(min_length=5, max_length=20)
    call_id: str = Field(pattern=ID_TEXT, description="The hotline's call id (once).")


class ContactOut(BaseModel):
    outcome: str = Field(description="surveyed, not_sampled, recent, no_template, unknown, ...")
    survey_id: int | None = None
    sent_at: datetime | None = None
    template: str | None = None
    version: int | None = None


class QuestionOut(BaseModel):
    id: str
    kind: str
    text_zh: str
    text_en: str


class TemplateOut(BaseModel):
    code: str
    version: int
    owner: str
    name_zh: str
    name_en: str
    trigger: str
    vias: list[str]
    provinces: list[str]
    sample_percent: int
    questions: list[QuestionOut]


class VersionOut(BaseModel):
    version: int
    created_by: str
    created_at: datetime


class ScoreOut(BaseModel):
    key: dict[str, str]
    count: int
    satisfied: int
    rate: float
    rate_low: float
    rate_high: float
    mean: float
    mean_low: float
    mean_high: float
    histogram: list[int]


class OfferOut(BaseModel):
    available: bool
    survey_id: int | None = Field(default=None, description="None: the online survey.")
    expires_at: datetime | None = None
    template: TemplateOut | None = None


class AnswerIn(BaseModel):
    survey_id: int | None = Field(default=None, ge=1, le=2**62)
    answers: dict[str, Annotated[str, Field(max_length=2000)]] = Field(
        max_length=50, description="Question id → answer (1–5, 满意/一般/不满意, text)."
    )


class AnswerOut(BaseModel):
    score: int | None
    label: str
    comment: str
    low: bool


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


# --- helpers ------------------------------------------------------------------------------


def _staff(who: Principal) -> None:
    if who.kind is not Kind.STAFF:
        raise Forbidden("surveys.api.staff_only")


def _line(db: Database, who: Principal, msisdn: str | None) -> str:
    """The line ``who`` acts on: a subscriber's own, or one of a staff member's province."""
    if msisdn is None:
        if who.kind is not Kind.SUBSCRIBER:
            raise InvalidInput("surveys.api.line_missing")
        msisdn = who.subject
    line = selfcare.overview(db, msisdn)
    require_subscriber_access(who, line.msisdn, line.province)
    return line.msisdn


def _scope(who: Principal) -> str | None:
    """The province a staff member sees (None: every one, for headquarters)."""
    return None if who.province == HQ else who.province


def _once(
    db: Database,
    who: Principal,
    key: str | None,
    operation: str,
    payload: dict[str, Any],
    action: Callable[[], BaseModel],
    status: int = 200,
) -> JSONResponse:
    """Run a POST once per ``Idempotency-Key`` (scoped by caller); replay its result."""
    result, replayed = api_queries.once(
        db,
        f"api.surveys.{operation}",
        scoped_key(who, key),
        payload,
        lambda: action().model_dump(mode="json"),
    )
    return JSONResponse(
        result, status_code=status, headers={"Idempotent-Replayed": "true"} if replayed else None
    )


def _template(t: sv.Template) -> TemplateOut:
    data = sv.template_to_dict(t)
    return TemplateOut(
        code=t.code,
        version=t.version,
        owner=t.owner,
        name_zh=t.name_zh,
        name_en=t.name_en,
        trigger=t.trigger.value,
        vias=data["vias"],
        provinces=data["provinces"],
        sample_percent=t.sample_percent,
        questions=[QuestionOut(**q) for q in data["questions"]],
    )


def _contact(sent: surveys.Sent) -> ContactOut:
    return ContactOut(
        outcome=sent.outcome,
        survey_id=sent.survey_id,
        sent_at=sent.sent_at,
        template=sent.template,
        version=sent.version,
    )


POSTED = problems(400, 401, 403, 404, 409, 422)


# --- staff: triggers, templates, scores ---------------------------------------------------


@router.post(
    "/visits", summary="Record a shop visit (staff)", response_model=ContactOut, responses=POSTED
)
def record_visit(
    body: VisitIn, db: Db, who: Caller, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    _staff(who)
    province = (body.province or "").upper() if who.province == HQ else who.province

    def act() -> ContactOut:
        return _contact(
            surveys.record_visit(
                db, body.msisdn, body.shop_code.upper(), province, visit_id=body.visit_id
            )
        )

    return _once(db, who, idempotency_key, "visit", body.model_dump(), act)


@router.post(
    "/calls",
    summary="Record a closed 10086 call (staff)",
    response_model=ContactOut,
    responses=POSTED,
)
def record_call(
    body: CallIn, db: Db, who: Caller, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    _staff(who)
    province = None if who.province == HQ else who.province

    def act() -> ContactOut:
        return _contact(
            surveys.record_call(
                db, body.msisdn, who.subject, call_id=body.call_id, province=province
            )
        )

    return _once(db, who, idempotency_key, "call", body.model_dump(), act)


@router.get(
    "/templates", summary="Survey templates, latest versions (staff)", responses=problems(401, 403)
)
def list_templates(db: Db, who: Caller) -> list[TemplateOut]:
    _staff(who)
    return [
        _template(t)
        for t in surveys.templates(db)
        if who.province in (HQ, t.owner) or t.covers(who.province)
    ]


@router.get(
    "/templates/{code}/versions",
    summary="Every version of a template (staff)",
    responses=problems(401, 403, 404, 422),
)
def template_versions(code: Code, db: Db, who: Caller) -> list[VersionOut]:
    _staff(who)
    surveys.template(db, code)  # 404 for an unknown template
    return [
        VersionOut(version=v, created_by=by, created_at=at)
        for v, by, at in surveys.template_history(db, code)
    ]


@router.get(
    "/scores",
    summary="Satisfaction with 95% intervals, grouped (staff; a province sees its own)",
    responses=problems(401, 403, 422),
)
def scores(db: Db, who: Caller, by: ByQ = "province", month: MonthQ = None) -> list[ScoreOut]:
    _staff(who)
    dims = by.split(",")  # an unknown dimension is refused by the domain (422)
    return [
        ScoreOut(
            key=dict(zip(dims, row.key, strict=True)),
            count=row.count,
            satisfied=row.satisfied,
            rate=row.rate,
            rate_low=row.rate_low,
            rate_high=row.rate_high,
            mean=row.mean,
            mean_low=row.mean_low,
            mean_high=row.mean_high,
            histogram=list(row.histogram),
        )
        for row in surveys.scores(db, dims, month=month, province=_scope(who))
    ]


# --- subscriber: the online survey ----------------------------------------------------------


@router.get("/mine", summary="My open survey, or the online one", responses=problems(401, 403))
def my_survey(db: Db, who: Caller) -> OfferOut:
    if who.kind is not Kind.SUBSCRIBER:
        raise Forbidden("surveys.api.subscriber_only")
    offer = surveys.web_survey(db, who.subject)
    if offer is None:
        return OfferOut(available=False)
    return OfferOut(
        available=True,
        survey_id=offer.survey_id,
        expires_at=offer.expires_at,
        template=_template(offer.template),
    )


@router.post(
    "/mine/answers", summary="Answer my survey online", response_model=AnswerOut, responses=POSTED
)
def answer(
    body: AnswerIn, db: Db, who: Caller, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    if who.kind is not Kind.SUBSCRIBER:
        raise Forbidden("surveys.api.subscriber_only")

    def act() -> AnswerOut:
        got = surveys.answer_web(db, who.subject, body.survey_id, body.answers)
        return AnswerOut(score=got.score, label=got.label, comment=got.comment, low=got.low)

    return _once(db, who, idempotency_key, "answer", body.model_dump(), act, status=201)


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


@router.delete("/club/membership", summary="Leave the club", responses=problems(401, 403, 404, 422))
def leave(db: Db, who: Caller, msisdn: Line = None) -> MembershipOut:
    return _membership(db, who, msisdn, False)


@router.get("/club/events", summary="Member events", responses=listed(401, 403, 404, 422))
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


# --- opinions -----------------------------------------------------------------------------


@router.get("/campaigns", summary="Opinion campaigns", responses=problems(401, 422))
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
)
def submit(
    code: Code, body: SubmissionIn, db: Db, who: Caller, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    if who.kind is not Kind.SUBSCRIBER:
        raise Forbidden("surveys.api.subscriber_only")

    def act() -> StateOut:
        sid = club.submit(db, code, who.subject, body.kind, body.category, body.text, body.title)
        return StateOut(id=sid, state=dc.State.PENDING.value)

    payload = {"campaign": code.upper(), **body.model_dump()}
    return _once(db, who, idempotency_key, "submit", payload, act, status=201)


@router.get(
    "/submissions",
    summary="Opinions and essays (subscribers: their own; staff: their province's campaigns)",
    responses=listed(401, 403, 422),
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
