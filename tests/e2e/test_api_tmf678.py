"""TMF678 customerBill / appliedCustomerBillingRate: the January statement after the
renewals, equal to the ledger; who may see which bill."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from time_machine import TimeMachineFixture

from telcare.services import cycle, orders
from telcare.store.uow import Database
from tests.conftest import Templates, db_at
from tests.e2e.test_api_tmf import API, BJ, GD, PASSWORD, client, subscriber_headers

__all__ = ["client"]
BILLS = f"{API}/customerBillManagement/v4"
FEBRUARY = datetime.fromisoformat("2027-02-02T10:00:00+08:00")
SEEDED = datetime(2026, 12, 10, 4, tzinfo=UTC)


@pytest.fixture
def sqlite_db(
    templates: Templates, tmp_path: Path, time_machine: TimeMachineFixture
) -> Iterator[Database]:
    """The demo as seeded in December: 全球通88 in force before January, whatever day the
    suite runs (seeded on 1 January, its first month would not be a renewal)."""
    yield from db_at(SEEDED, "sqlite", templates, tmp_path, time_machine)


def staff_headers(client: TestClient, username: str) -> dict[str, str]:
    token = client.post(
        f"{API}/auth/token",
        json={"grant_type": "password", "username": username, "password": PASSWORD},
    )
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_january_bill_equals_the_ledger(
    client: TestClient, sqlite_db: Database, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(datetime(2026, 12, 20, 4, tzinfo=UTC))
    orders.request_subscription(sqlite_db, BJ, "G3YH", channel="sms")
    orders.confirm(sqlite_db, BJ)
    time_machine.move_to(datetime.fromisoformat("2027-01-01T00:05:00+08:00"))
    cycle.renew_month(sqlite_db, "2027-01")
    time_machine.move_to(FEBRUARY)
    sub = subscriber_headers(client, sqlite_db, BJ)
    listed = client.get(f"{BILLS}/customerBill", headers=sub)
    assert listed.status_code == 200, listed.text
    bills = {b["id"]: b for b in listed.json()}
    jan = bills[f"{BJ}-202701"]
    assert jan["feesAmount"] == {"unit": "CNY", "value": 89.0}
    assert jan["amountDue"]["value"] == 89.0 and jan["remainingAmount"]["value"] == 0
    assert jan["openingBalance"]["value"] - 89.0 == jan["closingBalance"]["value"]
    assert jan["billingPeriod"]["startDateTime"] == "2027-01-01T00:00:00+08:00"
    one = client.get(jan["href"], headers=sub)
    assert one.status_code == 200 and one.json()["id"] == jan["id"]
    rates = client.get(f"{BILLS}/appliedCustomerBillingRate?bill.id={jan['id']}", headers=sub)
    assert rates.status_code == 200
    amounts = sorted(r["taxIncludedAmount"]["value"] for r in rates.json())
    assert amounts == [1.0, 88.0]
    assert all(r["bill"]["id"] == jan["id"] for r in rates.json())
    rate = client.get(rates.json()[0]["href"], headers=sub)
    assert rate.status_code == 200 and rate.json()["appliedBillingRateType"] == "recurringCharge"
    # another subscriber sees none of it; staff of the province do, others not
    other = subscriber_headers(client, sqlite_db, GD)
    assert client.get(jan["href"], headers=other).status_code in (403, 404)
    assert client.get(rate.json()["href"], headers=other).status_code in (403, 404)
    assert client.get(jan["href"], headers=staff_headers(client, "bj-agent")).status_code == 200
    assert client.get(jan["href"], headers=staff_headers(client, "gd-agent")).status_code in (
        403,
        404,
    )
    assert client.get(f"{BILLS}/customerBill/{BJ}-202713", headers=sub).status_code == 404
    assert client.get(f"{BILLS}/customerBill/nope", headers=sub).status_code == 404
    assert client.get(f"{BILLS}/customerBill/{BJ}-202702", headers=sub).status_code == 404
