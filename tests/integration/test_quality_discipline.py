"""The five prohibitions (issue #22): a detected unconfirmed fee, or an SP subscription
active without the subscriber's confirmation, opens a discipline case (once) with a
workflow and a monthly summary per province."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select

from telcare.demo.partners import seed_partners
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Conflict, Forbidden, InvalidInput
from telcare.domain.months import month_of
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import complaints as tickets
from telcare.services import partners
from telcare.services.quality import discipline
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database

BJ, GD = "13800138000", "13900139000"
GAME, MUSIC = "1066000005", "1066000001"
HQ_ADMIN = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
BJ_AGENT = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")
GD_AGENT = Principal(Kind.STAFF, "gd-agent", "GD", "agent")
NOW = datetime(2026, 3, 10, 10, tzinfo=OPERATOR_TZ)


@pytest.fixture
def pdb(db: Database) -> Database:
    seed_partners(db, now=NOW - timedelta(days=60))
    return db


def test_a_detected_unconfirmed_fee_opens_a_discipline_case(pdb: Database) -> None:
    caller = Principal(Kind.SUBSCRIBER, BJ, "BJ")
    t = tickets.file_ticket(pdb, caller, node="BJ", category="VAS.UNCONFIRMED.SP",
                            summary="游戏SP未经确认扣费", related_sp=GAME, now=NOW)  # fmt: skip
    for step, action in enumerate(["acknowledge", "start", "resolve"], start=1):
        tickets.transition(pdb, BJ_AGENT, t.id, action, node="BJ", now=NOW + timedelta(hours=step))
    assert discipline.detect(pdb, now=NOW + timedelta(days=1)) == 1
    assert discipline.detect(pdb, now=NOW + timedelta(days=1)) == 0  # once per finding
    (case,) = discipline.list_cases(pdb, BJ_AGENT)
    assert (case.rule, case.province, case.status) == ("unconfirmed_fee", "BJ", "open")
    assert GAME in case.unit and case.evidence["ticket"] == t.id
    assert discipline.list_cases(pdb, GD_AGENT) == []
    with pytest.raises(Forbidden):
        discipline.move(pdb, GD_AGENT, case.id, "investigate")
    with pytest.raises(Conflict):
        discipline.move(pdb, BJ_AGENT, case.id, "uphold", penalty="x")  # investigate first
    discipline.move(pdb, BJ_AGENT, case.id, "investigate")
    with pytest.raises(InvalidInput):
        discipline.move(pdb, BJ_AGENT, case.id, "uphold")  # a penalty is required
    done = discipline.move(pdb, BJ_AGENT, case.id, "uphold", penalty="通报批评，扣减绩效")
    assert done.status == "upheld" and done.closed_at is not None
    (summary,) = discipline.monthly_summary(pdb, HQ_ADMIN, month_of(NOW))
    assert (summary.province, summary.found, summary.by_rule) == ("BJ", 1, {"unconfirmed_fee": 1})
    assert summary.by_status == {"upheld": 1}


def test_an_inspection_and_an_unconfirmed_subscription_open_cases(pdb: Database) -> None:
    partners.record_inspection(pdb, HQ_ADMIN, GAME, "unconfirmed_charge", "拨测：未回复Y即扣费",
                               now=NOW)  # fmt: skip
    with pdb.uow() as uow:  # placed for the subscriber, active without a Y
        s = uow.session
        sub = s.scalar(select(m.Subscriber.id).where(m.Subscriber.msisdn == GD))
        svc = s.scalar(select(m.SpService.id).where(m.SpService.access_code == MUSIC))
        s.execute(insert(pm.SpSubscription), [{
            "subscriber_id": sub, "service_id": svc, "access_code": MUSIC, "state": "active",
            "channel": "console", "requested_at": NOW, "activated_at": NOW,
            "needs_reconfirm": False}])  # fmt: skip
        uow.commit()
    assert discipline.detect(pdb, now=NOW) == 2
    rules = {c.rule: c for c in discipline.list_cases(pdb, HQ_ADMIN)}
    assert rules["unconfirmed_fee"].province == "HQ"  # an inspection names no line
    order = rules["unconfirmed_order"]
    assert order.province == "GD" and "console" in order.unit
    assert [c.rule for c in discipline.list_cases(pdb, GD_AGENT)] == ["unconfirmed_order"]
    gone = discipline.move(pdb, GD_AGENT, order.id, "dismiss", finding="用户书面确认在案")
    assert gone.status == "dismissed"
