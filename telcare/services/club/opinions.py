"""The customer club (membership, member events, attendance) and opinion campaigns
(opinions and essays with moderation), with reportable counts.

Rules (kinds, categories, moderation) are in :mod:`telcare.domain.club`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import club as dc
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, UnknownSubscriber
from telcare.domain.messages import register
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.provinces import HQ
from telcare.store import models as m
from telcare.store import survey_models as sm
from telcare.store.uow import Database

E = TypeVar("E", bound=enum.Enum)

register(
    {
        "club.campaign_exists": (
            "征集活动{code}已存在。",
            "There is already a campaign {code}.",
        ),
    }
)


def _staff(who: Principal) -> None:
    if who.kind is not Kind.STAFF:
        raise Forbidden("complaint.not_yours")


def _enum(kind: type[E], value: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput("club.value_invalid", value=value) from None


# --- membership ---------------------------------------------------------------------


def join(db: Database, msisdn: str, now: datetime | None = None) -> bool:
    """Join the club (or re-join); False if already a member."""
    now = now or clock.now()
    number = normalise_msisdn(msisdn)
    with db.uow() as uow:
        s = uow.session
        province = s.scalar(
            select(m.Subscriber.province_code).where(
                m.Subscriber.msisdn == number, m.Subscriber.status != "closed"
            )
        )
        if province is None:
            raise UnknownSubscriber("subscriber.unknown", msisdn=number)
        member = s.scalar(
            select(sm.ClubMember).where(sm.ClubMember.msisdn == number).with_for_update()
        )
        if member is not None and member.active:
            return False
        if member is None:
            s.add(sm.ClubMember(msisdn=number, province=province, active=True, joined_at=now))
        else:
            member.active, member.joined_at, member.left_at = True, now, None
        uow.commit()
        return True


def leave(db: Database, msisdn: str, now: datetime | None = None) -> bool:
    """Leave the club; False if not a member."""
    number = normalise_msisdn(msisdn)
    with db.uow() as uow:
        member = uow.session.scalar(
            select(sm.ClubMember).where(sm.ClubMember.msisdn == number).with_for_update()
        )
        if member is None or not member.active:
            return False
        member.active, member.left_at = False, now or clock.now()
        uow.commit()
        return True


def is_member(db: Database, msisdn: str) -> bool:
    number = normalise_msisdn(msisdn)
    with db.uow() as uow:
        return bool(
            uow.session.scalar(select(sm.ClubMember.active).where(sm.ClubMember.msisdn == number))
        )


# --- member events ------------------------------------------------------------------


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
    _staff(who)
    event_kind = _enum(dc.EventKind, kind)
    if not title.strip() or (capacity is not None and capacity < 1):
        raise InvalidInput("club.value_invalid", value=title or str(capacity))
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
            raise NotFound("club.unknown_event")
        member = s.scalar(select(sm.ClubMember).where(sm.ClubMember.msisdn == number))
        if member is None or not member.active:
            raise Conflict("club.not_member")
        a = sm.ClubAttendance
        if s.scalar(select(a.id).where(a.event_id == event_id, a.member_id == member.id)):
            return False
        taken = s.scalar(select(func.count()).where(a.event_id == event_id)) or 0
        if event.capacity is not None and taken >= event.capacity:
            raise Conflict("club.event_full")
        s.add(a(event_id=event_id, member_id=member.id, registered_at=now or clock.now()))
        uow.commit()
        return True


def record_attendance(db: Database, who: Principal, event_id: int, msisdn: str) -> None:
    """Staff mark a registered member as present."""
    _staff(who)
    number = normalise_msisdn(msisdn)
    a = sm.ClubAttendance
    with db.uow() as uow:
        row = uow.session.scalar(
            select(a)
            .join(sm.ClubMember, sm.ClubMember.id == a.member_id)
            .where(a.event_id == event_id, sm.ClubMember.msisdn == number)
        )
        if row is None:
            raise NotFound("club.unknown_event")
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
    _staff(who)
    a = sm.ClubAttendance
    with db.uow() as uow:
        s = uow.session
        event = s.get(sm.ClubEvent, event_id)
        if event is None:
            raise NotFound("club.unknown_event")
        if who.province not in (HQ, event.province):
            raise Forbidden("complaint.not_yours")
        rows = s.execute(
            select(sm.ClubMember.msisdn, a.attended)
            .join(sm.ClubMember, sm.ClubMember.id == a.member_id)
            .where(a.event_id == event_id)
            .order_by(a.registered_at, a.id)
        ).all()
    return [(r[0], bool(r[1])) for r in rows]


# --- opinion campaigns ---------------------------------------------------------------


def create_campaign(
    db: Database,
    who: Principal,
    code: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    now: datetime | None = None,
) -> int:
    _staff(who)
    code = code.strip().upper()
    if not code or not title.strip():
        raise InvalidInput("club.value_invalid", value=code or title)
    with db.uow() as uow:
        if uow.session.scalar(select(sm.OpinionCampaign.id).where(sm.OpinionCampaign.code == code)):
            raise Conflict("club.campaign_exists", code=code)
        campaign = sm.OpinionCampaign(
            code=code[:30],
            title=title.strip()[: dc.MAX_TITLE],
            province=who.province,
            starts_at=starts_at,
            ends_at=ends_at,
            created_at=now or clock.now(),
        )
        uow.session.add(campaign)
        uow.commit()
        return campaign.id


def submit(
    db: Database,
    campaign_code: str,
    msisdn: str,
    kind: str,
    category: str,
    text: str,
    title: str = "",
    now: datetime | None = None,
) -> int:
    """A subscriber's opinion or essay for an open campaign; waits for moderation."""
    now = now or clock.now()
    number = normalise_msisdn(msisdn)
    sub_kind = _enum(dc.SubmissionKind, kind)
    cat = _enum(dc.Category, category)
    title, text = dc.check_submission(sub_kind, title, text)
    with db.uow() as uow:
        s = uow.session
        campaign = s.scalar(
            select(sm.OpinionCampaign).where(sm.OpinionCampaign.code == campaign_code.upper())
        )
        if campaign is None:
            raise NotFound("club.unknown_campaign", code=campaign_code)
        if not _is_open(campaign.starts_at, campaign.ends_at, now):
            raise Conflict("club.campaign_closed")
        if not s.scalar(select(m.Subscriber.id).where(m.Subscriber.msisdn == number)):
            raise UnknownSubscriber("subscriber.unknown", msisdn=number)
        row = sm.OpinionSubmission(
            campaign_id=campaign.id,
            msisdn=number,
            kind=sub_kind.value,
            category=cat.value,
            title=title,
            text=text,
            state=dc.State.PENDING.value,
            created_at=now,
        )
        s.add(row)
        uow.commit()
        return row.id


