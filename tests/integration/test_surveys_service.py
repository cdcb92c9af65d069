"""Survey services on SQLite and PostgreSQL: sending, replies, expiry, versions, follow-up."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from telcare import wiring
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Conflict, Forbidden, InvalidInput
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import complaints, notify
from telcare.services import surveys as svc
from telcare.store import survey_models as sm
from telcare.store.models import OutboundSms
from telcare.store.uow import Database
from tests import aio

HQ_ADMIN = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
BJ_AGENT = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")
GD_AGENT = Principal(Kind.STAFF, "gd-agent", "GD", "agent")
BJ = "13800138000"
GD = "13900139000"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=OPERATOR_TZ)


def outbox(db: Database) -> list[tuple[str, str]]:
    """(recipient, text) of every SMS queued from 10086700."""
    o = OutboundSms
    with db.uow() as uow:
        rows = uow.session.execute(select(o.recipient, o.text).where(o.sender == "10086700"))
        return [(r[0], r[1]) for r in rows]


def test_send_now_queues_from_10086700_and_keeps_the_7_day_rule(db: Database) -> None:
    now = at("2026-03-02 10:00")
    sent = svc.send_now(db, BJ, "shop", now=now)
    assert sent.outcome == "surveyed" and sent.sent_at == now and sent.template == "SHOP"
    [(to, text)] = outbox(db)
    assert to == BJ and "1-5" in text and "营业厅" in text
    assert notify.due(db, now)[0].sender == "10086700"
    assert svc.send_now(db, BJ, "hotline", now=now + timedelta(days=6)).outcome == "recent"
    assert svc.send_now(db, BJ, "hotline", now=now + timedelta(days=7)).outcome == "surveyed"
    en = svc.send_now(db, GD, "hotline", now=now)
    assert en.outcome == "surveyed"
    assert any(to == GD and "Reply 1-5" in text for to, text in outbox(db))
    with pytest.raises(InvalidInput):
        svc.send_now(db, BJ, "party", now=now)


def test_quiet_hours_hold_the_survey_until_8(db: Database) -> None:
    sent = svc.send_now(db, BJ, "shop", now=at("2026-03-02 23:10"))
    assert sent.sent_at == at("2026-03-03 08:00")
    assert notify.due(db, at("2026-03-03 07:59")) == []
    assert len(notify.due(db, at("2026-03-03 08:00"))) >= 1
    # not answerable before it went out
    assert svc.handle_reply(db, BJ, "5", now=at("2026-03-03 07:00")).key == "survey.none_open"


def test_replies_malformed_answered_already_expired(db: Database) -> None:
    now = at("2026-03-02 10:00")
    assert svc.handle_reply(db, BJ, "5", now=now).key == "survey.none_open"
    svc.send_now(db, BJ, "shop", now=now)
    assert svc.handle_reply(db, BJ, "6", now=now).key == "survey.hint_scale"
    r = svc.handle_reply(db, BJ, "２ 排队太久", now=now + timedelta(hours=1))
    assert r.key == "survey.thanks_low" and r.answer and r.answer.comment == "排队太久"
    assert svc.handle_reply(db, BJ, "5", now=now + timedelta(hours=2)).key == "survey.already"
    svc.send_now(db, GD, "ticket", now=now)  # a three-level template
    assert svc.handle_reply(db, GD, "1", now=now).key == "survey.hint_three"
    later = now + timedelta(hours=48)
    assert svc.handle_reply(db, GD, "满意", now=later).key == "survey.expired"
    with db.uow() as uow:
        replies = uow.session.scalars(select(sm.SurveyReply).order_by(sm.SurveyReply.id)).all()
        assert [r.outcome for r in replies] == [
            "none_open",
            "hint_scale",
            "thanks_low",
            "already",
            "hint_three",
            "expired",
        ]
        survey = uow.session.scalar(select(sm.Survey).where(sm.Survey.msisdn == BJ))
        assert survey is not None and survey.score == 2 and survey.comment == "排队太久"


def test_expire_closes_open_surveys_after_48_hours(db: Database) -> None:
    now = at("2026-03-02 10:00")
    svc.send_now(db, BJ, "shop", now=now)
    assert svc.expire(db, now + timedelta(hours=47)) == 0
    assert svc.expire(db, now + timedelta(hours=48)) == 1
    assert svc.handle_reply(db, BJ, "5", now=now + timedelta(hours=49)).key == "survey.expired"


def test_template_change_makes_a_new_version_and_old_surveys_keep_theirs(db: Database) -> None:
    now = at("2026-03-02 10:00")
    first = svc.send_now(db, BJ, "shop", now=now)
    spec = svc.DEFAULT_TEMPLATES["SHOP"] | {"name_zh": "营业厅服务（新）"}
    spec["questions"] = [
        {"id": "overall", "kind": "three", "text_zh": "您对营业厅满意吗？", "text_en": "Happy?"}
    ]
    v2 = svc.save_template(db, HQ_ADMIN, "SHOP", spec, now=now)
    assert v2.version == 2
    second = svc.send_now(db, GD, "shop", now=now)
    assert (first.version, second.version) == (1, 2)
    # the v1 survey still reads digits; the v2 one wants 满意/一般/不满意
    assert svc.handle_reply(db, BJ, "4", now=now).key == "survey.thanks"
    assert svc.handle_reply(db, GD, "4", now=now).key == "survey.hint_three"
    assert svc.handle_reply(db, GD, "一般", now=now).key == "survey.thanks"
    rows = svc.scores(db, ("template", "version"))
    assert [(r.key, r.count) for r in rows] == [(("SHOP", "1"), 1), (("SHOP", "2"), 1)]
    assert [v for v, _, _ in svc.template_history(db, "SHOP")] == [1, 2]
    with pytest.raises(Forbidden):
        svc.save_template(db, BJ_AGENT, "SHOP", spec, now=now)
    bj = svc.save_template(db, BJ_AGENT, "SHOP-BJ", spec, now=now)
    assert bj.owner == "BJ" and bj.provinces == ("BJ",)
    with pytest.raises(Forbidden):
        svc.save_template(db, GD_AGENT, "SHOP-BJ", spec, now=now)


def test_sampling_share_comes_from_the_template(db: Database) -> None:
    now = at("2026-03-02 10:00")
    svc.save_template(
        db, HQ_ADMIN, "HOTLINE", svc.DEFAULT_TEMPLATES["HOTLINE"] | {"sample_percent": 0}
    )
    assert svc.record_call(db, BJ, "a1", call_id="c1", now=now).outcome == "not_sampled"
    svc.save_template(
        db, HQ_ADMIN, "HOTLINE", svc.DEFAULT_TEMPLATES["HOTLINE"] | {"sample_percent": 100}
    )
    assert svc.record_call(db, BJ, "a1", call_id="c2", now=now).outcome == "surveyed"
    assert svc.record_call(db, BJ, "a1", call_id="c2", now=now).outcome == "duplicate"
    assert svc.record_call(db, "13512345678", "a1", call_id="c3", now=now).outcome == "unknown"


def test_ticket_closed_event_surveys_once(db: Database) -> None:
    t = complaints.file_ticket(
        db, BJ_AGENT, node="BJ", msisdn=BJ, category="BIL.DISPUTE.DATA", summary="流量费争议"
    )
    for action in ("start", "resolve", "close"):
        complaints.transition(db, BJ_AGENT, t.id, action, node="BJ")
    from telcare.bus import outbox as bus_outbox

    events = [m for m in bus_outbox.pending(db) if m.type == "ticket.closed"]
    assert len(events) == 1
    import json

    event = json.loads(events[0].data)
    svc.on_ticket_closed(db, event)
    svc.on_ticket_closed(db, event)  # at least once: a redelivery changes nothing
    with db.uow() as uow:
        contacts = uow.session.scalars(select(sm.SurveyContact)).all()
        assert [(c.trigger, c.outcome, c.ref, c.province) for c in contacts] == [
            ("ticket", "surveyed", t.id, "BJ")
        ]


def test_web_answer_and_follow_up_ticket(db: Database) -> None:
    now = at("2026-03-02 10:00")
    offer = svc.web_survey(db, BJ, now)
    assert offer is not None and offer.survey_id is None and offer.template.code == "ONLINE"
    with pytest.raises(InvalidInput):
        svc.answer_web(db, BJ, None, {"overall": "9"}, now)
    answer = svc.answer_web(
        db, BJ, None, {"overall": "1", "ease": "不满意", "comment": "页面打不开"}, now
    )
    assert answer.score == 1
    assert svc.web_survey(db, BJ, now) is None  # 7-day rule
    with pytest.raises(Conflict):
        svc.answer_web(db, BJ, None, {"overall": "5", "ease": "满意"}, now)
    [follow] = svc.follow_ups(db, BJ_AGENT)
    assert follow.comment == "页面打不开" and follow.ticket_id is None
    assert svc.follow_ups(db, GD_AGENT) == []
    with pytest.raises(Forbidden):
        svc.open_ticket(db, GD_AGENT, follow.survey_id, node="GD")
    ticket_id = svc.open_ticket(db, BJ_AGENT, follow.survey_id, node="BJ", now=now)
    assert svc.open_ticket(db, BJ_AGENT, follow.survey_id, node="BJ") == ticket_id
    ticket = complaints.get_ticket(db, BJ_AGENT, ticket_id)
    assert ticket.msisdn == BJ and ticket.category == "SVC.HALL.ATTITUDE"
    assert ticket.description == "页面打不开"
    # an SMS survey can be answered on the web page too
    svc.send_now(db, GD, "shop", now=now)
    offer = svc.web_survey(db, GD, now)
    assert offer is not None and offer.survey_id is not None
    svc.answer_web(db, GD, offer.survey_id, {"overall": "5", "wait": "满意"}, now)
    assert svc.handle_reply(db, GD, "5", now=now).key == "survey.already"


def test_the_in_process_bus_delivers_ticket_closed_to_surveys(sqlite_db: Database) -> None:
    import asyncio
    import time

    from telcare.bus import handlers
    from telcare.bus import outbox as bus_outbox
    from telcare.bus.node import Node

    wiring.subscribe_surveys()
    wiring.subscribe_surveys()  # idempotent
    try:
        t = complaints.file_ticket(sqlite_db, BJ_AGENT, node="BJ", msisdn=BJ,
                                   category="BIL.DISPUTE.DATA", summary="流量费争议")  # fmt: skip
        for action in ("start", "resolve", "close"):
            complaints.transition(sqlite_db, BJ_AGENT, t.id, action, node="BJ")

        async def main() -> None:
            stop = asyncio.Event()
            task = asyncio.create_task(Node(sqlite_db, "BJ", "inprocess://", poll_s=0.01).run(stop))
            deadline = time.monotonic() + 5
            while bus_outbox.backlog(sqlite_db) and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            stop.set()
            await task

        aio.run(main())
    finally:
        handlers.unsubscribe_all()
    with sqlite_db.uow() as uow:
        contacts = uow.session.execute(select(sm.SurveyContact.trigger, sm.SurveyContact.ref))
        assert [tuple(c) for c in contacts] == [("ticket", t.id)]
