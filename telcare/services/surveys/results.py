"""Satisfaction scores grouped with intervals, and following up low scores with a ticket."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from telcare.domain import surveys as sv
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden, NotFound
from telcare.domain.messages import N_, render
from telcare.domain.months import month_of
from telcare.domain.provinces import HQ
from telcare.services import complaints
from telcare.store import survey_models as sm
from telcare.store.uow import Database

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
    if who.kind is not Kind.STAFF or who.province not in (HQ, _survey_province(db, survey_id)):
        raise Forbidden(N_("complaint.not_yours"))
    with db.uow() as uow:
        survey = uow.session.get(sm.Survey, survey_id)
        if survey is None or survey.status != "answered":
            raise NotFound(N_("survey.unknown"))
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
