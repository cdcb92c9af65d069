"""The TMF resources added for conformance, with their real behaviour: catalog drafts
that go on sale only when launched, balance reservations (reserve, commit, release,
expiry), usage specifications and usage posted by API rated as a usage file is, and
customers created and renamed by staff."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from time_machine import TimeMachineFixture

from telcare import clock
from telcare.channels.api.app import create_app
from telcare.channels.sms import launch_test
from telcare.domain import launch as launch_rules
from telcare.domain.access import Kind, Principal
from telcare.services import charging, reservations, usage_queries
from telcare.services.quality import launch as launch_gate
from telcare.store.uow import Database
from tests.e2e.test_tmf_conformance import (
    BALANCE,
    BJ,
    BJ_STAFF,
    CATALOG,
    CUSTOMER,
    HQ,
    ME,
    ORDERING,
    USAGE,
    bearer,
)

HQ_ADMIN = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
SH = "13700137000"  # Easy Own standard: no allowances, every unit charged


@pytest.fixture
def client(sqlite_db: Database) -> TestClient:
    return TestClient(create_app(sqlite_db))


def balance(client: TestClient, msisdn: str) -> float:
    r = client.get(f"{BALANCE}/bucket", params={"msisdn": msisdn}, headers=HQ)
    return float(r.json()[0]["remainingValue"]["amount"])


def bucket_id(client: TestClient, msisdn: str) -> str:
    return str(
        client.get(f"{BALANCE}/bucket", params={"msisdn": msisdn}, headers=HQ).json()[0]["id"]
    )


def test_a_new_offering_goes_on_sale_only_when_launched(
    client: TestClient, sqlite_db: Database
) -> None:
    spec = client.post(f"{CATALOG}/productSpecification", json={"name": "Night data"}, headers=HQ)
    assert spec.status_code == 201 and spec.json()["lifecycleStatus"] == "InStudy"
    assert (
        client.post(
            f"{CATALOG}/productSpecification", json={"name": "x"}, headers=BJ_STAFF
        ).status_code
        == 403
    )
    body = {"name": "Night pack", "productSpecification": {"id": spec.json()["id"]}}
    draft = client.post(f"{CATALOG}/productOffering", json=body, headers=HQ)
    assert draft.status_code == 201, draft.text
    d = draft.json()
    assert d["id"].startswith("draft-") and d["isSellable"] is False
    order = {"productOrderItem": [{"action": "add", "productOffering": {"id": d["id"]}}]}
    assert client.post(f"{ORDERING}/productOrder", json=order, headers=ME).status_code >= 400
    launch = {"lifecycleStatus": "Launched"}
    assert (
        client.patch(f"{CATALOG}/productOffering/{d['id']}", json=launch, headers=HQ).status_code
        == 409
    )
    price = {
        "name": "Monthly fee",
        "priceType": "recurring",
        "price": {"unit": "CNY", "value": 3},
        "productOffering": {"id": d["id"]},
    }
    pop = client.post(f"{CATALOG}/productOfferingPrice", json=price, headers=HQ)
    assert pop.status_code == 201 and pop.json()["lifecycleStatus"] == "InStudy"
    launched = client.patch(f"{CATALOG}/productOffering/{d['id']}", json=launch, headers=HQ)
    assert launched.status_code == 200, launched.text
    code = launched.json()["id"]
    assert code.startswith("API") and launched.json()["lifecycleStatus"] == "Launched"
    assert launched.json()["productOfferingPrice"][0]["price"]["value"] == 3.0
    assert (
        client.get(f"{CATALOG}/productOfferingPrice/{pop.json()['id']}").json()["lifecycleStatus"]
        == "Launched"
    )
    # launched, but on sale only once its launch checklist has passed (issue #22)
    order = {"productOrderItem": [{"action": "add", "productOffering": {"id": code}}]}
    assert client.post(f"{ORDERING}/productOrder", json=order, headers=ME).status_code == 422
    tester = Principal(Kind.STAFF, "hq-tester", "HQ", "agent")
    launch_gate.start(sqlite_db, tester, "product", code, ["13800138000"])
    ran = launch_test.run(sqlite_db, tester, "product", code)  # test orders: SMS and web
    assert ran.steps["last_run"]["passed"], ran.steps
    for step in launch_rules.REVIEWS:
        launch_gate.record_step(sqlite_db, tester, "product", code, step, ok=True)
    launch_gate.approve(sqlite_db, HQ_ADMIN, "product", code)
    # on sale: the subscriber orders it like any charged offering (pending confirmation)
    placed = client.post(f"{ORDERING}/productOrder", json=order, headers=ME)
    assert placed.status_code == 201 and placed.json()["state"] == "pending"
    # a launched offering keeps its price and cannot be deleted
    rename = {"name": "Renamed"}
    assert (
        client.patch(
            f"{CATALOG}/productOfferingPrice/{pop.json()['id']}", json=rename, headers=HQ
        ).status_code
        == 409
    )
    assert client.delete(f"{CATALOG}/productOffering/{code}", headers=HQ).status_code == 409
    retired = client.patch(
        f"{CATALOG}/productOffering/{code}", json={"lifecycleStatus": "retired"}, headers=HQ
    )
    assert retired.json()["lifecycleStatus"] == "Retired"
    codes = [
        o["id"] for o in client.get(f"{CATALOG}/productOffering", params={"limit": 100}).json()
    ]
    assert code not in codes


def test_drafts_are_changed_and_deleted(client: TestClient) -> None:
    d = client.post(f"{CATALOG}/productOffering", json={"name": "Trial"}, headers=HQ).json()
    renamed = client.patch(
        f"{CATALOG}/productOffering/{d['id']}", json={"name": "Trial 2"}, headers=HQ
    )
    assert renamed.json()["name"] == "Trial 2"
    assert (
        client.patch(
            f"{CATALOG}/productOffering/{d['id']}", json={"name": "x"}, headers=ME
        ).status_code
        == 403
    )
    assert client.delete(f"{CATALOG}/productOffering/{d['id']}", headers=HQ).status_code == 204
    assert client.get(f"{CATALOG}/productOffering/{d['id']}").status_code == 404
    p = client.post(
        f"{CATALOG}/productOfferingPrice", json={"name": "Fee", "priceType": "oneTime"}, headers=HQ
    ).json()
    assert (
        client.patch(
            f"{CATALOG}/productOfferingPrice/{p['id']}", json={"name": "Fee 2"}, headers=HQ
        ).json()["name"]
        == "Fee 2"
    )
    assert client.delete(f"{CATALOG}/productOfferingPrice/{p['id']}", headers=HQ).status_code == 204
    assert client.get(f"{CATALOG}/productOfferingPrice/{p['id']}").status_code == 404
    bad = client.patch(
        f"{CATALOG}/productOffering/G3YH", json={"lifecycleStatus": "nonsense"}, headers=HQ
    )
    assert bad.status_code == 422


def test_reserve_commit_release(client: TestClient, sqlite_db: Database) -> None:
    line, before = bucket_id(client, BJ), balance(client, BJ)
    body = {"bucket": {"id": line}, "amount": {"amount": 5, "units": "CNY"}, "reason": "call"}
    held = client.post(f"{BALANCE}/reserveBalance", json=body, headers=HQ)
    assert held.status_code == 201, held.text
    assert held.json()["status"] == "created" and balance(client, BJ) == before  # held, not charged
    too_much = {**body, "amount": {"amount": before - 4, "units": "CNY"}}
    assert client.post(f"{BALANCE}/reserveBalance", json=too_much, headers=HQ).status_code == 409
    assert client.post(f"{BALANCE}/reserveBalance", json=body, headers=BJ_STAFF).status_code == 403
    rid = held.json()["id"]
    used = {"status": "committed", "amount": {"amount": 3, "units": "CNY"}}
    done = client.patch(f"{BALANCE}/reserveBalance/{rid}", json=used, headers=HQ)
    assert done.json()["status"] == "committed" and done.json()["committedAmount"]["amount"] == 3
    assert balance(client, BJ) == pytest.approx(before - 3)  # one ledger charge
    again = client.patch(f"{BALANCE}/reserveBalance/{rid}", json=used, headers=HQ)
    assert again.status_code == 200 and balance(client, BJ) == pytest.approx(before - 3)
    assert (
        client.patch(
            f"{BALANCE}/reserveBalance/{rid}", json={"status": "released"}, headers=HQ
        ).status_code
        == 409
    )
    other = client.post(f"{BALANCE}/reserveBalance", json=body, headers=HQ).json()
    freed = client.patch(
        f"{BALANCE}/reserveBalance/{other['id']}", json={"status": "released"}, headers=HQ
    )
    assert freed.json()["status"] == "released" and balance(client, BJ) == pytest.approx(before - 3)
    mine = client.get(f"{BALANCE}/reserveBalance", headers=ME).json()
    assert {r["id"] for r in mine} == {rid, other["id"]}


def test_an_unsettled_reservation_expires(
    client: TestClient, sqlite_db: Database, time_machine: TimeMachineFixture
) -> None:
    line, before = bucket_id(client, BJ), balance(client, BJ)
    body = {"bucket": {"id": line}, "amount": {"amount": before, "units": "CNY"}}
    rid = client.post(f"{BALANCE}/reserveBalance", json=body, headers=HQ).json()["id"]
    small = {**body, "amount": {"amount": 1, "units": "CNY"}}
    assert client.post(f"{BALANCE}/reserveBalance", json=small, headers=HQ).status_code == 409
    time_machine.move_to(clock.now() + reservations.DEFAULT_TTL + timedelta(seconds=1))
    assert client.get(f"{BALANCE}/reserveBalance/{rid}", headers=HQ).json()["status"] == "expired"
    commit = client.patch(
        f"{BALANCE}/reserveBalance/{rid}", json={"status": "committed"}, headers=HQ
    )
    assert commit.status_code == 409 and balance(client, BJ) == before
    assert client.post(f"{BALANCE}/reserveBalance", json=small, headers=HQ).status_code == 201
    assert reservations.expire_reservations(sqlite_db) == 1


def test_usage_posted_by_api_is_rated_as_a_usage_file_is(
    client: TestClient, sqlite_db: Database, tmp_path: Path
) -> None:
    when = (clock.now() - timedelta(hours=1)).replace(microsecond=0)
    body = {
        "usageDate": when.isoformat(),
        "usageSpecification": {"id": "voice"},
        "usageCharacteristic": [{"name": "volume", "value": 95}, {"name": "peer", "value": BJ}],
        "relatedParty": [{"id": SH}],
    }
    headers = {**HQ, "Idempotency-Key": "call-1"}
    posted = client.post(f"{USAGE}/usage", json=body, headers=headers)
    assert posted.status_code == 201, posted.text
    again = client.post(f"{USAGE}/usage", json=body, headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true"
    file = tmp_path / "usage.csv"
    file.write_text(
        "record_id,msisdn,service,started_at,volume,roaming,peer\n"
        f"f1,{SH},voice,{when.isoformat()},95,0,{BJ}\n"
    )
    charging.ingest(sqlite_db, file, reject_path=tmp_path / "rejects.csv")
    api = usage_queries.usage(sqlite_db, HQ_ADMIN, posted.json()["id"])
    from_file = usage_queries.usage(sqlite_db, HQ_ADMIN, "f1")
    assert (api.units, api.covered, api.charge_ufen) == (
        from_file.units,
        from_file.covered,
        from_file.charge_ufen,
    )
    assert api.charge_ufen > 0
    assert client.post(f"{USAGE}/usage", json=body, headers=BJ_STAFF).status_code == 403
    wrong = {**body, "relatedParty": [{"id": "19999999999"}]}
    assert client.post(f"{USAGE}/usage", json=wrong, headers=HQ).status_code == 404
    spec = client.post(
        f"{USAGE}/usageSpecification",
        json={"name": "Roaming voice", "usageType": "voice"},
        headers=HQ,
    )
    assert spec.status_code == 201
    assert (
        client.get(f"{USAGE}/usageSpecification/{spec.json()['id']}", headers=HQ).json()[
            "usageType"
        ]
        == "voice"
    )


def test_staff_create_and_rename_customers(client: TestClient) -> None:
    body = {"name": "Moon Football Club", "characteristic": [{"name": "province", "value": "BJ"}]}
    made = client.post(f"{CUSTOMER}/customer", json=body, headers=HQ)
    assert made.status_code == 201, made.text
    c = made.json()
    assert {"name": "province", "valueType": "string", "value": "BJ"} in c["characteristic"]
    assert client.post(f"{CUSTOMER}/customer", json={"name": "x"}, headers=HQ).status_code == 422
    assert client.post(f"{CUSTOMER}/customer", json={"name": "x"}, headers=ME).status_code == 403
    renamed = client.patch(
        f"{CUSTOMER}/customer/{c['id']}", json={"name": "Sun FC"}, headers=BJ_STAFF
    )
    assert renamed.json()["name"] == "Sun FC"
    gd = bearer(Kind.STAFF, "gd-agent", "GD", "agent")
    assert (
        client.patch(f"{CUSTOMER}/customer/{c['id']}", json={"name": "x"}, headers=gd).status_code
        == 403
    )
    mine = client.post(f"{CUSTOMER}/customer", json={"name": "Local shop"}, headers=BJ_STAFF)
    assert mine.status_code == 201
