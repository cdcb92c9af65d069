"""The TMF Open API end to end: login, catalog, orders with double confirmation, top-ups."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from telcare.channels.api.app import create_app
from telcare.services.hashing import hash_secret
from telcare.store import models as m
from telcare.store.uow import Database

API = "/tmf-api"
CATALOG = f"{API}/productCatalogManagement/v4"
ORDERING = f"{API}/productOrderingManagement/v4"
INVENTORY = f"{API}/productInventory/v4"
BALANCE = f"{API}/prepayBalanceManagement/v4"
CUSTOMER = f"{API}/customerManagement/v4"
BJ, GD = "13800138000", "13900139000"
PASSWORD = "s3cret-for-tests"


@pytest.fixture
def client(request: pytest.FixtureRequest, sqlite_db: Database) -> TestClient:
    """The app; in demo mode (the SMS simulator) for tests marked ``demo``."""
    with sqlite_db.uow() as uow:
        for user in uow.session.scalars(select(m.StaffUser)):
            user.password_hash = hash_secret(PASSWORD)
        uow.commit()
    return TestClient(
        create_app(sqlite_db, demo=request.node.get_closest_marker("demo") is not None)
    )


def sent_code(db: Database, msisdn: str) -> str:
    """The login code in the newest SMS queued to ``msisdn``."""
    with db.uow() as uow:
        text = uow.session.scalars(
            select(m.OutboundSms.text)
            .where(m.OutboundSms.recipient == msisdn)
            .order_by(m.OutboundSms.id.desc())
        ).first()
    found = re.search(r"\d{6}", text or "")
    assert found, text
    return found.group()


def subscriber_headers(client: TestClient, db: Database, msisdn: str) -> dict[str, str]:
    sent = client.post(f"{API}/auth/otp", json={"msisdn": msisdn})
    assert sent.status_code == 202, sent.text
    token = client.post(
        f"{API}/auth/token",
        json={"grant_type": "otp", "msisdn": msisdn, "code": sent_code(db, msisdn)},
    )
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def staff_headers(client: TestClient, username: str) -> dict[str, str]:
    token = client.post(
        f"{API}/auth/token",
        json={"grant_type": "password", "username": username, "password": PASSWORD},
    )
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def is_problem(response: object, status: int) -> bool:
    r = response  # an httpx.Response
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    return body["status"] == status and body["type"].startswith("https://")


def balance(client: TestClient, headers: dict[str, str], msisdn: str) -> float:
    buckets = client.get(f"{BALANCE}/bucket", params={"msisdn": msisdn}, headers=headers)
    assert buckets.status_code == 200, buckets.text
    return float(buckets.json()[0]["remainingValue"]["amount"])


def order_g3yh(client: TestClient, headers: dict[str, str], **extra: object) -> dict:
    body = {"productOrderItem": [{"action": "add", "productOffering": {"id": "G3YH"}}], **extra}
    created = client.post(f"{ORDERING}/productOrder", json=body, headers=headers)
    assert created.status_code == 201, created.text
    return created.json()


# --- authentication ------------------------------------------------------------------


def test_login_by_sms_code_and_by_password(client: TestClient, sqlite_db: Database) -> None:
    sub = subscriber_headers(client, sqlite_db, BJ)
    me = client.get(f"{API}/auth/me", headers=sub).json()
    assert me == {"kind": "subscriber", "subject": BJ, "province": "BJ", "role": ""}
    staff = client.get(f"{API}/auth/me", headers=staff_headers(client, "gd-agent")).json()
    assert staff["kind"] == "staff" and staff["province"] == "GD" and staff["role"] == "agent"


def test_wrong_secrets_and_missing_tokens_get_problems(client: TestClient) -> None:
    wrong = client.post(
        f"{API}/auth/token",
        json={"grant_type": "password", "username": "hq-admin", "password": "nope"},
    )
    assert is_problem(wrong, 403) and "token" not in wrong.text
    no_token = client.get(f"{BALANCE}/bucket")
    assert is_problem(no_token, 401) and no_token.headers["www-authenticate"].startswith("Bearer")
    forged = client.get(f"{BALANCE}/bucket", headers={"Authorization": "Bearer forged.token"})
    assert is_problem(forged, 401)
    assert is_problem(client.post(f"{API}/auth/otp", json={"msisdn": "12345"}), 422)


def test_the_openapi_document_declares_bearer_auth(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    op = spec["paths"][f"{BALANCE}/bucket/{{id}}"]["get"]
    assert op["security"] == [{"HTTPBearer": []}]
    assert "application/problem+json" in op["responses"]["404"]["content"]


# --- catalog -------------------------------------------------------------------------


def test_catalog_paging_fields_and_language(client: TestClient) -> None:
    first = client.get(f"{CATALOG}/productOffering", params={"limit": 2})
    assert first.status_code == 200
    total = int(first.headers["x-total-count"])
    assert total >= 7 and first.headers["x-result-count"] == "2" and len(first.json()) == 2
    rest = client.get(f"{CATALOG}/productOffering", params={"offset": 2, "limit": 100}).json()
    codes = [o["id"] for o in first.json() + rest]
    assert len(codes) == total and "G3YH" in codes
    slim = client.get(f"{CATALOG}/productOffering", params={"fields": "name", "limit": 1}).json()
    assert set(slim[0]) == {"name"}  # TMF630: only what was asked (issue #18)
    g3 = client.get(f"{CATALOG}/productOffering/G3YH", headers={"Accept-Language": "en"}).json()
    assert g3["name"] == "1-yuan G3 data pack" and g3["@type"] == "ProductOffering"
    assert g3["requiresConfirmation"] is True
    assert g3["productOfferingPrice"][0]["price"] == {"unit": "CNY", "value": 1.0}
    assert g3["productOfferingPrice"][0]["recurringChargePeriodType"] == "month"
    assert client.get(g3["href"]).json()["id"] == "G3YH"
    assert is_problem(client.get(f"{CATALOG}/productOffering/NOPE"), 404)
    assert is_problem(client.get(f"{CATALOG}/productOffering", params={"limit": 0}), 422)


# --- ordering with double confirmation -------------------------------------------------


def test_charged_order_waits_for_the_subscribers_confirmation(
    client: TestClient, sqlite_db: Database
) -> None:
    sub = subscriber_headers(client, sqlite_db, BJ)
    order = order_g3yh(client, sub)
    assert order["state"] == "pending" and order["productOrderItem"][0]["action"] == "add"
    assert order["confirmationDeadline"] and order["relatedParty"][0]["id"] == BJ
    assert balance(client, sub, BJ) == 100.0  # nothing charged yet
    assert client.get(order["href"], headers=sub).json()["state"] == "pending"
    listed = client.get(f"{ORDERING}/productOrder", headers=sub)
    assert listed.json()[0]["id"] == order["id"]

    done = client.patch(order["href"], json={"state": "inProgress"}, headers=sub)
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "completed" and done.json()["id"] == order["id"]
    assert balance(client, sub, BJ) == 99.0
    again = client.get(order["href"], headers=sub).json()  # the same ID, for the order's life
    assert again["state"] == "completed"
    product = client.get(again["productOrderItem"][0]["product"]["href"], headers=sub).json()
    assert product["status"] == "active" and product["productOffering"]["id"] == "G3YH"
    inventory = client.get(f"{INVENTORY}/product", headers=sub)
    assert product["id"] in [p["id"] for p in inventory.json()]
    assert int(inventory.headers["x-total-count"]) == len(inventory.json())
    listed = client.get(f"{ORDERING}/productOrder", headers=sub).json()
    made = [
        o for o in listed if o["productOrderItem"][0].get("product", {}).get("id") == product["id"]
    ]
    assert made and made[0]["state"] == "completed"  # listed under its subscription's ID
    assert (
        client.get(made[0]["href"], headers=sub).json()["productOrderItem"][0]["product"]
        == (again["productOrderItem"][0]["product"])
    )
    twice = client.patch(order["href"], json={"state": "inProgress"}, headers=sub)
    assert is_problem(twice, 409)
    assert balance(client, sub, BJ) == 99.0


def test_a_replaced_order_does_not_take_the_id_of_the_one_confirmed(
    client: TestClient, sqlite_db: Database
) -> None:
    sub = subscriber_headers(client, sqlite_db, BJ)
    first = order_g3yh(client, sub)
    second = order_g3yh(client, sub)  # replaces the first, within the same 24 hours
    assert first["id"] != second["id"]
    done = client.patch(second["href"], json={"state": "inProgress"}, headers=sub)
    assert done.status_code == 200 and done.json()["state"] == "completed"
    assert is_problem(client.get(first["href"], headers=sub), 404)  # replaced, never confirmed
    again = client.get(second["href"], headers=sub).json()
    assert again["state"] == "completed"
    assert again["productOrderItem"][0]["product"] == done.json()["productOrderItem"][0]["product"]


@pytest.mark.demo
def test_pending_api_order_can_be_confirmed_by_sms(client: TestClient, sqlite_db: Database) -> None:
    sub = subscriber_headers(client, sqlite_db, BJ)
    order = order_g3yh(client, sub)
    replies = client.post("/sms/mo", json={"sender": BJ, "recipient": "10086", "text": "Y"})
    assert replies.status_code == 200 and replies.json()
    assert client.get(order["href"], headers=sub).json()["state"] == "completed"
    assert balance(client, sub, BJ) == 99.0


def test_staff_may_order_for_a_line_but_only_the_subscriber_confirms(
    client: TestClient, sqlite_db: Database
) -> None:
    agent = staff_headers(client, "bj-agent")
    order = order_g3yh(client, agent, relatedParty=[{"id": BJ, "role": "customer"}])
    assert order["state"] == "pending"
    refused = client.patch(order["href"], json={"state": "inProgress"}, headers=agent)
    assert is_problem(refused, 403)
    gd = staff_headers(client, "gd-agent")
    foreign = client.post(
        f"{ORDERING}/productOrder",
        json={
            "relatedParty": [{"id": BJ}],
            "productOrderItem": [{"action": "add", "productOffering": {"id": "G3YH"}}],
        },
        headers=gd,
    )
    assert is_problem(foreign, 403)
    sub = subscriber_headers(client, sqlite_db, BJ)
    assert client.patch(order["href"], json={"state": "inProgress"}, headers=sub).status_code == 200
    assert balance(client, sub, BJ) == 99.0


@pytest.mark.demo
def test_declined_order_charges_nothing(client: TestClient, sqlite_db: Database) -> None:
    sub = subscriber_headers(client, sqlite_db, BJ)
    order = order_g3yh(client, sub)
    declined = client.patch(order["href"], json={"state": "cancelled"}, headers=sub)
    assert declined.status_code == 200 and declined.json()["state"] == "cancelled"
    assert balance(client, sub, BJ) == 100.0
    assert is_problem(client.get(order["href"], headers=sub), 404)
    reply = client.post("/sms/mo", json={"sender": BJ, "recipient": "10086", "text": "Y"}).json()
    assert reply  # "nothing pending", and still nothing charged
    assert balance(client, sub, BJ) == 100.0


def test_order_idempotency_key(client: TestClient, sqlite_db: Database) -> None:
    sub = subscriber_headers(client, sqlite_db, BJ)
    keyed = {**sub, "Idempotency-Key": "order-1"}
    first = client.post(
        f"{ORDERING}/productOrder",
        json={"productOrderItem": [{"action": "add", "productOffering": {"id": "G3YH"}}]},
        headers=keyed,
    )
    again = client.post(
        f"{ORDERING}/productOrder",
        json={"productOrderItem": [{"action": "add", "productOffering": {"id": "G3YH"}}]},
        headers=keyed,
    )
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert first.json()["id"] == again.json()["id"]
    other = client.post(
        f"{ORDERING}/productOrder",
        json={"productOrderItem": [{"action": "add", "productOffering": {"id": "QQT88"}}]},
        headers=keyed,
    )
    assert is_problem(other, 409)


def test_cancel_a_package_with_a_delete_item(client: TestClient, sqlite_db: Database) -> None:
    sub = subscriber_headers(client, sqlite_db, BJ)
    order = order_g3yh(client, sub)
    client.patch(order["href"], json={"state": "inProgress"}, headers=sub)
    product_id = client.get(order["href"], headers=sub).json()["productOrderItem"][0]["product"][
        "id"
    ]
    cancel = client.post(
        f"{ORDERING}/productOrder",
        json={"productOrderItem": [{"action": "delete", "product": {"id": product_id}}]},
        headers=sub,
    )
    assert cancel.status_code == 201, cancel.text
    assert cancel.json()["state"] == "completed"
    assert cancel.json()["productOrderItem"][0]["action"] == "delete"
    assert cancel.json()["requestedCompletionDate"]  # effective at the month's end
    product = client.get(f"{INVENTORY}/product/{product_id}", headers=sub).json()
    assert product["status"] == "pendingTerminate" and product["terminationDate"]
    assert client.get(cancel.json()["href"], headers=sub).json()["id"] == cancel.json()["id"]
    twice = client.post(
        f"{ORDERING}/productOrder",
        json={"productOrderItem": [{"action": "delete", "product": {"id": product_id}}]},
        headers=sub,
    )
    assert is_problem(twice, 404)


def test_base_plan_cannot_be_ordered(client: TestClient, sqlite_db: Database) -> None:
    sub = subscriber_headers(client, sqlite_db, BJ)
    refused = client.post(
        f"{ORDERING}/productOrder",
        json={"productOrderItem": [{"action": "add", "productOffering": {"id": "QQT88"}}]},
        headers=sub,
    )
    assert refused.status_code in (409, 422) and is_problem(refused, refused.status_code)


# --- prepay balance --------------------------------------------------------------------


def test_card_top_up_once_per_key(client: TestClient, sqlite_db: Database) -> None:
    sub = subscriber_headers(client, sqlite_db, BJ)
    bucket = client.get(f"{BALANCE}/bucket", headers=sub).json()[0]
    body = {"bucket": {"id": bucket["id"]}, "voucher": "1000000000000001", "voucherPin": "123456"}
    keyed = {**sub, "Idempotency-Key": "card-1"}
    first = client.post(f"{BALANCE}/topupBalance", json=body, headers=keyed)
    assert first.status_code == 201, first.text
    topup = first.json()
    assert topup["amount"] == {"amount": 50.0, "units": "CNY"} and topup["status"] == "completed"
    assert topup["voucher"] == "1000…0001"
    again = client.post(f"{BALANCE}/topupBalance", json=body, headers=keyed)
    assert again.json()["id"] == topup["id"] and again.headers["idempotent-replayed"] == "true"
    assert balance(client, sub, BJ) == 150.0
    assert client.get(topup["href"], headers=sub).json()["id"] == topup["id"]
    listed = client.get(f"{BALANCE}/topupBalance", headers=sub)
    assert topup["id"] in [t["id"] for t in listed.json()]
    used = client.post(
        f"{BALANCE}/topupBalance", json=body, headers={**sub, "Idempotency-Key": "card-2"}
    )
    assert is_problem(used, 409)
    cash = client.post(
        f"{BALANCE}/topupBalance",
        json={"bucket": {"id": bucket["id"]}, "amount": {"amount": 10, "units": "CNY"}},
        headers=sub,
    )
    assert is_problem(cash, 422)  # subscribers top up with a card
    assert balance(client, sub, BJ) == 150.0


def test_staff_top_ups_and_adjustments_by_role_and_province(client: TestClient) -> None:
    agent, gd, hq = (staff_headers(client, u) for u in ("bj-agent", "gd-agent", "hq-admin"))
    bucket = client.get(f"{BALANCE}/bucket", params={"msisdn": BJ}, headers=agent).json()[0]
    cash = {"bucket": {"id": bucket["id"]}, "amount": {"amount": "20.50", "units": "CNY"}}
    done = client.post(f"{BALANCE}/topupBalance", json=cash, headers=agent)
    assert done.status_code == 201 and done.json()["amount"]["amount"] == 20.5
    assert is_problem(client.post(f"{BALANCE}/topupBalance", json=cash, headers=gd), 403)
    adjust = {"bucket": {"id": bucket["id"]}, "amount": {"amount": -0.5}, "reason": "correction"}
    assert is_problem(client.post(f"{BALANCE}/adjustBalance", json=adjust, headers=agent), 403)
    adjusted = client.post(f"{BALANCE}/adjustBalance", json=adjust, headers=hq)
    assert adjusted.status_code == 201 and adjusted.json()["amount"]["amount"] == -0.5
    assert client.get(adjusted.json()["href"], headers=hq).json()["reason"] == "correction"
    assert balance(client, hq, BJ) == 120.0
    sub_cents = client.post(
        f"{BALANCE}/topupBalance",
        json={"bucket": {"id": bucket["id"]}, "amount": {"amount": "0.001"}},
        headers=agent,
    )
    assert is_problem(sub_cents, 422)


# --- customers and paging --------------------------------------------------------------


def test_customer_views(client: TestClient, sqlite_db: Database) -> None:
    sub = subscriber_headers(client, sqlite_db, GD)
    mine = client.get(f"{CUSTOMER}/customer", headers=sub)
    assert mine.headers["x-total-count"] == "1"
    customer = mine.json()[0]
    assert [c["characteristic"]["phoneNumber"] for c in customer["contactMedium"]] == [GD]
    assert client.get(customer["href"], headers=sub).json()["name"] == customer["name"]
    slim = client.get(customer["href"], params={"fields": "name,status"}, headers=sub).json()
    assert set(slim) == {"name", "status"}
    hq = staff_headers(client, "hq-admin")
    everyone = client.get(f"{CUSTOMER}/customer", params={"limit": 100}, headers=hq)
    assert int(everyone.headers["x-total-count"]) >= 3
    bj = client.get(
        f"{CUSTOMER}/customer", params={"limit": 100}, headers=staff_headers(client, "bj-agent")
    )
    assert int(bj.headers["x-total-count"]) < int(everyone.headers["x-total-count"])
