"""``/api/surveys``: record visits and calls, templates, scores (staff); the online survey."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from telcare.channels.api.surveys.common import POSTED, Code, _once, _scope, _staff
from telcare.channels.api.tmf.common import Caller, Db, IdempotencyKey, TmfRoute, problems
from telcare.channels.guards import requires
from telcare.domain import surveys as sv
from telcare.domain.access import Kind
from telcare.domain.errors import Forbidden
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.services import surveys

router = APIRouter(prefix="/api/surveys", tags=["surveys"], route_class=TmfRoute)

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


# --- helpers ------------------------------------------------------------------------------


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


# --- staff: triggers, templates, scores ---------------------------------------------------


@router.post(
    "/visits",
    summary="Record a shop visit (staff)",
    response_model=ContactOut,
    responses=POSTED,
    dependencies=[requires("survey.contact.record")],
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
    dependencies=[requires("survey.contact.record")],
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
    "/templates",
    summary="Survey templates, latest versions (staff)",
    responses=problems(401, 403),
    dependencies=[requires("survey.results.view")],
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
    dependencies=[requires("survey.results.view")],
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
    dependencies=[requires("survey.results.view")],
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


@router.get(
    "/mine",
    summary="My open survey, or the online one",
    responses=problems(401, 403),
    dependencies=[requires("survey.answer")],
)
def my_survey(db: Db, who: Caller) -> OfferOut:
    if who.kind is not Kind.SUBSCRIBER:
        raise Forbidden(N_("surveys.api.subscriber_only"))
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
    "/mine/answers",
    summary="Answer my survey online",
    response_model=AnswerOut,
    responses=POSTED,
    dependencies=[requires("survey.answer")],
)
def answer(
    body: AnswerIn, db: Db, who: Caller, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    if who.kind is not Kind.SUBSCRIBER:
        raise Forbidden(N_("surveys.api.subscriber_only"))

    def act() -> AnswerOut:
        got = surveys.answer_web(db, who.subject, body.survey_id, body.answers)
        return AnswerOut(score=got.score, label=got.label, comment=got.comment, low=got.low)

    return _once(db, who, idempotency_key, "answer", body.model_dump(), act, status=201)
