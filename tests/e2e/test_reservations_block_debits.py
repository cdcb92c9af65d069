"""A live balance reservation holds money: what an order by SMS or API may debit is the
balance less what live reservations hold (#18)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from telcare.channels.api.app import create_app
from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.services import selfcare
from telcare.store.uow import Database
from tests.e2e.test_tmf_conformance import BALANCE, BJ, HQ

FEE = 100  # KTG3YH charges 1.00 yuan


@pytest.fixture
def client(sqlite_db: Database) -> TestClient:
    return TestClient(create_app(sqlite_db))


@pytest.fixture
def sms(sqlite_db: Database):
    dispatcher = SmsDispatcher(sqlite_db)
    counter = iter(range(10**6))

    def send(text: str) -> str:
        replies = dispatcher.handle(MoMessage(BJ, "10086", text, message_id=f"r{next(counter)}"))
        return "".join(r.text for r in replies)

    return send


def _reserve(client: TestClient, fen: int) -> str:
    line = client.get(f"{BALANCE}/bucket", params={"msisdn": BJ}, headers=HQ).json()[0]["id"]
    body = {"bucket": {"id": line}, "amount": {"amount": fen / 100, "units": "CNY"}}
    held = client.post(f"{BALANCE}/reserveBalance", json=body, headers=HQ)
    assert held.status_code == 201, held.text
    return str(held.json()["id"])


def test_an_sms_order_cannot_spend_what_a_reservation_holds(
    client: TestClient, sms, sqlite_db: Database
) -> None:
    before = selfcare.overview(sqlite_db, BJ).balance_fen
    rid = _reserve(client, before - FEE + 1)  # leaves 0.99 yuan: less than the fee
    assert "1.00" in sms("KTG3YH")
    assert "余额不足" in sms("Y")
    assert selfcare.overview(sqlite_db, BJ).balance_fen == before  # nothing charged
    freed = client.patch(f"{BALANCE}/reserveBalance/{rid}", json={"status": "released"}, headers=HQ)
    assert freed.status_code == 200 and freed.json()["status"] == "released"
    assert "1.00" in sms("KTG3YH")
    assert "扣费1.00元" in sms("Y")
    assert selfcare.overview(sqlite_db, BJ).balance_fen == before - FEE


def test_a_reservation_can_still_be_committed_in_full(
    client: TestClient, sqlite_db: Database
) -> None:
    before = selfcare.overview(sqlite_db, BJ).balance_fen
    rid = _reserve(client, before)  # everything held
    done = client.patch(f"{BALANCE}/reserveBalance/{rid}", json={"status": "committed"}, headers=HQ)
    assert done.status_code == 200, done.text
    assert selfcare.overview(sqlite_db, BJ).balance_fen == 0
