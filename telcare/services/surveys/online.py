"""The online survey of the business hall: what it offers a subscriber, answering it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import surveys as sv
from telcare.domain.errors import Conflict, InvalidInput, NotFound
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.provinces import HQ
from telcare.services.surveys.replies import _save_answers
from telcare.services.surveys.sending import _last_sent, _new_survey
from telcare.services.surveys.template_versions import _ensure, _latest, _version
from telcare.store import models as m
from telcare.store import survey_models as sm
from telcare.store.uow import Database

# --- the online survey (business hall) ----------------------------------------------


@dataclass(frozen=True, slots=True)
class WebSurvey:
    """The survey the hall shows: the open one sent to this subscriber, or the online one."""

    survey_id: int | None  # None: the online template, not started yet
    template: sv.Template
    expires_at: datetime | None
    arrives_at: datetime | None = None  # held back by quiet hours: its SMS goes then


def web_survey(db: Database, msisdn: str, now: datetime | None = None) -> WebSurvey | None:
    """What the online survey page offers ``msisdn`` now (None: nothing, e.g. 7-day rule)."""
    _ensure(db)
    with db.uow() as uow:
        return _web_survey(uow.session, normalise_msisdn(msisdn), now or clock.now())


def _open_survey(s: Session, msisdn: str, now: datetime) -> sm.Survey | None:
    return s.scalar(
        select(sm.Survey)
        .where(
            sm.Survey.msisdn == msisdn,
            sm.Survey.status == "open",
            sm.Survey.sent_at <= now,
            sm.Survey.expires_at > now,
        )
        .order_by(sm.Survey.sent_at.desc())
        .limit(1)
    )


def _held_survey(s: Session, msisdn: str, now: datetime) -> sm.Survey | None:
    """A survey created in quiet hours, whose SMS waits for 08:00 (``sent_at`` ahead)."""
    return s.scalar(
        select(sm.Survey)
        .where(sm.Survey.msisdn == msisdn, sm.Survey.status == "open", sm.Survey.sent_at > now)
        .order_by(sm.Survey.sent_at)
        .limit(1)
    )


def answer_web(
    db: Database,
    msisdn: str,
    survey_id: int | None,
    fields: Mapping[str, str],
    now: datetime | None = None,
) -> sv.Answer:
    """Answer every question on the web: an open survey of this subscriber (any way it
    was sent), or — ``survey_id`` None — the online template. The headline answer."""
    _ensure(db)
    now = now or clock.now()
    number = normalise_msisdn(msisdn)
    with db.uow() as uow:
        s = uow.session
        s.scalar(select(m.Subscriber.id).where(m.Subscriber.msisdn == number).with_for_update())
        survey: sm.Survey | None = None
        if survey_id is None:
            offer = _web_survey(s, number, now)
            if offer is None or offer.survey_id is not None:
                raise Conflict(N_("survey.recent"))
            t = offer.template
        else:
            survey = s.get(sm.Survey, survey_id, with_for_update=True)
            if survey is None or survey.msisdn != number:
                raise NotFound(N_("survey.unknown"))
            if survey.status == "answered":
                raise Conflict(N_("survey.already"))
            if survey.status == "expired" or now >= survey.expires_at:
                raise Conflict(N_("survey.expired"))
            t = _version(s, survey.template_code, survey.template_version)
        parsed = sv.parse_form(t, fields)
        if isinstance(parsed, sv.Malformed):
            raise InvalidInput(parsed.hint_key)
        if survey is None:
            sub = s.scalar(select(m.Subscriber).where(m.Subscriber.msisdn == number))
            province = sub.province_code if sub else HQ
            survey = _new_survey(s, t, number, province, sv.Trigger.ONLINE, sv.Via.WEB, now, now)
        _save_answers(s, survey, parsed, t.headline.id, now)
        uow.commit()
        return parsed[t.headline.id]


def _web_survey(s: Session, msisdn: str, now: datetime) -> WebSurvey | None:
    survey = _open_survey(s, msisdn, now)
    if survey is not None:
        t = _version(s, survey.template_code, survey.template_version)
        return WebSurvey(survey.id, t, survey.expires_at)
    held = _held_survey(s, msisdn, now)
    if held is not None:  # sent in quiet hours: the page says when it arrives
        t = _version(s, held.template_code, held.template_version)
        return WebSurvey(held.id, t, held.expires_at, arrives_at=held.sent_at)
    sub = s.scalar(select(m.Subscriber).where(m.Subscriber.msisdn == msisdn))
    if sub is None or not sv.may_survey(_last_sent(s, msisdn), now):
        return None
    online = sv.choose_template(_latest(s), sv.Trigger.ONLINE, sub.province_code, now, sv.Via.WEB)
    return WebSurvey(None, online, None) if online else None
