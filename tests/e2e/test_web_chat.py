"""The chat pages and sockets: the business hall's chat and the agent desk, over HTTP and
WebSocket, as a browser drives them (the browser test walks the same in Chromium)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import update
from starlette.websockets import WebSocketDisconnect

from telcare.channels.api.app import create_app
from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser
from telcare.store.uow import Database
from tests.e2e.test_web_hall import log_in, token

BJ = "13800138000"
NOON = datetime(2026, 12, 2, 12, tzinfo=timezone(timedelta(hours=8)))
HTML = {"accept": "text/html"}


@pytest.fixture
def app_db(sqlite_db: Database, time_machine: time_machine.TimeMachineFixture) -> Database:
    time_machine.move_to(NOON)
    with sqlite_db.uow() as uow:
        uow.session.execute(update(StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    return sqlite_db


def staff(db: Database, user: str) -> tuple[TestClient, str]:
    client = TestClient(create_app(db))
    csrf = token(client.get("/staff/login", headers=HTML).text)
    client.post("/staff/login", headers=HTML,
                data={"csrf_token": csrf, "username": user, "password": "pw-123456"})  # fmt: skip
    return client, token(client.get("/staff/chat/", headers=HTML).text)


def test_hall_chat_over_the_form_and_the_socket(app_db: Database) -> None:
    client = TestClient(create_app(app_db))
    csrf = log_in(client, app_db, BJ)
    page = client.get("/hall/chat")
    assert page.status_code == 200 and "10086" in page.text and "/static/chat.js" in page.text
    shown = client.post("/hall/chat", data={"text": "怎么查流量", "csrf_token": csrf})
    assert "CXLL" in shown.text
    last = client.get("/hall/chat/messages").json()["messages"][-1]["seq"]
    with client.websocket_connect(f"/hall/chat/ws?after={last}") as ws:
        ws.send_json({"text": "CXYE"})
        got = []
        while not any(m["role"] == "bot" for m in got):
            got += ws.receive_json()["messages"]
        assert "100.00" in got[-1]["text"]
        ws.send_bytes(b"\x00\x01binary")
        assert "error" in ws.receive_json()
        ws.send_text("x" * 20_000)
        assert "error" in ws.receive_json()
        ws.send_json({"text": ""})
        assert "error" in ws.receive_json()
    assert client.post("/hall/chat", data={"text": "hi"}).status_code == 403  # no CSRF token


def test_sockets_need_a_login_and_the_same_origin(app_db: Database) -> None:
    client = TestClient(create_app(app_db))
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/hall/chat/ws"):
        pass
    assert refused.value.code == 4401
    log_in(client, app_db, BJ)
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect("/hall/chat/ws", headers={"origin": "https://evil.example"}) as ws,
    ):
        ws.receive_json()
    assert client.get("/staff/chat/", headers=HTML, follow_redirects=False).status_code == 303


def test_an_agent_answers_on_the_desk_and_a_dropped_link_misses_nothing(app_db: Database) -> None:
    subscriber = TestClient(create_app(app_db))
    csrf = log_in(subscriber, app_db, BJ)
    subscriber.post("/hall/chat", data={"text": "人工", "csrf_token": csrf})
    state = subscriber.get("/hall/chat/messages").json()
    chat_id, seen = state["chat"], state["messages"][-1]["seq"]

    agent, staff_csrf = staff(app_db, "bj-agent")
    desk = agent.get("/staff/chat/", headers=HTML).text
    assert f'action="/staff/chat/{chat_id}/take"' in desk
    other, _ = staff(app_db, "gd-agent")
    assert f"/staff/chat/{chat_id}/take" not in other.get("/staff/chat/", headers=HTML).text
    agent.post(f"/staff/chat/{chat_id}/take", data={"csrf_token": staff_csrf})
    panel = agent.get(f"/staff/chat/{chat_id}", headers=HTML).text
    assert BJ in panel and "100.00" in panel  # the customer beside the chat
    with agent.websocket_connect(f"/staff/chat/{chat_id}/ws") as ws:
        ws.send_json({"text": "您好，请问有什么可以帮您？"})
        ws.receive_json()
    # the subscriber was not connected: on reconnecting after ``seen`` the reply is there
    with subscriber.websocket_connect(f"/hall/chat/ws?after={seen}") as ws:
        texts = [m["text"] for m in ws.receive_json()["messages"]]
    assert "您好，请问有什么可以帮您？" in texts
    form = {"csrf_token": staff_csrf, "summary": "在线咨询"}
    filed = agent.post(f"/staff/chat/{chat_id}/ticket", data=form, headers=HTML)
    assert filed.status_code == 200 and re.search(r"工单\S+", filed.text)
    agent.post(f"/staff/chat/{chat_id}/close", data={"csrf_token": staff_csrf})
    assert subscriber.get("/hall/chat/messages").json()["chat"] != chat_id
