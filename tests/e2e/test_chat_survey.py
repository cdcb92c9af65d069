"""The satisfaction survey after each chat (issue #21): a chat ended on the pages or over
the sockets queues one survey SMS from 10086700 (held in quiet hours, once per chat and at
most one per 7 days); the SMS answer is scored under the ``chat`` channel."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from telcare.channels.api.app import create_app
from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import notify
from telcare.services import quality as qs
from telcare.services import surveys as svc
from telcare.services.hashing import hash_secret
from telcare.store import survey_models as sm
from telcare.store.models import StaffUser
from telcare.store.uow import Database
from tests.e2e.test_web_chat import staff
from tests.e2e.test_web_hall import log_in

BJ, GD = "13800138000", "13900139000"
NOON = datetime(2026, 12, 2, 12, tzinfo=OPERATOR_TZ)


@pytest.fixture
def app_db(sqlite_db: Database) -> Database:
    with sqlite_db.uow() as uow:
        uow.session.execute(update(StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    return sqlite_db


def survey_sms(db: Database, msisdn: str, at: datetime) -> list[str]:
    return [
        q.text
        for q in notify.due(db, at, limit=1000)
        if q.sender == "10086700" and q.recipient == msisdn
    ]


def chat_surveys(db: Database, msisdn: str) -> list[sm.Survey]:
    with db.uow() as uow:
        return list(
            uow.session.scalars(
                select(sm.Survey).where(sm.Survey.msisdn == msisdn, sm.Survey.trigger == "chat")
            )
        )


def test_a_chat_with_the_assistant_ended_by_the_subscriber_is_surveyed_and_scored(
    app_db: Database, time_machine: time_machine.TimeMachineFixture
) -> None:
    time_machine.move_to(NOON)
    client = TestClient(create_app(app_db))
    csrf = log_in(client, app_db, BJ)
    with client.websocket_connect("/hall/chat/ws") as ws:
        ws.send_json({"text": "怎么查流量"})
        got: list[dict[str, str]] = []
        while not any(m["role"] == "bot" and "CXLL" in m["text"] for m in got):
            got += ws.receive_json()["messages"]
    assert survey_sms(app_db, BJ, NOON + timedelta(days=1)) == []  # not before it ends
    ended = client.post("/hall/chat/close", data={"csrf_token": csrf})
    assert ended.url.path == "/hall/survey"
    (asked,) = survey_sms(app_db, BJ, NOON + timedelta(minutes=1))
    assert "在线客服" in asked
    # the hall's survey page offers the same survey (answerable on the web too)
    assert len(chat_surveys(app_db, BJ)) == 1
    assert "您对刚才的在线客服满意吗" in ended.text

    time_machine.move_to(NOON + timedelta(minutes=30))
    replies = SmsDispatcher(app_db).handle(MoMessage(BJ, "10086700", "4"))
    assert {r.sender for r in replies} == {"10086700"}
    (answered,) = chat_surveys(app_db, BJ)
    assert answered.status == "answered" and answered.score == 4
    by_channel = {r.key[0]: r for r in svc.scores(app_db, ("channel",))}
    assert by_channel["chat"].count == 1 and by_channel["chat"].mean == 4
    sat = {
        f.dim_value: f.value for f in qs.breakdown(app_db, "SAT_SCORE", "channel", "2026-12", "HQ")
    }
    assert sat["chat"] == 4

    # a second chat the same week: ended, but no second survey (at most one per 7 days)
    client.post("/hall/chat", data={"text": "CXYE", "csrf_token": csrf})
    client.post("/hall/chat/close", data={"csrf_token": csrf})
    assert len(chat_surveys(app_db, BJ)) == 1
    assert len(survey_sms(app_db, BJ, NOON + timedelta(days=1))) == 1


def test_a_chat_ended_by_its_agent_late_in_the_evening_is_surveyed_at_eight(
    app_db: Database, time_machine: time_machine.TimeMachineFixture
) -> None:
    late = NOON.replace(hour=21, minute=50)
    time_machine.move_to(late)
    subscriber = TestClient(create_app(app_db))
    csrf = log_in(subscriber, app_db, BJ)
    subscriber.post("/hall/chat", data={"text": "人工", "csrf_token": csrf})
    chat_id = subscriber.get("/hall/chat/messages").json()["chat"]
    agent, staff_csrf = staff(app_db, "bj-agent")
    agent.post(f"/staff/chat/{chat_id}/take", data={"csrf_token": staff_csrf})
    with agent.websocket_connect(f"/staff/chat/{chat_id}/ws") as ws:
        ws.send_json({"text": "您好，已为您查询。"})
        ws.receive_json()
    time_machine.move_to(late.replace(hour=22, minute=10))  # quiet hours from 22:00
    agent.post(f"/staff/chat/{chat_id}/close", data={"csrf_token": staff_csrf})
    agent.post(f"/staff/chat/{chat_id}/close", data={"csrf_token": staff_csrf})  # twice: once
    (survey,) = chat_surveys(app_db, BJ)
    assert survey.province == "BJ"
    eight = late.replace(hour=8, minute=0) + timedelta(days=1)
    assert survey_sms(app_db, BJ, eight - timedelta(minutes=1)) == []
    assert len(survey_sms(app_db, BJ, eight)) == 1
    with app_db.uow() as uow:
        contact = uow.session.scalar(
            select(sm.SurveyContact).where(sm.SurveyContact.source_key == f"chat:{chat_id}")
        )
        assert contact is not None and contact.agent == "bj-agent"