def moderate(
    db: Database, who: Principal, submission_id: int, action: str, now: datetime | None = None
) -> str:
    """Approve, reject, feature or unfeature a submission; its new state."""
    _staff(who)
    with db.uow() as uow:
        s = uow.session
        row = s.get(sm.OpinionSubmission, submission_id, with_for_update=True)
        if row is None:
            raise NotFound("club.unknown_submission")
        campaign = s.get(sm.OpinionCampaign, row.campaign_id)
        if who.province not in (HQ, campaign.province if campaign else HQ):
            raise Forbidden("complaint.not_yours")
        row.state = dc.moderate(dc.State(row.state), action).value
        row.moderated_by, row.moderated_at = who.subject, now or clock.now()
        uow.commit()
        return row.state


@dataclass(frozen=True, slots=True)
class CampaignView:
    code: str
    title: str
    province: str
    starts_at: datetime
    ends_at: datetime | None
    open: bool  # taking submissions now


def campaigns(
    db: Database, *, now: datetime | None = None, open_only: bool = False
) -> list[CampaignView]:
    """Opinion campaigns, newest first (``open_only``: those taking submissions now)."""
    now = now or clock.now()
    c = sm.OpinionCampaign
    with db.uow() as uow:
        rows = list(uow.session.scalars(select(c).order_by(c.starts_at.desc(), c.id.desc())))
    out = [
        CampaignView(
            r.code,
            r.title,
            r.province,
            r.starts_at,
            r.ends_at,
            _is_open(r.starts_at, r.ends_at, now),
        )
        for r in rows
    ]
    return [v for v in out if v.open or not open_only]


def _is_open(starts_at: datetime, ends_at: datetime | None, now: datetime) -> bool:
    """The one rule of a campaign's window: from ``starts_at``, until ``ends_at`` (excl.)."""
    starts_at, now = _aware(starts_at), _aware(now)
    return starts_at <= now and (ends_at is None or now < _aware(ends_at))


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)  # SQLite drops the zone


@dataclass(frozen=True, slots=True)
class SubmissionView:
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


def submissions(
    db: Database,
    *,
    campaign: str | None = None,
    state: str | None = None,
    msisdn: str | None = None,
    province: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[SubmissionView], int]:
    """A page of submissions, newest first, and how many match in all. Filters: a
    campaign code, a moderation state, a subscriber's own, campaigns of ``province``
    (national ones included; all when None or HQ)."""
    o = sm.OpinionSubmission
    c = sm.OpinionCampaign
    q = select(o, c.code).join(c, c.id == o.campaign_id)
    if campaign:
        q = q.where(c.code == campaign.upper())
    if state:
        q = q.where(o.state == _enum(dc.State, state).value)
    if msisdn:
        q = q.where(o.msisdn == normalise_msisdn(msisdn))
    if province is not None and province != HQ:
        q = q.where(c.province.in_((HQ, province.upper())))
    with db.uow() as uow:
        s = uow.session
        total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = s.execute(q.order_by(o.created_at.desc(), o.id.desc()).offset(offset).limit(limit))
        items = [
            SubmissionView(
                r.id,
                code,
                r.msisdn,
                r.kind,
                r.category,
                r.title,
                r.text,
                r.state,
                r.created_at,
                r.moderated_by,
            )
            for r, code in rows.all()
        ]
    return items, int(total)


