"""Recording a contact and, if sampled and allowed, queueing its survey SMS from 10086700."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import surveys as sv
from telcare.domain.messages import render
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.provinces import HQ
from telcare.services import notify
from telcare.services.surveys.template_versions import _ensure, _latest
from telcare.store import models as m
from telcare.store import survey_models as sm
from telcare.store.uow import Database

Outcome = str  # surveyed | not_sampled | recent | no_template | unknown | duplicate

# Statements of the contact path (every closed ticket, call and G3 order), built once.
_C, _SV = sm.SurveyContact.__table__, sm.Survey.__table__
_S = m.Subscriber.__table__
_CONTACT_SEEN = select(_C.c.id).where(_C.c.source_key == bindparam("source_key"))
_CONTACTED = (
    select(_S.c.province_code, _S.c.language)
    .where(_S.c.msisdn == bindparam("msisdn"), _S.c.status != "closed")
    .with_for_update()
)
_LAST_SENT = select(func.max(_SV.c.sent_at)).where(_SV.c.msisdn == bindparam("msisdn"))

# --- contacts and sending ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sent:
    """What became of a contact: ``surveyed`` with the survey, or why not."""

    outcome: Outcome
    survey_id: int | None = None
    sent_at: datetime | None = None
    template: str | None = None
    version: int | None = None


def record_contact(
    db: Database,
    trigger: sv.Trigger,
    msisdn: str,
    *,
    source_key: str,
    province: str | None = None,
    shop_code: str | None = None,
    agent: str | None = None,
    ref: str | None = None,
    now: datetime | None = None,
    sample: bool = True,
) -> Sent:
    """Record a contact and, if sampled and allowed, queue its survey SMS from 10086700."""
    _ensure(db)
    now = now or clock.now()
    number = normalise_msisdn(msisdn)
    with db.uow() as uow:
        s = uow.session
        if s.scalar(_CONTACT_SEEN, {"source_key": source_key}):
            return Sent("duplicate")
        sub = s.execute(_CONTACTED, {"msisdn": number}).first()
        where = (province or (sub.province_code if sub else HQ)).upper()
        contact = sm.SurveyContact(
            source_key=source_key,
            trigger=trigger.value,
            msisdn=number,
            province=where,
            shop_code=shop_code,
            agent=agent,
            ref=ref,
            occurred_at=now,
            outcome="unknown",
        )
        s.add(contact)
        sent = _decide(s, sub, contact, trigger, now, sample)
        contact.outcome = sent.outcome
        contact.survey_id = sent.survey_id
        try:
            uow.commit()
        except IntegrityError:  # the same contact recorded concurrently
            uow.rollback()
            return Sent("duplicate")
        return sent


def _decide(
    s: Session,
    sub: Row[Any] | None,  # the contacted subscriber: (province_code, language)
    contact: sm.SurveyContact,
    trigger: sv.Trigger,
    now: datetime,
    sample: bool,
) -> Sent:
    if sub is None:
        return Sent("unknown")
    t = sv.choose_template(_latest(s), trigger, contact.province, now, sv.Via.SMS)
    if t is None:
        return Sent("no_template")
    if sample and not sv.sampled(contact.source_key, t.sample_percent, t.code):
        return Sent("not_sampled")
    sent_at = sv.send_time(now)
    if not sv.may_survey(_last_sent(s, contact.msisdn), sent_at):
        return Sent("recent")
    survey = _new_survey(s, t, contact.msisdn, contact.province, trigger, sv.Via.SMS, now, sent_at)
    survey.shop_code = contact.shop_code
    q = t.headline
    text = render(f"survey.ask.{q.kind.value}", sub.language, question=q.text(sub.language))
    notify.queue_sms(
        s,
        contact.msisdn,
        text,
        dedupe_key=f"survey:{survey.id}",
        sender=sv.SURVEY_NUMBER,
        not_before=sent_at,
        now=now,
    )
    return Sent("surveyed", survey.id, sent_at, t.code, t.version)


def _last_sent(s: Session, msisdn: str) -> datetime | None:
    return s.scalar(_LAST_SENT, {"msisdn": msisdn})


def _new_survey(
    s: Session,
    t: sv.Template,
    msisdn: str,
    province: str,
    trigger: sv.Trigger,
    via: sv.Via,
    now: datetime,
    sent_at: datetime,
) -> sm.Survey:
    survey = sm.Survey(
        msisdn=msisdn,
        province=province,
        trigger=trigger.value,
        via=via.value,
        template_code=t.code,
        template_version=t.version,
        status="open",
        created_at=now,
        sent_at=sent_at,
        expires_at=sv.expires_at(sent_at),
        comment="",
    )
    s.add(survey)
    s.flush()
    return survey
