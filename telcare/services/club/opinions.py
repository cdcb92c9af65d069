"""Opinion campaigns: opinions and essays sent by subscribers, moderated by staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from telcare import clock
from telcare.domain import club as dc
from telcare.domain.access import Principal
from telcare.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, UnknownSubscriber
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.provinces import HQ
from telcare.services.club.checks import _enum, _staff
from telcare.store import models as m
from telcare.store import survey_models as sm
from telcare.store.uow import Database


def create_campaign(
    db: Database,
    who: Principal,
    code: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    now: datetime | None = None,
) -> int:
    _staff(who, "club.campaign.manage")
    code = code.strip().upper()
    if not code or not title.strip():
        raise InvalidInput(N_("club.value_invalid"), value=code or title)
    with db.uow() as uow:
        if uow.session.scalar(select(sm.OpinionCampaign.id).where(sm.OpinionCampaign.code == code)):
            raise Conflict(N_("club.campaign_exists"), code=code)
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
            raise NotFound(N_("club.unknown_campaign"), code=campaign_code)
        if not _is_open(campaign.starts_at, campaign.ends_at, now):
            raise Conflict(N_("club.campaign_closed"))
        if not s.scalar(select(m.Subscriber.id).where(m.Subscriber.msisdn == number)):
            raise UnknownSubscriber(N_("subscriber.unknown"), msisdn=number)
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
    _staff(who, "club.submission.moderate")
    with db.uow() as uow:
        s = uow.session
        row = s.get(sm.OpinionSubmission, submission_id, with_for_update=True)
        if row is None:
            raise NotFound(N_("club.unknown_submission"))
        campaign = s.get(sm.OpinionCampaign, row.campaign_id)
        if who.province not in (HQ, campaign.province if campaign else HQ):
            raise Forbidden(N_("complaint.not_yours"))
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
