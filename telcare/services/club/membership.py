"""Club membership: joining, leaving, and whether a number is a member."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from telcare import clock
from telcare.domain.errors import UnknownSubscriber
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.store import models as m
from telcare.store import survey_models as sm
from telcare.store.uow import Database


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
            raise UnknownSubscriber(N_("subscriber.unknown"), msisdn=number)
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
