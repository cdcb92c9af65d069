"""TMF event notifications end to end: a listener on loopback registers through the API,
tickets filed and moved through the API reach it signed and in order, a failing
listener is retried with back-off then dead-lettered, a replay delivers, a deleted
listener hears nothing more, and who may register (#18)."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from time_machine import TimeMachineFixture

from telcare import clock
from telcare.channels.api.app import create_app
from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.config import get_settings
from telcare.domain import tmf_hub as rules
from telcare.domain.access import Kind
from telcare.services import accounts
from telcare.services.tmf_hub import delivery, listeners
from telcare.store import models as m
from telcare.store.uow import Database
from tests.e2e.test_tmf_conformance import BJ, BJ_STAFF, HQ, ME, TT, bearer

TT_HUB = "/tmf-api/troubleTicket/v4/hub"
PO_HUB = "/tmf-api/productOrderingManagement/v4/hub"
BALANCE_HUB = "/tmf-api/prepayBalanceManagement/v4/hub"
BJ_ADMIN = bearer(Kind.STAFF, "bj-admin", "BJ", "admin")
NO_JITTER = lambda: 0.0  # noqa: E731 - the shortest wait of each step


class Listener:
    """A real HTTP listener on loopback that records what it is sent."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.fail = 0  # answer 500 to this many more requests (-1: to every one)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                failing = outer.fail != 0
                if outer.fail > 0:
                    outer.fail -= 1
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _settings(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        get_settings.cache_clear()


@pytest.fixture
def private_allowed() -> Iterator[None]:
    yield from _settings(TELCARE_TMF_HUB_ALLOW_PRIVATE="1", TELCARE_TMF_HUB_MAX_ATTEMPTS="3")


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


@pytest.fixture
def client(db: Database) -> TestClient:
    return TestClient(create_app(db))


def _register(client: TestClient, url: str, path: str = TT_HUB, **extra: str) -> dict[str, Any]:
    r = client.post(path, json={"callback": url, **extra}, headers=HQ)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _file(client: TestClient) -> str:
    r = client.post(
        TT, headers=ME, json={"description": "家里没有信号", "ticketType": "NET.COV.INDOOR"}
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_a_listener_hears_create_and_state_change_in_order_signed(
    client: TestClient, db: Database, listener: Listener, private_allowed: None
) -> None:
    hub = _register(client, listener.url)
    assert hub["callback"] == listener.url and len(hub["secret"]) == 64
    assert set(hub["eventType"]) == {"TroubleTicketCreateEvent", "TroubleTicketStateChangeEvent"}
    assert "secret" not in client.get(f"{TT_HUB}/{hub['id']}", headers=HQ).json()  # shown once
    tid = _file(client)
    moved = client.patch(f"{TT}/{tid}", headers=HQ, json={"status": "acknowledged"})
    assert moved.status_code == 200, moved.text
    listener.fail = 1  # the first attempt fails: the state change must wait behind it
    assert delivery.deliver_due(db, rand=NO_JITTER).as_dict()["failed"] == 1
    assert len(listener.received) == 1  # the later event did not overtake the earlier one
    later = clock.now() + timedelta(seconds=get_settings().tmf_hub_retry_base_seconds)
    assert delivery.deliver_due(db, now=later).delivered == 2
    create, change = listener.events()[1:]
    assert [create["eventType"], change["eventType"]] == [
        "TroubleTicketCreateEvent",
        "TroubleTicketStateChangeEvent",
    ]
    assert create["event"]["troubleTicket"]["id"] == tid == change["event"]["troubleTicket"]["id"]
    assert (
        create["event"]["troubleTicket"]["status"],
        change["event"]["troubleTicket"]["status"],
    ) == (
        "new",
        "acknowledged",
    )
    for key in ("eventId", "eventTime", "timeOcurred", "correlationId", "domain", "priority"):
        assert create[key]
    for headers, body in listener.received[1:]:
        stamp = int(headers["x-telcare-timestamp"])
        assert rules.verify(hub["secret"], stamp, body, headers["x-telcare-signature"])
        assert not rules.verify("another secret", stamp, body, headers["x-telcare-signature"])
    assert listener.received[0][0]["x-telcare-event-id"] == create["eventId"]  # the same event


def test_a_failing_listener_is_retried_with_back_off_then_dead_lettered_and_replayed(
    client: TestClient,
    db: Database,
    listener: Listener,
    private_allowed: None,
    time_machine: TimeMachineFixture,
) -> None:
    time_machine.move_to(clock.now(), tick=False)
    hub = _register(client, listener.url)
    listener.fail = -1
    tid = _file(client)
    base = get_settings().tmf_hub_retry_base_seconds
    assert delivery.deliver_due(db, rand=NO_JITTER).failed == 1  # attempt 1
    for wait in (base / 2, base):  # equal jitter at its shortest: half of 30 s, of 60 s
        time_machine.shift(timedelta(seconds=wait - 1))
        assert delivery.deliver_due(db, rand=NO_JITTER).as_dict() == {
            "delivered": 0, "failed": 0, "dead": 0,
        }  # fmt: skip
        time_machine.shift(timedelta(seconds=1))
        outcome = delivery.deliver_due(db, rand=NO_JITTER)
    assert outcome.dead == 1 and len(listener.received) == 3  # max attempts: 3
    dead = client.get(f"{TT_HUB}/{hub['id']}/deadLetter", headers=HQ)
    assert dead.status_code == 200
    (letter,) = dead.json()
    assert letter["attempts"] == 3 and letter["lastError"] == "HTTP 500"
    assert letter["eventType"] == "TroubleTicketCreateEvent" and tid in letter["resource"]
    time_machine.shift(timedelta(minutes=10))
    assert delivery.deliver_due(db).as_dict()["failed"] == 0  # dead: not tried again
    listener.fail = 0
    replayed = client.post(f"{TT_HUB}/{hub['id']}/deadLetter/replay", headers=HQ, json={})
    assert replayed.json() == {"replayed": 1}
    assert delivery.deliver_due(db).delivered == 1
    assert listener.events()[-1]["event"]["troubleTicket"]["id"] == tid
    assert client.get(f"{TT_HUB}/{hub['id']}/deadLetter", headers=HQ).json() == []
    # deleted: nothing more is delivered
    assert client.delete(f"{TT_HUB}/{hub['id']}", headers=HQ).status_code == 204
    assert client.get(f"{TT_HUB}/{hub['id']}", headers=HQ).status_code == 404
    heard = len(listener.received)
    _file(client)
    assert delivery.deliver_due(db).delivered == 0 and len(listener.received) == heard


def test_orders_by_sms_and_top_ups_are_events_too(
    client: TestClient, db: Database, listener: Listener, private_allowed: None
) -> None:
    _register(client, listener.url, PO_HUB)
    _register(client, listener.url, BALANCE_HUB)
    sms = SmsDispatcher(db)
    sms.handle(MoMessage(BJ, "10086", "KTG3YH", message_id="h1"))
    sms.handle(MoMessage(BJ, "10086", "Y", message_id="h2"))
    accounts.recharge(db, BJ, 5000, idempotency_key="hub-topup-1")
    assert delivery.deliver_due(db).delivered == 3
    heard = listener.events()
    orders = [e for e in heard if "productOrder" in e["event"]]  # in their order
    (topup,) = [e for e in heard if "topupBalance" in e["event"]]
    placed, done = orders
    assert (placed["eventType"], done["eventType"], topup["eventType"]) == (
        "ProductOrderCreateEvent",
        "ProductOrderStateChangeEvent",
        "TopupBalanceCreateEvent",
    )
    order = placed["event"]["productOrder"]
    assert order["state"] == "pending" and done["event"]["productOrder"]["state"] == "completed"
    assert client.get(order["href"], headers=ME).json()["state"] == "completed"  # the same order
    assert topup["event"]["topupBalance"]["amount"] == {"amount": 50.0, "units": "CNY"}


def test_a_listener_query_picks_event_types(
    client: TestClient, db: Database, listener: Listener, private_allowed: None
) -> None:
    _register(client, listener.url, query="eventType=TroubleTicketStateChangeEvent")
    tid = _file(client)
    client.patch(f"{TT}/{tid}", headers=HQ, json={"status": "acknowledged"})
    assert delivery.deliver_due(db).delivered == 1
    assert listener.events()[0]["eventType"] == "TroubleTicketStateChangeEvent"
    bad = client.post(TT_HUB, json={"callback": listener.url, "query": "status=new"}, headers=HQ)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid-input"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://192.168.0.10/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "ftp://203.0.113.9/x",
        "http://user:pw@8.8.8.8/x",
        "not a url",
    ],
)
def test_private_and_malformed_callbacks_are_refused(client: TestClient, url: str) -> None:
    assert get_settings().tmf_hub_allow_private is False
    r = client.post(TT_HUB, json={"callback": url}, headers=HQ)
    assert r.status_code == 422 and r.json()["code"] == "invalid-input", r.text


