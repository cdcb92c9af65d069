"""Customer club and opinion campaigns on SQLite and PostgreSQL; the seed-sized report."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from telcare.demo import club as demo_club
from telcare.domain import club as dc
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Conflict, Forbidden, InvalidInput
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import club
from telcare.store.uow import Database

BJ_AGENT = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")
GD_AGENT = Principal(Kind.STAFF, "gd-agent", "GD", "agent")
NOW = datetime(2026, 3, 2, 10, tzinfo=OPERATOR_TZ)


def test_membership_events_and_attendance(db: Database) -> None:
    assert club.join(db, "13800138000", NOW) and not club.join(db, "13800138000", NOW)
    assert club.join(db, "13900139000", NOW)
    event = club.create_event(db, BJ_AGENT, "hotline_tour", "走进10086", NOW, capacity=1)
    assert club.register_for_event(db, event, "13800138000", NOW)
    assert not club.register_for_event(db, event, "13800138000", NOW)
    with pytest.raises(Conflict):
        club.register_for_event(db, event, "13900139000", NOW)  # full
    with pytest.raises(Conflict):
        club.register_for_event(db, event, "13700137000", NOW)  # not a member
    club.record_attendance(db, BJ_AGENT, event, "13800138000")
    assert [(e.registered, e.attended) for e in club.event_counts(db)] == [(1, 1)]
    assert club.leave(db, "13900139000", NOW) and not club.leave(db, "13900139000", NOW)
    assert not club.is_member(db, "13900139000") and club.is_member(db, "13800138000")
    assert club.report(db).members == 1
    with pytest.raises(InvalidInput):
        club.create_event(db, BJ_AGENT, "party", "x", NOW)


def test_campaign_submissions_moderation_and_report(db: Database) -> None:
    club.join(db, "13800138000", NOW)
    club.create_campaign(db, BJ_AGENT, "idea", "我为移动献一策", NOW, NOW + timedelta(days=30))
    a = club.submit(db, "IDEA", "13800138000", "opinion", "network", "地铁里信号差", now=NOW)
    b = club.submit(db, "IDEA", "13900139000", "essay", "service", "……", "我与移动", now=NOW)
    club.submit(db, "IDEA", "13800138000", "opinion", "products", "希望有更多G3套餐", now=NOW)
    with pytest.raises(InvalidInput):
        club.submit(db, "IDEA", "13800138000", "essay", "service", "no title", now=NOW)
    with pytest.raises(Conflict):
        club.submit(
            db, "IDEA", "13800138000", "opinion", "service", "late", now=NOW + timedelta(days=31)
        )
    assert club.moderate(db, BJ_AGENT, a, "approve") == "approved"
    assert club.moderate(db, BJ_AGENT, a, "feature") == "featured"
    assert club.moderate(db, BJ_AGENT, b, "reject") == "rejected"
    with pytest.raises(Conflict):
        club.moderate(db, BJ_AGENT, b, "feature")
    with pytest.raises(Forbidden):
        club.moderate(db, GD_AGENT, a, "unfeature")
    [r] = club.report(db, "idea").campaigns
    assert (r.participants, r.members, r.opinions, r.essays) == (2, 1, 2, 1)
    assert r.by_state == {"featured": 1, "rejected": 1, "pending": 1}
    assert r.by_category == {"network": 1, "service": 1, "products": 1}


def test_moderation_rules() -> None:
    assert dc.moderate(dc.State.REJECTED, "approve") is dc.State.APPROVED
    with pytest.raises(Conflict):
        dc.moderate(dc.State.PENDING, "feature")


def test_seed_sized_campaign_is_reportable(sqlite_db: Database) -> None:
    started = time.monotonic()
    demo_club.seed_campaign_history(sqlite_db, now=NOW)
    demo_club.seed_campaign_history(sqlite_db, now=NOW)  # idempotent
    report = club.report(sqlite_db)
    [c] = report.campaigns
    assert report.members == 21_036
    assert (c.opinions, c.essays, c.participants, c.members) == (24_902, 4_922, 21_036, 21_036)
    assert time.monotonic() - started < 30
