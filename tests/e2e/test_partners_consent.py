"""Every SP subscription path is tested for consent: SMS to the access code, the API
(and the hall, which calls the same service): nothing is charged before ``Y`` to 10086,
the fee run charges only confirmed subscriptions, and TD / QX / DELETE stop the next fee."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from telcare.channels.api.app import create_app
from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.config import secret_key
from telcare.demo.partners import DEMO_PASSWORD, seed_partners
from telcare.domain.access import Kind, Principal
from telcare.domain.months import month_of
from telcare.services import partners, selfcare
from telcare.services.auth import issue_token
from telcare.store import partner_models as pm
from telcare.store.uow import Database

BJ, GD = "13800138000", "13900139000"
MUSIC, GAME = "1066000001", "1066000005"


@pytest.fixture
def pdb(sqlite_db: Database) -> Database:
    seed_partners(sqlite_db)
    return sqlite_db


@pytest.fixture
def sms(pdb: Database):
    dispatcher = SmsDispatcher(pdb)
    counter = iter(range(10**6))

    def send(sender: str, to: str, text: str) -> str:
        mo = MoMessage(sender, to, text, message_id=f"p{next(counter)}")
        return "".join(r.text for r in dispatcher.handle(mo))

    return send


def bearer(kind: Kind, subject: str, province: str) -> dict[str, str]:
    token = issue_token(Principal(kind, subject, province, "agent"), secret_key())
    return {"Authorization": f"Bearer {token}"}


def fees(db: Database) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.count(pm.SpFee.id))) or 0)


def balance(db: Database, msisdn: str) -> int:
    return selfcare.overview(db, msisdn).balance_fen


def test_sms_order_is_held_until_y_then_td_stops_the_next_fee(sms, pdb: Database) -> None:
    before = balance(pdb, BJ)
    ack = sms(BJ, MUSIC, "dg yy")
    assert "回复Y" in ack and balance(pdb, BJ) == before and fees(pdb) == 0
    month = month_of(datetime.now(UTC))
    assert partners.run_fees(pdb, month).charged == 0  # pending is never charged
    done = sms(BJ, "10086", "Y")
    assert "成功订购" in done and balance(pdb, BJ) == before - 300 and fees(pdb) == 1
    menu = sms(BJ, "10086", "0000")
    assert "悦听音乐包" in menu
    assert "退订" in sms(BJ, MUSIC, "TD")
    assert partners.run_fees(pdb, "2099-01").charged == 0
    assert "没有" in sms(BJ, MUSIC, "TD") or "未订购" in sms(BJ, MUSIC, "TD")


def test_sms_n_declines_and_nothing_is_charged(sms, pdb: Database) -> None:
    before = balance(pdb, GD)
    assert "reply Y" in sms(GD, MUSIC, "YY").lower() or "Y" in sms(GD, MUSIC, "YY")
    assert sms(GD, "10086", "N")
    assert balance(pdb, GD) == before and fees(pdb) == 0
    assert partners.run_fees(pdb, "2099-01").charged == 0


def test_sms_qx_from_the_0000_menu_cancels_sp_services(sms, pdb: Database) -> None:
    sms(BJ, GAME, "DGYX")
    sms(BJ, "10086", "Y")
    menu = sms(BJ, "10086", "0000")
    assert "乐游游戏包" in menu
    items = menu.split("【")
    index = next(i for i, part in enumerate(items) if "乐游游戏包" in part)
    assert "乐游游戏包" in sms(BJ, "10086", f"QX{index}")
    assert partners.run_fees(pdb, "2099-01").charged == 0


def test_api_order_is_pending_until_y_and_delete_cancels(sms, pdb: Database) -> None:
    client = TestClient(create_app(pdb))
    me = bearer(Kind.SUBSCRIBER, GD, "GD")
    before = balance(pdb, GD)
    r = client.post(
        "/api/partners/subscriptions",
        headers=me,
        json={"access_code": MUSIC, "service_code": "YY"},
    )
    assert r.status_code == 202, r.text
    sid = r.json()["subscription_id"]
    assert balance(pdb, GD) == before and fees(pdb) == 0
    (row,) = client.get("/api/partners/subscriptions", headers=me).json()
    assert row["state"] == "pending"
    assert partners.run_fees(pdb, "2099-01").charged == 0
    sms(GD, "10086", "Y")
    assert balance(pdb, GD) == before - 300
    assert client.get("/api/partners/subscriptions", headers=me).json()[0]["state"] == "active"
    r = client.delete(
        f"/api/partners/subscriptions/{sid}", headers=bearer(Kind.SUBSCRIBER, BJ, "BJ")
    )
    assert r.status_code == 403
    assert client.delete(f"/api/partners/subscriptions/{sid}", headers=me).status_code == 200
    assert partners.run_fees(pdb, "2099-01").charged == 0


def test_sp_token_sees_only_its_own(pdb: Database) -> None:
    client = TestClient(create_app(pdb))
    r = client.post("/api/partners/token", json={"access_code": MUSIC, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    sp = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert client.get(f"/api/partners/sps/{MUSIC}", headers=sp).json()["name"] == "悦听音乐"
    assert client.get(f"/api/partners/sps/{GAME}", headers=sp).status_code == 403
    assert client.get("/api/partners/disclosed").status_code == 200
