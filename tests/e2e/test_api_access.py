"""Who sees what through the API: a subscriber only their own line, staff their province."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from telcare.channels.api.app import create_app
from telcare.config import secret_key
from telcare.domain.access import Kind, Principal
from telcare.services import auth, cards
from telcare.store import models as m
from telcare.store.uow import Database

API = "/tmf-api"
BALANCE = f"{API}/prepayBalanceManagement/v4"
ORDERING = f"{API}/productOrderingManagement/v4"
INVENTORY = f"{API}/productInventory/v4"
CUSTOMER = f"{API}/customerManagement/v4"
BJ, GD = "13800138000", "13900139000"


def bearer(kind: Kind, subject: str, province: str, role: str = "") -> dict[str, str]:
    token = auth.issue_token(Principal(kind, subject, province, role), secret_key())
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def client(sqlite_db: Database) -> TestClient:
    return TestClient(create_app(sqlite_db))


@pytest.fixture
def victim(sqlite_db: Database) -> dict[str, int]:
    """GD's line, customer, a subscription and a top-up: the IDs an attacker guesses."""
    cards.recharge_with_card(sqlite_db, GD, "1000000000000001", "123456", idempotency_key="v")
    with sqlite_db.uow() as uow:
        s = uow.session
        sub = s.scalars(select(m.Subscriber).where(m.Subscriber.msisdn == GD)).one()
        subscription = s.scalars(
            select(m.Subscription).where(m.Subscription.subscriber_id == sub.id)
        ).first()
        assert subscription is not None
        entry = s.scalars(
            select(m.LedgerEntry)
            .where(m.LedgerEntry.account_id == sub.account.id, m.LedgerEntry.kind == "recharge")
            .order_by(m.LedgerEntry.id.desc())
        ).first()
        assert entry is not None
        return {
            "line": sub.id,
            "customer": sub.customer_id,
            "subscription": subscription.id,
            "entry": entry.id,
        }


def assert_refused(response: object, victim_msisdn: str = GD) -> None:
    """403 or 404 with a problem body, and nothing of the victim's data in it."""
    r = response
    assert r.status_code in (403, 404), r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["status"] == r.status_code  # type: ignore[attr-defined]
    assert victim_msisdn not in r.text and "remainingValue" not in r.text  # type: ignore[attr-defined]


def test_subscriber_cannot_read_anothers_account_by_guessing_ids(
    client: TestClient, victim: dict[str, int]
) -> None:
    me = bearer(Kind.SUBSCRIBER, BJ, "BJ")
    line, sub_id = victim["line"], victim["subscription"]
    for url in (
        f"{BALANCE}/bucket/{line}",
        f"{BALANCE}/topupBalance/{victim['entry']}",
        f"{CUSTOMER}/customer/{victim['customer']}",
        f"{INVENTORY}/product/{sub_id}",
        f"{ORDERING}/productOrder/{line}-s{sub_id}",
        f"{ORDERING}/productOrder/{line}-c{sub_id}",
        f"{ORDERING}/productOrder/{line}-1700000000000000",
    ):
        assert_refused(client.get(url, headers=me))
    for url in (
        f"{BALANCE}/bucket",
        f"{BALANCE}/topupBalance",
        f"{INVENTORY}/product",
        f"{ORDERING}/productOrder",
    ):
        assert_refused(client.get(url, params={"msisdn": GD}, headers=me))


def test_enumerating_ids_reveals_only_your_own(client: TestClient, sqlite_db: Database) -> None:
    me = bearer(Kind.SUBSCRIBER, BJ, "BJ")
    seen = []
    for guess in range(1, 12):
        response = client.get(f"{BALANCE}/bucket/{guess}", headers=me)
        if response.status_code == 200:
            seen.append(response.json()["relatedParty"][0]["id"])
        else:
            assert_refused(response)
    assert seen == [BJ]
    buckets = client.get(f"{BALANCE}/bucket", params={"limit": 100}, headers=me)
    assert buckets.headers["x-total-count"] == "1"
    assert [b["relatedParty"][0]["id"] for b in buckets.json()] == [BJ]


def test_subscriber_cannot_act_on_anothers_line(client: TestClient, victim: dict[str, int]) -> None:
    me = bearer(Kind.SUBSCRIBER, BJ, "BJ")
    order = client.post(
        f"{ORDERING}/productOrder",
        json={
            "relatedParty": [{"id": GD}],
            "productOrderItem": [{"action": "add", "productOffering": {"id": "G3YH"}}],
        },
        headers=me,
    )
    assert_refused(order)
    cancel = client.post(
        f"{ORDERING}/productOrder",
        json={
            "productOrderItem": [
                {"action": "delete", "product": {"id": str(victim["subscription"])}}
            ]
        },
        headers=me,
    )
    assert_refused(cancel)
    topup = client.post(
        f"{BALANCE}/topupBalance",
        json={
            "bucket": {"id": str(victim["line"])},
            "voucher": "1000000000000001",
            "voucherPin": "123456",
        },
        headers=me,
    )
    assert_refused(topup)


def test_staff_see_their_province_and_hq_sees_all(
    client: TestClient, victim: dict[str, int]
) -> None:
    bj = bearer(Kind.STAFF, "bj-agent", "BJ", "agent")
    gd = bearer(Kind.STAFF, "gd-agent", "GD", "agent")
    hq = bearer(Kind.STAFF, "hq-admin", "HQ", "admin")
    url = f"{BALANCE}/bucket/{victim['line']}"
    assert_refused(client.get(url, headers=bj))
    assert client.get(url, headers=gd).json()["relatedParty"][0]["id"] == GD
    assert client.get(url, headers=hq).status_code == 200
    assert_refused(client.get(f"{CUSTOMER}/customer/{victim['customer']}", headers=bj))
    customers = client.get(f"{CUSTOMER}/customer", params={"limit": 100}, headers=gd).json()
    assert customers and {c["characteristic"][0]["value"] for c in customers} == {"GD"}
    everyone = client.get(f"{CUSTOMER}/customer", params={"limit": 100}, headers=hq).json()
    assert {c["characteristic"][0]["value"] for c in everyone} >= {"BJ", "GD", "SH"}
    sp = bearer(Kind.SP, "1066000001", "HQ")
    assert_refused(client.get(url, headers=sp))