def test_a_public_callback_is_accepted_without_the_setting(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listeners, "resolve", lambda host: ["93.184.216.34"])
    assert (
        client.post(
            TT_HUB, json={"callback": "https://hooks.example.com/tt"}, headers=HQ
        ).status_code
        == 201
    )
    monkeypatch.setattr(listeners, "resolve", lambda host: ["93.184.216.34", "10.0.0.7"])
    r = client.post(TT_HUB, json={"callback": "https://mixed.example.com/tt"}, headers=HQ)
    assert r.status_code == 422  # any refused address of the name refuses it


def test_who_may_register_and_see_listeners(
    client: TestClient, db: Database, listener: Listener, private_allowed: None
) -> None:
    with db.uow() as uow:  # a provincial admin (token version 0)
        uow.session.add(
            m.StaffUser(
                username="bj-admin",
                role="admin",
                province_code="BJ",
                password_hash="-",
                created_at=clock.now(),
            )
        )
        uow.commit()
    body = {"callback": listener.url}
    assert client.post(TT_HUB, json=body).status_code == 401
    assert (
        client.post(TT_HUB, json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
    )
    assert client.post(TT_HUB, json=body, headers=ME).status_code == 403
    assert client.post(TT_HUB, json=body, headers=BJ_STAFF).status_code == 403  # an agent
    hq = _register(client, listener.url)
    bj = client.post(TT_HUB, json=body, headers=BJ_ADMIN)
    assert bj.status_code == 201
    assert [h["id"] for h in client.get(TT_HUB, headers=BJ_ADMIN).json()] == [bj.json()["id"]]
    assert {h["id"] for h in client.get(TT_HUB, headers=HQ).json()} == {hq["id"], bj.json()["id"]}
    assert client.get(f"{TT_HUB}/{hq['id']}", headers=BJ_ADMIN).status_code == 404
    assert client.delete(f"{TT_HUB}/{hq['id']}", headers=BJ_ADMIN).status_code == 404
    assert client.delete(f"{TT_HUB}/{hq['id']}", headers=ME).status_code == 403
    assert client.get(f"{PO_HUB}/{hq['id']}", headers=HQ).status_code == 404  # another API's


def test_the_cli_lists_dead_letters_replays_and_delivers(
    client: TestClient, db: Database, listener: Listener, private_allowed: None
) -> None:
    from typer.testing import CliRunner

    from telcare.channels.tmf_cli import app

    hub = _register(client, listener.url)
    listener.fail = -1
    _file(client)
    runner = CliRunner()
    env = {"TELCARE_DATABASE_URL": db.url, "TELCARE_TMF_HUB_MAX_ATTEMPTS": "1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    get_settings.cache_clear()
    try:
        ran = runner.invoke(app, ["hub", "deliver"])
        assert ran.exit_code == 0 and "dead=1" in ran.output, ran.output
        dead = runner.invoke(app, ["hub", "dead", hub["id"], "--json"])
        (letter,) = [json.loads(line) for line in dead.output.splitlines()]
        assert letter["event_type"] == "TroubleTicketCreateEvent" and letter["attempts"] == 1
        listed = json.loads(runner.invoke(app, ["hub", "list", "--json"]).output)
        assert listed["id"] == int(hub["id"]) and listed["dead"] == 1
        listener.fail = 0
        assert "1 dead letter(s)" in runner.invoke(app, ["hub", "replay", hub["id"]]).output
        assert "delivered=1" in runner.invoke(app, ["hub", "deliver"]).output
        assert runner.invoke(app, ["hub", "delete", hub["id"]]).exit_code == 0
        assert runner.invoke(app, ["hub", "dead", hub["id"]]).exit_code == 2  # gone
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        get_settings.cache_clear()


def test_the_staff_page_shows_dead_letters_and_replays_them(
    db: Database, listener: Listener, private_allowed: None
) -> None:
    import re

    from sqlalchemy import update

    from telcare.services.hashing import hash_secret

    with db.uow() as uow:
        uow.session.execute(update(m.StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    api = TestClient(create_app(db))
    hub = _register(api, listener.url)
    listener.fail = -1
    tid = _file(api)
    for hours in range(3):  # three attempts, each after the last one's wait
        delivery.deliver_due(db, now=clock.now() + timedelta(hours=hours))
    html = {"accept": "text/html"}

    def staff(username: str) -> TestClient:
        web = TestClient(create_app(db))
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/staff/login").text)
        assert csrf
        form = {"csrf_token": csrf.group(1), "username": username, "password": "pw-123456"}
        web.post("/staff/login", data=form, headers=html)
        return web

    assert staff("bj-agent").get("/staff/tmf-hub/", headers=html).status_code == 403
    web = staff("hq-admin")
    shown = web.get("/staff/tmf-hub/", headers=html)
    assert shown.status_code == 200
    assert f'data-listener="{hub["id"]}" data-dead="1"' in shown.text
    assert "TroubleTicketCreateEvent" in shown.text and tid in shown.text
    assert "/staff/tmf-hub/" in web.get("/staff/", headers=html).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', shown.text)
    assert csrf
    listener.fail = 0
    replayed = web.post(
        "/staff/tmf-hub/replay",
        data={"csrf_token": csrf.group(1), "listener": hub["id"]},
        headers=html,
        follow_redirects=False,
    )
    assert replayed.status_code == 303
    assert "已重新排队1条死信" in web.get("/staff/tmf-hub/", headers=html).text
    assert delivery.deliver_due(db).delivered == 1
    assert web.get("/staff/tmf-hub/?format=json").json()[0]["dead"] == []
    no_csrf = web.post("/staff/tmf-hub/replay", data={"listener": hub["id"]}, headers=html)
    assert no_csrf.status_code in (400, 403)
