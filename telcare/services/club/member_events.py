"""Member events: created by staff, signed up for by members, attendance and counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from telcare import clock
from telcare.domain import club as dc
from telcare.domain.access import Principal
from telcare.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.provinces import HQ
from telcare.services.club.checks import _enum, _staff
from telcare.store import survey_models as sm
from telcare.store.uow import Database


def create_event(
    db: Database,
    who: Principal,
    kind: str,
    title: str,
    starts_at: datetime,
    *,
    capacity: int | None = None,
    now: datetime | None = None,
) -> int:
    """A member event in the staff member's province (HQ: national)."""
    _staff(who, "club.event.manage")
    event_kind = _enum(dc.EventKind, kind)
    if not title.strip() or (capacity is not None and capacity < 1):
        raise InvalidInput(N_("club.value_invalid"), value=title or str(capacity))
    with db.uow() as uow:
        event = sm.ClubEvent(
            kind=event_kind.value,
            title=title.strip()[: dc.MAX_TITLE],
            province=who.province,
            starts_at=starts_at,
            capacity=capacity,
            created_at=now or clock.now(),
        )
        uow.session.add(event)
        uow.commit()
        return event.id


def register_for_event(
    db: Database, event_id: int, msisdn: str, now: datetime | None = None
) -> bool:
    """A member signs up for an event; False if already registered."""
    number = normalise_msisdn(msisdn)
    with db.uow() as uow:
        s = uow.session
        event = s.get(sm.ClubEvent, event_id, with_for_update=True)
        if event is None:
            raise NotFound(N_("club.unknown_event"))
        member = s.scalar(select(sm.ClubMember).where(sm.ClubMember.msisdn == number))
        if member is None or not member.active:
            raise Conflict(N_("club.not_member"))
        a = sm.ClubAttendance
        if s.scalar(select(a.id).where(a.event_id == event_id, a.member_id == member.id)):
            return False
        taken = s.scalar(select(func.count()).where(a.event_id == event_id)) or 0
        if event.capacity is not None and taken >= event.capacity:
            raise Conflict(N_("club.event_full"))
        s.add(a(event_id=event_id, member_id=member.id, registered_at=now or clock.now()))
        uow.commit()
        return True


def record_attendance(db: Database, who: Principal, event_id: int, msisdn: str) -> None:
    """Staff mark a registered member as present."""
    _staff(who, "club.attendance.record")
    number = normalise_msisdn(msisdn)
    a = sm.ClubAttendance
    with db.uow() as uow:
        row = uow.session.scalar(
            select(a)
            .join(sm.ClubMember, sm.ClubMember.id == a.member_id)
            .where(a.event_id == event_id, sm.ClubMember.msisdn == number)
        )
        if row is None:
            raise NotFound(N_("club.unknown_event"))
        row.attended = True
        uow.commit()


@dataclass(frozen=True, slots=True)
class EventCounts:
    event_id: int
    title: str
    registered: int
    attended: int


def event_counts(db: Database) -> list[EventCounts]:
    a = sm.ClubAttendance
    with db.uow() as uow:
        rows = uow.session.execute(
            select(
                sm.ClubEvent.id,
                sm.ClubEvent.title,
                func.count(a.id),
                func.count(a.id).filter(a.attended.is_(True)),
            )
            .outerjoin(a, a.event_id == sm.ClubEvent.id)
            .group_by(sm.ClubEvent.id, sm.ClubEvent.title)
            .order_by(sm.ClubEvent.id)
        ).all()
    return [EventCounts(r[0], r[1], r[2], r[3]) for r in rows]


@dataclass(frozen=True, slots=True)
class EventView:
    """A member event as listed, with its sign-ups (and the reader's own, if any)."""

    id: int
    kind: str
    title: str
    province: str
    starts_at: datetime
    capacity: int | None
    registered: int
    mine: bool  # the given subscriber signed up
    attended: bool  # ... and was marked present


def events(
    db: Database,
    *,
    msisdn: str | None = None,
    province: str | None = None,
    since: datetime | None = None,
) -> list[EventView]:
    """Member events, soonest first: national ones and ``province``'s (all when None),
    starting at ``since`` or later; ``mine`` / ``attended`` for ``msisdn``."""
    a = sm.ClubAttendance
    e = sm.ClubEvent
    number = normalise_msisdn(msisdn) if msisdn else None
    with db.uow() as uow:
        s = uow.session
        q = select(e).order_by(e.starts_at, e.id)
        if province is not None and province != HQ:
            q = q.where(e.province.in_((HQ, province.upper())))
        if since is not None:
            q = q.where(e.starts_at >= since)
        rows = list(s.scalars(q))
        counts = dict(
            s.execute(
                select(a.event_id, func.count())
                .where(a.event_id.in_([r.id for r in rows]))
                .group_by(a.event_id)
            ).all()
        )
        own: dict[int, bool] = {}
        if number:
            own = {
                int(r[0]): bool(r[1])
                for r in s.execute(
                    select(a.event_id, a.attended)
                    .join(sm.ClubMember, sm.ClubMember.id == a.member_id)
                    .where(sm.ClubMember.msisdn == number)
                ).all()
            }
    return [
        EventView(
            r.id,
            r.kind,
            r.title,
            r.province,
            r.starts_at,
            r.capacity,
            int(counts.get(r.id, 0)),
            r.id in own,
            own.get(r.id, False),
        )
        for r in rows
    ]


def registrations(db: Database, who: Principal, event_id: int) -> list[tuple[str, bool]]:
    """Staff: (msisdn, attended) of everyone signed up for an event, in sign-up order."""
    _staff(who, "club.console.view")
    a = sm.ClubAttendance
    with db.uow() as uow:
        s = uow.session
        event = s.get(sm.ClubEvent, event_id)
        if event is None:
            raise NotFound(N_("club.unknown_event"))
        if who.province not in (HQ, event.province):
            raise Forbidden(N_("complaint.not_yours"))
        rows = s.execute(
            select(sm.ClubMember.msisdn, a.attended)
            .join(sm.ClubMember, sm.ClubMember.id == a.member_id)
            .where(a.event_id == event_id)
            .order_by(a.registered_at, a.id)
        ).all()
    return [(r[0], bool(r[1])) for r in rows]
