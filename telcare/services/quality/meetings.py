"""Monthly quality meetings of headquarters and each province: attendees, decisions and
the improvement actions they raised."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import improvement as rules
from telcare.domain import quality as q
from telcare.domain.access import Principal
from telcare.domain.errors import Conflict
from telcare.domain.inputs import check_month
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.services.quality.actions import add_action
from telcare.services.quality.scope import may_handle, now_or, place
from telcare.store.improvement_models import ImprovementAction, QualityMeeting
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class RaisedAction:
    title: str
    department: str
    owner: str
    plan: str
    due_on: date | None = None
    indicator: str | None = None


@dataclass(frozen=True, slots=True)
class MeetingView:
    id: int
    province: str
    month: str
    held_on: date
    chair: str
    attendees: list[str]
    decisions: list[str]
    actions: list[int]
    recorded_by: str


def _view(s: Session, m: QualityMeeting) -> MeetingView:
    actions = list(
        s.scalars(
            select(ImprovementAction.id)
            .where(ImprovementAction.meeting_id == m.id)
            .order_by(ImprovementAction.id)
        )
    )
    return MeetingView(m.id, m.province, m.month, m.held_on, m.chair, list(m.attendees),
                       list(m.decisions), actions, m.recorded_by)  # fmt: skip


def record_meeting(
    db: Database,
    who: Principal,
    *,
    province: str,
    month: str,
    held_on: date,
    chair: str,
    attendees: Sequence[str],
    decisions: Sequence[str],
    actions: Sequence[RaisedAction] = (),
    now: datetime | None = None,
) -> MeetingView:
    """Record the month's quality meeting of ``province`` (once) and open its actions."""
    may_handle(who, province)
    check_month(month)
    now = now_or(now)
    with db.uow() as uow:
        s = uow.session
        if s.scalar(
            select(QualityMeeting.id).where(
                QualityMeeting.province == province, QualityMeeting.month == month
            )
        ):
            raise Conflict(N_("quality.meeting.twice"), province=province, month=month)
        row = QualityMeeting(
            province=province, month=month, held_on=held_on,
            chair=rules.text(chair, N_("quality.meeting.attendees"))[:60],
            attendees=rules.names(attendees, N_("quality.meeting.attendees")),
            decisions=rules.names(decisions, N_("quality.meeting.decisions")),
            recorded_by=who.subject, created_at=now,
        )  # fmt: skip
        s.add(row)
        s.flush()
        for n, a in enumerate(actions, start=1):
            add_action(
                s, source=rules.Source.MEETING, source_ref=f"meeting:{row.id}:{n}",
                province=province, month=month, title=a.title, department=a.department,
                owner=a.owner, plan=a.plan, by=who.subject, now=now, due_on=a.due_on,
                indicator=a.indicator if a.indicator in q.BY_CODE else None, meeting_id=row.id,
            )  # fmt: skip
        uow.commit()
        return _view(s, row)


def list_meetings(
    db: Database, who: Principal, *, province: str | None = None, limit: int = 100
) -> list[MeetingView]:
    chosen = place(who, province)
    stmt = select(QualityMeeting).order_by(QualityMeeting.month.desc(), QualityMeeting.province)
    if chosen is not None and chosen != HQ:
        stmt = stmt.where(QualityMeeting.province == chosen)
    with db.read() as uow:
        s = uow.session
        return [_view(s, r) for r in s.scalars(stmt.limit(min(max(limit, 1), 1000)))]
