"""What TM Forum's conformance kits check, class by class, through the real API (so CI
checks conformance without newman): 404 for ids that are not ours, the mandatory and
polymorphism attributes, staff lists within their scope, ``fields=``, attribute
filters, paging headers, and TMF621 filing with the standard's fields only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from telcare.channels.api.app import create_app
from telcare.config import secret_key
from telcare.domain.access import Kind, Principal
from telcare.services import auth
from telcare.store.uow import Database

API = "/tmf-api"
CATALOG = f"{API}/productCatalogManagement/v4"
ORDERING = f"{API}/productOrderingManagement/v4"
INVENTORY = f"{API}/productInventory/v4"
BALANCE = f"{API}/prepayBalanceManagement/v4"
CUSTOMER = f"{API}/customerManagement/v4"
USAGE = f"{API}/usageManagement/v4"
TT = f"{API}/troubleTicket/v4/troubleTicket"
BJ, GD = "13800138000", "13900139000"
FOREIGN = "7c3981c5-5f8c-4800-a1b3-19cfcd3a44da"  # a kit's made-up id


def bearer(kind: Kind, subject: str, province: str, role: str = "") -> dict[str, str]:
    token = auth.issue_token(Principal(kind, subject, province, role), secret_key())
    return {"Authorization": f"Bearer {token}"}


HQ = bearer(Kind.STAFF, "hq-admin", "HQ", "admin")
BJ_STAFF = bearer(Kind.STAFF, "bj-agent", "BJ", "agent")
ME = bearer(Kind.SUBSCRIBER, BJ, "BJ")


@pytest.fixture
def client(sqlite_db: Database) -> TestClient:
    return TestClient(create_app(sqlite_db))


@pytest.mark.parametrize(
    "path",
    [
        f"{BALANCE}/bucket",
        f"{BALANCE}/topupBalance",
        f"{BALANCE}/adjustBalance",
        f"{BALANCE}/reserveBalance",
        f"{CATALOG}/productOffering",
        f"{CATALOG}/productSpecification",
        f"{CATALOG}/productOfferingPrice",
        f"{CUSTOMER}/customer",
        f"{INVENTORY}/product",
        f"{ORDERING}/productOrder",
        f"{USAGE}/usage",
        f"{USAGE}/usageSpecification",
        TT,
    ],
)
def test_an_id_that_is_not_ours_is_404(client: TestClient, path: str) -> None:
    for unknown in (FOREIGN, "46846846846", "99999999"):
        r = client.get(f"{path}/{unknown}", headers=HQ)
        assert r.status_code == 404, (path, unknown, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")


def test_mandatory_and_polymorphism_attributes(client: TestClient) -> None:
    bucket = client.get(f"{BALANCE}/bucket", params={"msisdn": BJ}, headers=HQ).json()[0]
    assert {"confirmationDate", "href", "id", "status", "usageType"} <= set(bucket)
    assert bucket["@type"] == bucket["@baseType"] == "Bucket"
    assert bucket["@schemaLocation"].endswith("#/components/schemas/Bucket")
    offering = client.get(f"{CATALOG}/productOffering/G3YH").json()
    assert {"lastUpdate", "lifecycleStatus", "name", "productSpecification"} <= set(offering)
    product = client.get(f"{INVENTORY}/product", params={"msisdn": BJ}, headers=HQ).json()[0]
    assert {"billingAccount", "productCharacteristic", "productOffering"} <= set(product)
    assert product["billingAccount"]["id"] == bucket["id"]
    body = {"bucket": {"id": bucket["id"]}, "amount": {"amount": 1, "units": "CNY"}}
    adjusted = client.post(f"{BALANCE}/adjustBalance", json=body, headers=HQ)
    assert adjusted.status_code == 201, adjusted.text
    assert adjusted.json()["usageType"] == "monetary"  # AdjustBalance.usageType


@pytest.mark.parametrize(
    "path",
    [
        f"{BALANCE}/topupBalance",
        f"{BALANCE}/adjustBalance",
        f"{ORDERING}/productOrder",
        f"{INVENTORY}/product",
        f"{USAGE}/usage",
        f"{BALANCE}/bucket",
        f"{CUSTOMER}/customer",
    ],
)
def test_staff_lists_without_msisdn_are_paged_within_scope(client: TestClient, path: str) -> None:
    everyone = client.get(path, params={"limit": 100}, headers=HQ)
    assert everyone.status_code == 200, everyone.text
    total = int(everyone.headers["X-Total-Count"])
    assert everyone.headers["X-Result-Count"] == str(len(everyone.json()))
    beijing = client.get(path, params={"limit": 100}, headers=BJ_STAFF)
    assert beijing.status_code == 200 and int(beijing.headers["X-Total-Count"]) <= total
    assert GD not in beijing.text  # never another province's line
    if total > 1:
        first = client.get(path, params={"limit": 1}, headers=HQ)
        second = client.get(path, params={"limit": 1, "offset": 1}, headers=HQ)
        assert first.headers["X-Result-Count"] == "1"
        assert first.headers["X-Total-Count"] == str(total)
        assert first.json()[0] != second.json()[0]


def test_fields_returns_only_the_attributes_asked_for(client: TestClient) -> None:
    one = client.get(f"{CATALOG}/productOffering/G3YH", params={"fields": "lastUpdate"}).json()
    assert list(one) == ["lastUpdate"]
    listed = client.get(f"{BALANCE}/bucket", params={"fields": "id,status"}, headers=HQ).json()
    assert listed and all(set(b) == {"id", "status"} for b in listed)


def test_attribute_filters_with_operators(client: TestClient) -> None:
    all_ = client.get(f"{CATALOG}/productOffering", params={"limit": 100}).json()
    g3 = client.get(f"{CATALOG}/productOffering", params={"id": "G3YH"})
    assert [o["id"] for o in g3.json()] == ["G3YH"] and g3.headers["X-Total-Count"] == "1"
    both = client.get(f"{CATALOG}/productOffering", params={"id": "G3YH,LCYJ"}).json()
    assert {o["id"] for o in both} == {"G3YH", "LCYJ"}
    assert client.get(f"{CATALOG}/productOffering", params={"name": "no such"}).json() == []
    dear = client.get(
        f"{CATALOG}/productOffering",
        params={"productOfferingPrice.price.value.gte": "10", "limit": 100},
    ).json()
    assert dear and all(o["productOfferingPrice"][0]["price"]["value"] >= 10 for o in dear)
    assert len(dear) < len(all_)
    stamp = all_[0]["lastUpdate"]
    same = client.get(f"{CATALOG}/productOffering", params={"lastUpdate": stamp, "limit": 100})
    assert len(same.json()) >= 1
    later = client.get(f"{CATALOG}/productOffering", params={"lastUpdate.gt": stamp}).json()
    assert all(o["lastUpdate"] > stamp for o in later)
    active = client.get(f"{BALANCE}/bucket", params={"status": "active"}, headers=HQ).json()
    assert active and all(b["status"] == "active" for b in active)
    rich = client.get(
        f"{BALANCE}/bucket", params={"remainingValue.amount.gt": "0"}, headers=HQ
    ).json()
    assert all(b["remainingValue"]["amount"] > 0 for b in rich)


def test_paging_headers_on_a_filtered_list(client: TestClient) -> None:
    r = client.get(f"{BALANCE}/bucket", params={"usageType": "monetary", "limit": 1}, headers=HQ)
    assert r.headers["X-Result-Count"] == "1" and int(r.headers["X-Total-Count"]) >= 3


def test_trouble_ticket_with_the_standards_mandatory_fields_only(client: TestClient) -> None:
    body = {"description": "手机无法上网", "severity": "High", "ticketType": "device"}
    r = client.post(TT, json=body, headers=ME)
    assert r.status_code == 201, r.text
    t = r.json()
    assert (t["description"], t["severity"], t["ticketType"]) == ("手机无法上网", "high", "device")
    assert t["name"] == "手机无法上网"  # the summary defaults to the description
    listed = client.get(TT, params={"ticketType": "device", "severity": "HIGH"}, headers=ME)
    assert [x["id"] for x in listed.json()] == [t["id"]]
    assert client.get(
        f"{TT}/{t['id']}", params={"fields": "severity,status"}, headers=ME
    ).json() == {
        "severity": "high",
        "status": "new",
    }
    for bad in (
        {"description": "x", "severity": "High"},  # no ticketType
        {"description": "x", "severity": "urgent!", "ticketType": "device"},
        {"description": "x", "ticketType": "device", "note": {"author": "a"}},
        {"severity": "low", "ticketType": "device"},  # neither name nor description
    ):
        refused = client.post(TT, json=bad, headers=ME)
        assert refused.status_code == 400, (bad, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")


def test_errors_carry_the_tmf630_error_members(client: TestClient) -> None:
    for r in (
        client.get(f"{BALANCE}/bucket/{FOREIGN}", headers=HQ),  # 404 from the domain
        client.get(f"{BALANCE}/bucket", params={"limit": 0}, headers=HQ),  # 422 schema
        client.get(f"{BALANCE}/bucket"),  # 401
        client.post(TT, json={"severity": "low"}, headers=ME),  # 400
    ):
        body = r.json()
        assert body["@type"] == "Error" and body["status"] == r.status_code
        assert body["code"] and body["reason"] and isinstance(body["message"], str)
        assert body["type"].startswith("https://")  # still an RFC 9457 problem
