"""The staff console's views: the report queue, sender ranking, audit trail, SP violations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, distinct, func, select

from telcare.domain import antispam_rules as r
from telcare.services.antispam.common import _now, _sender_status
from telcare.store import antispam_models as am
from telcare.store import models as m
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class ReportRow:
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


@dataclass(frozen=True, slots=True)
class SenderRank:
    sender: str
    kind: str
    status: str
    reports: int
    reporters: int
    reporters_24h: int
    mean_score: float | None
    last_report: datetime


@dataclass(frozen=True, slots=True)
class ActionRow:
    id: int
    sender: str
    action: str
    actor: str
    detail: dict[str, Any]
    created_at: datetime


def sender_status(db: Database, sender: str) -> str:
    with db.uow() as uow:
        return _sender_status(uow.session, r.sender_number(sender)).value


def report_queue(db: Database, *, status: str | None = "open", limit: int = 100) -> list[ReportRow]:
    """Reports newest first (only ``status`` ones unless None)."""
    with db.uow() as uow:
        query = (
            select(am.SpamReport, am.SpamSender.status)
            .outerjoin(am.SpamSender, am.SpamSender.sender == am.SpamReport.sender)
            .order_by(am.SpamReport.created_at.desc(), am.SpamReport.id.desc())
            .limit(limit)
        )
        if status is not None:
            query = query.where(am.SpamReport.status == status)
        return [
            ReportRow(
                row.id,
                row.reporter,
                row.sender,
                row.text,
                row.score,
                row.channel,
                row.status,
                row.outcome,
                row.created_at,
                row.handled_at,
                standing or "clear",
            )
            for row, standing in uow.session.execute(query).all()
        ]


def sender_ranking(
    db: Database, *, limit: int = 50, now: datetime | None = None
) -> list[SenderRank]:
    """Reported senders, most distinct reporters first."""
    since = _now(now) - r.FLAG_WINDOW
    rp = am.SpamReport
    reporters = func.count(distinct(rp.reporter))
    recent = func.count(distinct(case((rp.created_at >= since, rp.reporter))))
    with db.uow() as uow:
        rows = uow.session.execute(
            select(
                rp.sender,
                func.count(),
                reporters,
                recent,
                func.avg(rp.score),
                func.max(rp.created_at),
                am.SpamSender.kind,
                am.SpamSender.status,
            )
            .outerjoin(am.SpamSender, am.SpamSender.sender == rp.sender)
            .where(rp.sender != "")
            .group_by(rp.sender, am.SpamSender.kind, am.SpamSender.status)
            .order_by(reporters.desc(), func.count().desc(), rp.sender)
            .limit(limit)
        ).all()
        subscribers = set(
            uow.session.scalars(
                select(m.Subscriber.msisdn).where(m.Subscriber.msisdn.in_([x[0] for x in rows]))
            )
        )
    return [
        SenderRank(
            sender,
            kind or r.sender_kind(sender, sender in subscribers).value,
            status or "clear",
            int(count),
            int(distinct_reporters),
            int(recent_reporters),
            float(mean) if mean is not None else None,
            last if last.tzinfo else last.replace(tzinfo=UTC),
        )
        for sender, count, distinct_reporters, recent_reporters, mean, last, kind, status in rows
    ]


def actions(db: Database, *, limit: int = 100) -> list[ActionRow]:
    """The audit trail, newest first."""
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(am.SpamAction)
            .order_by(am.SpamAction.created_at.desc(), am.SpamAction.id.desc())
            .limit(limit)
        ).all()
        return [
            ActionRow(a.id, a.sender, a.action, a.actor, dict(a.detail), a.created_at) for a in rows
        ]


def violations(db: Database, access_code: str | None = None) -> list[am.SpViolation]:
    """SP violations (for partner governance), newest first; detached rows."""
    with db.uow() as uow:
        query = select(am.SpViolation).order_by(am.SpViolation.id.desc())
        if access_code is not None:
            query = query.where(am.SpViolation.access_code == access_code)
        rows = list(uow.session.scalars(query).all())
        uow.session.expunge_all()
        return rows
