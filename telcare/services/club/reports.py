"""The club report: members, and per campaign its participants, opinions and essays."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from telcare.store import survey_models as sm
from telcare.store.uow import Database


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
