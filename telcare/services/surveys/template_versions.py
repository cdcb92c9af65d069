"""Satisfaction surveys: record contacts, send sampled surveys from 10086700, take
replies (SMS and web), expire, change templates without a release, score, follow up.

Every use case is one transaction. The rules (sampling, 7 days, quiet hours, 48 h,
parsing, scoring) live in :mod:`telcare.domain.surveys`; this module stores and
sends. Survey SMS are queued in the outbox (:func:`telcare.services.notify.queue_sms`)
in the same transaction as the survey row.

Triggers: :func:`record_visit`, :func:`record_call`, :func:`record_g3_subscription`
and :func:`on_ticket_closed` (a local subscriber of the bus's ``ticket.closed``; see
:func:`subscribe_to_bus`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import surveys as sv
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from telcare.domain.messages import register, render
from telcare.domain.months import month_of
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.provinces import HQ
from telcare.services import notify, orders
from telcare.store import models as m
from telcare.store import survey_models as sm
from telcare.store.uow import Database

Outcome = str  # surveyed | not_sampled | recent | no_template | unknown | duplicate

register(
    {
        "survey.recent": (
            "您近7天内已参加过满意度调查，感谢您的支持。",
            "You took part in a survey in the last 7 days. Thank you.",
        ),
        "survey.summary.ticket": (
            "满意度回访低分：{score}分（问卷{code} v{version}）",
            "Low survey score: {score} (survey {code} v{version})",
        ),
    }
)

# --- built-in templates (version 1 of each; changed later as data) -----------------


def _q(qid: str, kind: str, zh: str, en: str) -> dict[str, str]:
    return {"id": qid, "kind": kind, "text_zh": zh, "text_en": en}


_COMMENT = _q(
    "comment", "text", "您还有什么意见或建议？", "Anything else you would like to tell us?"
)
DEFAULT_TEMPLATES: dict[str, dict[str, Any]] = {
    "SHOP": {
        "name_zh": "营业厅服务满意度",
        "name_en": "Shop service",
        "trigger": "shop",
        "sample_percent": 30,
        "questions": [
            _q(
                "overall",
                "scale5",
                "您对刚才营业厅的服务满意吗？",
                "How satisfied are you with your visit to our shop?",
            ),
            _q("wait", "three", "您对等候时间满意吗？", "Were you happy with the waiting time?"),
            _COMMENT,
        ],
    },
    "HOTLINE": {
        "name_zh": "10086热线服务满意度",
        "name_en": "10086 hotline",
        "trigger": "hotline",
        "sample_percent": 20,
        "questions": [
            _q(
                "overall",
                "scale5",
                "您对刚才10086热线的服务满意吗？",
                "How satisfied are you with your call to 10086?",
            ),
            _COMMENT,
        ],
    },
    "TICKET": {
        "name_zh": "投诉处理满意度",
        "name_en": "Complaint handling",
        "trigger": "ticket",
        "sample_percent": 100,
        "questions": [
            _q(
                "overall",
                "three",
                "您对我们处理您投诉的结果满意吗？",
                "Are you satisfied with how we handled your complaint?",
            ),
            _COMMENT,
        ],
    },
    "G3": {
        "name_zh": "G3业务办理满意度",
        "name_en": "G3 sign-up",
        "trigger": "g3",
        "sample_percent": 50,
        "questions": [
            _q(
                "overall",
                "scale5",
                "您对G3业务的办理过程满意吗？",
                "How satisfied are you with signing up for G3?",
            ),
            _COMMENT,
        ],
    },
    "ONLINE": {
        "name_zh": "网上营业厅满意度",
        "name_en": "Online business hall",
        "trigger": "online",
        "vias": ["web"],
        "sample_percent": 100,
        "questions": [
            _q(
                "overall",
                "scale5",
                "您对网上营业厅满意吗？",
                "How satisfied are you with the online business hall?",
            ),
            _q("ease", "three", "办理业务是否方便？", "Was it easy to get things done?"),
            _COMMENT,
        ],
    },
}


def ensure_templates(db: Database, now: datetime | None = None) -> None:
    """Create the built-in templates once (idempotent; later versions are untouched)."""
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        have = set(s.scalars(select(sm.SurveyTemplate.code)))
        for code, spec in DEFAULT_TEMPLATES.items():
            if code not in have:
                _add_version(s, sv.template_from_dict(code, 1, HQ, spec), "system", now)
        try:
            uow.commit()
        except IntegrityError:  # another process created them first
            uow.rollback()


_ENSURED: set[str] = set()


def _ensure(db: Database) -> None:
    """Create the built-in templates on first use of a database (once per process)."""
    if db.url not in _ENSURED:
        ensure_templates(db)
        _ENSURED.add(db.url)


def _add_version(s: Session, t: sv.Template, author: str, now: datetime) -> None:
    row = s.get(sm.SurveyTemplate, t.code)
    if row is None:
        s.add(
            sm.SurveyTemplate(code=t.code, owner=t.owner, latest_version=t.version, created_at=now)
        )
    else:
        row.latest_version = t.version
    s.add(
        sm.SurveyTemplateVersion(
            template_code=t.code,
            version=t.version,
            spec=sv.template_to_dict(t),
            created_by=author,
            created_at=now,
        )
    )
    s.flush()


_VERSIONS: dict[tuple[str, str, int], sv.Template] = {}


def _version(s: Session, code: str, version: int) -> sv.Template:
    """One template version (immutable, so cached per database)."""
    key = (str(s.get_bind().engine.url), code, version)
    if key not in _VERSIONS:
        row = s.execute(
            select(sm.SurveyTemplateVersion.spec, sm.SurveyTemplate.owner)
            .join(sm.SurveyTemplate)
            .where(
                sm.SurveyTemplateVersion.template_code == code,
                sm.SurveyTemplateVersion.version == version,
            )
        ).one_or_none()
        if row is None:
            raise NotFound("survey.template_unknown", code=code)
        _VERSIONS[key] = sv.template_from_dict(code, version, row[1], row[0])
    return _VERSIONS[key]


# Statements of the contact path (every closed ticket, call and G3 order), built once.
_T, _C, _SV = sm.SurveyTemplate.__table__, sm.SurveyContact.__table__, sm.Survey.__table__
_S = m.Subscriber.__table__
_LATEST = select(_T.c.code, _T.c.latest_version)
_CONTACT_SEEN = select(_C.c.id).where(_C.c.source_key == bindparam("source_key"))
_CONTACTED = (
    select(_S.c.province_code, _S.c.language)
    .where(_S.c.msisdn == bindparam("msisdn"), _S.c.status != "closed")
    .with_for_update()
)
_LAST_SENT = select(func.max(_SV.c.sent_at)).where(_SV.c.msisdn == bindparam("msisdn"))


def _latest(s: Session) -> list[sv.Template]:
    return [_version(s, code, version) for code, version in s.execute(_LATEST)]


def templates(db: Database) -> list[sv.Template]:
    """The latest version of every template, by code."""
    _ensure(db)
    with db.uow() as uow:
        return sorted(_latest(uow.session), key=lambda t: t.code)


def template(db: Database, code: str, version: int | None = None) -> sv.Template:
    _ensure(db)
    with db.uow() as uow:
        s = uow.session
        if version is None:
            version = s.scalar(
                select(sm.SurveyTemplate.latest_version).where(
                    sm.SurveyTemplate.code == code.upper()
                )
            )
            if version is None:
                raise NotFound("survey.template_unknown", code=code)
        return _version(s, code.upper(), version)


def template_history(db: Database, code: str) -> list[tuple[int, str, datetime]]:
    """(version, author, created_at) of every version of ``code``, oldest first."""
    v = sm.SurveyTemplateVersion
    with db.uow() as uow:
        rows = uow.session.execute(
            select(v.version, v.created_by, v.created_at)
            .where(v.template_code == code.upper())
            .order_by(v.version)
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def save_template(
    db: Database,
    editor: Principal,
    code: str,
    spec: Mapping[str, Any],
    now: datetime | None = None,
) -> sv.Template:
    """Change (or create) a template without a release: a new version, effective for
    surveys sent from now on; surveys already sent keep the version they were sent with.
    Headquarters edits any template; a province its own (created scoped to it)."""
    if editor.kind is not Kind.STAFF:
        raise Forbidden("survey.not_your_template")
    _ensure(db)
    now = now or clock.now()
    code = code.strip().upper()
    with db.uow() as uow:
        s = uow.session
        row = s.get(sm.SurveyTemplate, code, with_for_update=True)
        owner = row.owner if row is not None else editor.province
        sv.may_edit(editor.province, owner)
        data = dict(spec)
        if owner != HQ:
            data["provinces"] = [owner]
        version = (row.latest_version + 1) if row is not None else 1
        t = sv.template_from_dict(code, version, owner, data)
        _add_version(s, t, editor.subject, now)
        uow.commit()
        return t


# --- contacts and sending ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sent:
    """What became of a contact: ``surveyed`` with the survey, or why not."""

    outcome: Outcome
    survey_id: int | None = None
    sent_at: datetime | None = None
    template: str | None = None
    version: int | None = None


def record_visit(
    db: Database,
    msisdn: str,
    shop_code: str,
    province: str,
    *,
    visit_id: str,
    now: datetime | None = None,
) -> Sent:
    """A visit recorded at a shop (by the shop's system or a clerk)."""
    return record_contact(
        db,
        sv.Trigger.SHOP,
        msisdn,
        source_key=f"visit:{visit_id}",
        province=province,
        shop_code=shop_code,
        now=now,
    )


def record_call(
    db: Database,
    msisdn: str,
    agent: str,
    *,
    call_id: str,
    province: str | None = None,
    now: datetime | None = None,
) -> Sent:
    """A 10086 call closed by an agent."""
    return record_contact(
        db,
        sv.Trigger.HOTLINE,
        msisdn,
        source_key=f"call:{call_id}",
        province=province,
        agent=agent,
        now=now,
    )


def record_g3_subscription(
    db: Database, msisdn: str, *, subscription_id: str, now: datetime | None = None
) -> Sent:
    """A new G3 subscription (to be called by the ordering flow; see docs/surveys.md)."""
    return record_contact(
        db, sv.Trigger.G3, msisdn, source_key=f"g3:{subscription_id}", ref=subscription_id, now=now
    )


def on_ticket_closed(db: Database, event: Mapping[str, Any]) -> Sent | None:
    """Bus subscriber for ``ticket.closed``: idempotent by ``event_id`` (at least once)."""
    ticket = event.get("ticket") or {}
    msisdn = (event.get("survey") or {}).get("msisdn") or ticket.get("msisdn")
    if not msisdn:
        return None
    occurred = event.get("occurred_at")
    return record_contact(
        db,
        sv.Trigger.TICKET,
        str(msisdn),
        source_key=f"ticket:{event['event_id']}",
        province=ticket.get("province"),
        ref=str(event.get("key") or ticket.get("id") or "")[:60] or None,
        now=datetime.fromisoformat(occurred) if occurred else None,
    )


def ticket_closed_subscriber(db: Database, event: Mapping[str, Any]) -> None:
    """:func:`on_ticket_closed` in the bus's subscriber shape."""
    on_ticket_closed(db, event)


def g3_subscribed(db: Database, msisdn: str, done: orders.Subscribed, now: datetime) -> None:
    """:data:`orders.on_subscribed` hook: a committed subscription to a G3 package
    (:func:`telcare.domain.surveys.is_g3_package`) is a ``g3`` contact, keyed by the
    subscription id (so it is recorded once)."""
    offer = done.offer
    if sv.is_g3_package(offer.code, offer.name_zh, offer.name_en):
        record_g3_subscription(db, msisdn, subscription_id=str(done.subscription_id), now=now)


def subscribe_to_bus() -> None:
    """Wire the triggers that arrive as events (idempotent; call at start-up of every
    process that closes tickets or takes orders): ``ticket.closed`` on this node's
    relay, and new G3 subscriptions through :data:`orders.on_subscribed`."""
    from telcare.bus import handlers

    handlers.subscribe("ticket.closed", ticket_closed_subscriber)
    hook_orders()


def hook_orders() -> None:
    """Register :func:`g3_subscribed` with :data:`orders.on_subscribed` (idempotent):
    every process that takes orders (the web/API app, the SMS gateway) calls it."""
    if g3_subscribed not in orders.on_subscribed:
        orders.on_subscribed.append(g3_subscribed)


def send_now(
    db: Database,
    msisdn: str,
    trigger: str,
    *,
    province: str | None = None,
    now: datetime | None = None,
) -> Sent:
    """Send one survey now, ignoring sampling (demos, tests). The 7-day rule and quiet
    hours still hold."""
    try:
        kind = sv.Trigger(trigger)
    except ValueError:
        raise InvalidInput("survey.bad_trigger", value=trigger) from None
    return record_contact(
        db,
        kind,
        msisdn,
        source_key=f"manual:{uuid.uuid4().hex}",
        province=province,
        now=now,
        sample=False,
    )


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
        return Reply("survey.none_open")
    if survey.status == "answered":
        return Reply("survey.already", survey.id)
    if survey.status == "expired" or now >= survey.expires_at:
        survey.status = "expired"
        return Reply("survey.expired", survey.id)
    t = _version(s, survey.template_code, survey.template_version)
    parsed = sv.parse_reply(text, t.headline.kind)
    if isinstance(parsed, sv.Malformed):
        return Reply(parsed.hint_key, survey.id)
    _save_answers(s, survey, {t.headline.id: parsed}, t.headline.id, now)
    return Reply("survey.thanks_low" if parsed.low else "survey.thanks", survey.id, parsed)


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


# --- the online survey (business hall) ----------------------------------------------


@dataclass(frozen=True, slots=True)
class WebSurvey:
    """The survey the hall shows: the open one sent to this subscriber, or the online one."""

    survey_id: int | None  # None: the online template, not started yet
    template: sv.Template
    expires_at: datetime | None


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
                raise Conflict("survey.recent")
            t = offer.template
        else:
            survey = s.get(sm.Survey, survey_id, with_for_update=True)
            if survey is None or survey.msisdn != number:
                raise NotFound("survey.unknown")
            if survey.status == "answered":
                raise Conflict("survey.already")
            if survey.status == "expired" or now >= survey.expires_at:
                raise Conflict("survey.expired")
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
    sub = s.scalar(select(m.Subscriber).where(m.Subscriber.msisdn == msisdn))
    if sub is None or not sv.may_survey(_last_sent(s, msisdn), now):
        return None
    online = sv.choose_template(_latest(s), sv.Trigger.ONLINE, sub.province_code, now, sv.Via.WEB)
    return WebSurvey(None, online, None) if online else None


# --- scores and follow-up -----------------------------------------------------------


def scored(
    db: Database, *, month: str | None = None, province: str | None = None
) -> list[sv.Scored]:
    """Every answered survey's headline score with its dimensions (filters optional)."""
    q = select(
        sm.Survey.province,
        sm.Survey.trigger,
        sm.Survey.shop_code,
        sm.Survey.template_code,
        sm.Survey.template_version,
        sm.Survey.sent_at,
        sm.Survey.score,
    ).where(sm.Survey.status == "answered", sm.Survey.score.is_not(None))
    if province:
        q = q.where(sm.Survey.province == province.upper())
    with db.uow() as uow:
        rows = uow.session.execute(q).all()
    out = [
        sv.Scored(r[0], r[1], r[2] or "-", r[3], r[4], month_of(r[5]), int(r[6] or 0)) for r in rows
    ]
    return [r for r in out if month is None or r.month == month]


def scores(
    db: Database,
    by: Sequence[str] = ("province",),
    *,
    month: str | None = None,
    province: str | None = None,
) -> list[sv.ScoreRow]:
    """Satisfaction grouped by ``by`` (province, channel, shop, template, version, month)."""
    return sv.score_table(scored(db, month=month, province=province), by)


@dataclass(frozen=True, slots=True)
class FollowUp:
    survey_id: int
    msisdn: str
    province: str
    trigger: str
    shop_code: str | None
    score: int | None
    comment: str
    answered_at: datetime
    ticket_id: str | None


def follow_ups(db: Database, who: Principal, limit: int = 100) -> list[FollowUp]:
    """Answered surveys that call for a follow-up: a low score, or a comment with a
    middling one; newest first, within the staff member's province (all for HQ)."""
    q = (
        select(sm.Survey)
        .where(
            sm.Survey.status == "answered",
            (sm.Survey.score <= sv.LOW_SCORE_UPTO)
            | ((sm.Survey.score <= 3) & (sm.Survey.comment != "")),
        )
        .order_by(sm.Survey.answered_at.desc(), sm.Survey.id.desc())
        .limit(limit)
    )
    if who.province != HQ:
        q = q.where(sm.Survey.province == who.province)
    with db.uow() as uow:
        return [
            FollowUp(
                r.id,
                r.msisdn,
                r.province,
                r.trigger,
                r.shop_code,
                r.score,
                r.comment,
                r.answered_at or r.created_at,
                r.ticket_id,
            )
            for r in uow.session.scalars(q)
        ]


def open_ticket(
    db: Database,
    who: Principal,
    survey_id: int,
    *,
    node: str,
    category: str | None = None,
    now: datetime | None = None,
) -> str:
    """One click: file a complaint ticket from an answered survey (staff of its province
    or HQ); the ticket id. Calling again returns the same ticket."""
    from telcare.services import complaints

    if who.kind is not Kind.STAFF or who.province not in (HQ, _survey_province(db, survey_id)):
        raise Forbidden("complaint.not_yours")
    with db.uow() as uow:
        survey = uow.session.get(sm.Survey, survey_id)
        if survey is None or survey.status != "answered":
            raise NotFound("survey.unknown")
        if survey.ticket_id:
            return survey.ticket_id
        facts = (survey.msisdn, survey.trigger, survey.score, survey.comment)
        code, version = survey.template_code, survey.template_version
    msisdn, trigger, score, comment = facts
    ticket = complaints.file_ticket(
        db,
        who,
        node=node,
        category=category or sv.follow_up_category(sv.Trigger(trigger)),
        summary=render("survey.summary.ticket", score=score or "-", code=code, version=version),
        description=comment or "-",
        msisdn=msisdn,
        channel="console",
        now=now,
    )
    with db.uow() as uow:
        uow.session.execute(
            update(sm.Survey)
            .where(sm.Survey.id == survey_id, sm.Survey.ticket_id.is_(None))
            .values(ticket_id=ticket.id)
        )
        uow.commit()
    return ticket.id


def _survey_province(db: Database, survey_id: int) -> str | None:
    with db.uow() as uow:
        return uow.session.scalar(select(sm.Survey.province).where(sm.Survey.id == survey_id))