# --- reports -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CampaignReport:
    code: str
    title: str
    participants: int  # distinct subscribers who sent something
    members: int  # of whom club members
    opinions: int
    essays: int
    by_state: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ClubReport:
    members: int  # active club members
    campaigns: list[CampaignReport]


def report(db: Database, campaign_code: str | None = None) -> ClubReport:
    """Members and, per campaign, participants, opinions, essays, states and categories."""
    o = sm.OpinionSubmission
    c = sm.OpinionCampaign
    with db.uow() as uow:
        s = uow.session
        members = s.scalar(select(func.count()).where(sm.ClubMember.active.is_(True))) or 0
        q = select(c.id, c.code, c.title).order_by(c.code)
        if campaign_code:
            q = q.where(c.code == campaign_code.upper())
        out = []
        for cid, code, title in s.execute(q).all():
            kinds = dict(
                s.execute(
                    select(o.kind, func.count()).where(o.campaign_id == cid).group_by(o.kind)
                ).all()
            )
            states = dict(
                s.execute(
                    select(o.state, func.count()).where(o.campaign_id == cid).group_by(o.state)
                ).all()
            )
            cats = dict(
                s.execute(
                    select(o.category, func.count())
                    .where(o.campaign_id == cid)
                    .group_by(o.category)
                ).all()
            )
            people = select(o.msisdn).where(o.campaign_id == cid).distinct().subquery()
            participants = s.scalar(select(func.count()).select_from(people)) or 0
            in_club = (
                s.scalar(
                    select(func.count())
                    .select_from(people)
                    .join(sm.ClubMember, sm.ClubMember.msisdn == people.c.msisdn)
                    .where(sm.ClubMember.active.is_(True))
                )
                or 0
            )
            out.append(
                CampaignReport(
                    code,
                    title,
                    participants,
                    in_club,
                    int(kinds.get("opinion", 0)),
                    int(kinds.get("essay", 0)),
                    {str(k): int(v) for k, v in states.items()},
                    {str(k): int(v) for k, v in cats.items()},
                )
            )
    return ClubReport(int(members), out)


def seed_campaign_history(
    db: Database,
    *,
    code: str = "OPINIONS-2008",
    title: str = "“我为移动献一策”意见征集",
    members: int = 21_036,
    opinions: int = 24_902,
    essays: int = 4_922,
    now: datetime | None = None,
) -> None:
    """Bulk-load a past campaign with the given counts (demo history; numbers from the
    ``147`` range, not real subscribers). Idempotent by campaign code."""
    now = now or clock.now()
    cats = [c.value for c in dc.Category]
    with db.uow() as uow:
        s = uow.session
        if s.scalar(select(sm.OpinionCampaign.id).where(sm.OpinionCampaign.code == code)):
            return
        campaign = sm.OpinionCampaign(
            code=code, title=title, province=HQ, starts_at=now, ends_at=now, created_at=now
        )
        s.add(campaign)
        s.flush()
        numbers = [f"147{i:08d}" for i in range(members)]
        _bulk(
            s,
            sm.ClubMember,
            (
                {"msisdn": n, "province": "BJ", "active": True, "joined_at": now, "left_at": None}
                for n in numbers
            ),
        )

        def rows(kind: str, n: int, offset: int) -> Iterable[dict[str, object]]:
            for i in range(n):
                yield {
                    "campaign_id": campaign.id,
                    "msisdn": numbers[(i + offset) % members],
                    "kind": kind,
                    "category": cats[i % len(cats)],
                    "title": f"征文{i + 1}" if kind == "essay" else "",
                    "text": "……",
                    "state": "approved",
                    "created_at": now,
                    "moderated_by": None,
                    "moderated_at": None,
                }

        _bulk(s, sm.OpinionSubmission, rows("opinion", opinions, 0))
        _bulk(s, sm.OpinionSubmission, rows("essay", essays, opinions))
        uow.commit()


def _bulk(s: Session, model: type, rows: Iterable[dict[str, object]], chunk: int = 5000) -> None:
    batch: list[dict[str, object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == chunk:
            s.execute(insert(model), batch)
            batch = []
    if batch:
        s.execute(insert(model), batch)
