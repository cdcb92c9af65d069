"""Replies to 10086700: matching the open survey, parsing, saving answers; expiry after 48 h."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import surveys as sv
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.services.surveys.template_versions import _version
from telcare.store import survey_models as sm
from telcare.store.uow import Database

# --- replies ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reply:
    """What to answer: a message key (render it in the subscriber's language)."""

    key: str
    survey_id: int | None = None
    answer: sv.Answer | None = None


def handle_reply(db: Database, msisdn: str, text: str, now: datetime | None = None) -> Reply:
    """An SMS to 10086700: answer the subscriber's open survey, or say politely why not.

    Malformed replies get a hint and leave the survey open; every reply is logged."""
    now = now or clock.now()
    number = normalise_msisdn(msisdn)
    with db.uow() as uow:
        s = uow.session
        survey = s.scalar(
            select(sm.Survey)
            .where(sm.Survey.msisdn == number, sm.Survey.sent_at <= now, sm.Survey.via == "sms")
            .order_by(sm.Survey.sent_at.desc(), sm.Survey.id.desc())
            .limit(1)
            .with_for_update()
        )
        reply = _answer_sms(s, survey, text, now)
        s.add(
            sm.SurveyReply(
                msisdn=number,
                survey_id=survey.id if survey else None,
                text=sv.normalise(text)[:2000],
                outcome=reply.key.removeprefix("survey."),
                received_at=now,
            )
        )
        uow.commit()
        return reply


def _answer_sms(s: Session, survey: sm.Survey | None, text: str, now: datetime) -> Reply:
    if survey is None:
        return Reply(N_("survey.none_open"))
    if survey.status == "answered":
        return Reply(N_("survey.already"), survey.id)
    if survey.status == "expired" or now >= survey.expires_at:
        survey.status = "expired"
        return Reply(N_("survey.expired"), survey.id)
    t = _version(s, survey.template_code, survey.template_version)
    parsed = sv.parse_reply(text, t.headline.kind)
    if isinstance(parsed, sv.Malformed):
        return Reply(parsed.hint_key, survey.id)
    _save_answers(s, survey, {t.headline.id: parsed}, t.headline.id, now)
    return Reply(N_("survey.thanks_low") if parsed.low else N_("survey.thanks"), survey.id, parsed)


def _save_answers(
    s: Session, survey: sm.Survey, answers: Mapping[str, sv.Answer], headline: str, now: datetime
) -> None:
    for qid, a in answers.items():
        s.add(
            sm.SurveyResponse(
                survey_id=survey.id,
                question_id=qid,
                template_version=survey.template_version,
                score=a.score,
                label=a.label[:20],
                comment=a.comment,
                created_at=now,
            )
        )
    survey.status = "answered"
    survey.answered_at = now
    survey.score = answers[headline].score
    survey.comment = " / ".join(a.comment for a in answers.values() if a.comment)[:2000]


def expire(db: Database, now: datetime | None = None) -> int:
    """Close every open survey past its 48 hours; how many."""
    now = now or clock.now()
    with db.uow() as uow:
        done = uow.session.execute(
            update(sm.Survey)
            .where(sm.Survey.status == "open", sm.Survey.expires_at <= now)
            .values(status="expired")
        )
        uow.commit()
        return int(getattr(done, "rowcount", 0) or 0)
