"""TMF635 usage, the month summary and the data-reminder switch through the API."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update

from telcare.channels.api.app import create_app
from telcare.config import get_settings, secret_key
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import auth, charging, usage_queries
from telcare.store.models import Subscription
from telcare.store.uow import Database

USAGE = "/tmf-api/usageManagement/v4"
BJ, GD = "13800138000", "13900139000"
PLAN_KB = 150 * 1024  # BJ's plan


def bearer(kind: Kind, subject: str, province: str, role: str = "") -> dict[str, str]:
    token = auth.issue_token(Principal(kind, subject, province, role), secret_key())
    return {"Authorization": f"Bearer {token}"}


ME = bearer(Kind.SUBSCRIBER, BJ, "BJ")
BJ_STAFF = bearer(Kind.STAFF, "bj-agent", "BJ", "agent")
GD_STAFF = bearer(Kind.STAFF, "gd-agent", "GD", "agent")
HQ_STAFF = bearer(Kind.STAFF, "hq-admin", "HQ", "admin")


@pytest.fixture
def month_start() -> datetime:
    return datetime.now(OPERATOR_TZ).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@pytest.fixture
def client(sqlite_db: Database, tmp_path: Path, month_start: datetime) -> TestClient:
    """Usage rated for BJ (allowance, then 500 KB, a call and an SMS) and GD (one record)."""
    with sqlite_db.uow() as uow:
        uow.session.execute(update(Subscription).values(starts_at=month_start))
        uow.commit()
    at = month_start.replace(hour=9)
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "record_id,msisdn,service,started_at,volume,roaming,peer\n"
        f"u1,{BJ},data,{at.isoformat()},{PLAN_KB - 1024},0,\n"
        f"u2,{BJ},data,{at.replace(hour=10).isoformat()},{1024 + 500},0,\n"
        f"u3,{BJ},voice,{at.replace(hour=11).isoformat()},61,1,13900139000\n"
        f"u4,{BJ},sms,{at.replace(hour=12).isoformat()},1,0,13700137000\n"
        f"g1,{GD},data,{at.isoformat()},10,0,\n"
    )
    summary = charging.ingest(sqlite_db, usage, reject_path=tmp_path / "rejects.csv")
    assert summary.rated == 5
    return TestClient(create_app(sqlite_db))


def assert_refused(r: Response) -> None:
    """403 or 404 with a problem body, and nothing of the other line's usage in it."""
    assert r.status_code in (403, 404), r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == r.status_code
    assert GD not in r.text and "usageCharacteristic" not in r.text and "g1" not in r.text


def test_subscriber_lists_own_usage_with_paging(client: TestClient) -> None:
    r = client.get(f"{USAGE}/usage", params={"limit": 2}, headers=ME)
    assert r.status_code == 200, r.text
    assert r.headers["X-Total-Count"] == "4" and r.headers["X-Result-Count"] == "2"
    first, second = r.json()
    assert [first["id"], second["id"]] == ["u1", "u2"]
    assert first["@type"] == "Usage" and first["status"] == "rated"
    assert first["usageType"] == "data"
    rated = first["ratedProductUsage"][0]
    assert rated["coveredByAllowance"] is True and rated["usageRatingTag"] == "included"
    assert rated["taxIncludedRatingAmount"] == {"unit": "CNY", "value": "0.00"}
    # u2: the plan's last MB, then 500 KB at 0.01 yuan/KB
    rated = second["ratedProductUsage"][0]
    assert rated["coveredByAllowance"] is False
    assert rated["coveredQuantity"] == {"amount": 1024, "units": "KB"}
    assert rated["taxIncludedRatingAmount"] == {"unit": "CNY", "value": "5.00"}

    r = client.get(f"{USAGE}/usage", params={"offset": 2, "limit": 2}, headers=ME)
    voice, text = r.json()
    assert r.headers["X-Total-Count"] == "4"
    chars = {c["name"]: c["value"] for c in voice["usageCharacteristic"]}
    assert chars == {"volume": 61, "unit": "second", "roaming": True, "peer": GD}
    rated = voice["ratedProductUsage"][0]  # roaming: never from the allowance
    assert rated["ratedQuantity"] == {"amount": 2, "units": "minute"}
    assert rated["taxIncludedRatingAmount"]["value"] == "0.38"
    assert text["usageType"] == "sms"

    r = client.get(f"{USAGE}/usage", params={"fields": "usageType"}, headers=ME)
    assert r.json()[0] == {"usageType": "data"}

    one = client.get(f"{USAGE}/usage/u2", headers=ME)
    assert one.status_code == 200 and one.json()["id"] == "u2"


def test_other_month_is_empty_and_bad_month_is_refused(client: TestClient) -> None:
    r = client.get(f"{USAGE}/usage", params={"month": "2001-01"}, headers=ME)
    assert r.status_code == 200 and r.json() == [] and r.headers["X-Total-Count"] == "0"
    r = client.get(f"{USAGE}/usage", params={"month": "2026-13"}, headers=ME)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")


def test_summary_shows_allowance_left_and_charges(
    client: TestClient, month_start: datetime
) -> None:
    r = client.get(f"{USAGE}/usageSummary", headers=ME)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["month"] == month_start.strftime("%Y-%m") and body["msisdn"] == BJ
    use = {u["usageType"]: u["quantity"] for u in body["usage"]}
    assert use["data"] == {"amount": PLAN_KB + 500, "units": "KB"}
    assert use["voice"] == {"amount": 2, "units": "minute"}
    data = [a for a in body["allowances"] if a["usageType"] == "data"]
    assert data and sum(a["left"]["amount"] for a in data) == 0
    assert data[0]["product"]["@referredType"] == "Product"
    charges = {c["usageType"]: c["amount"]["value"] for c in body["outOfPackageCharges"]}
    assert charges["data"] == "5.00" and charges["voice"] == "0.38"
    assert body["totalCharged"]["unit"] == "CNY"
    assert isinstance(body["totalCharged"]["value"], str)

    r = client.get(f"{USAGE}/usageSummary", params={"month": "2001-01"}, headers=ME)
    assert r.status_code == 200 and r.json()["outOfPackageCharges"][0]["amount"]["value"] == "0.00"


def test_subscriber_cannot_read_another_lines_usage(client: TestClient) -> None:
    for url, params in (
        (f"{USAGE}/usage", {"msisdn": GD}),
        (f"{USAGE}/usage/g1", {}),
        (f"{USAGE}/usageSummary", {"msisdn": GD}),
        (f"{USAGE}/dataReminder", {"msisdn": GD}),
    ):
        assert_refused(client.get(url, params=params, headers=ME))
    assert_refused(
        client.put(
            f"{USAGE}/dataReminder", params={"msisdn": GD}, json={"enabled": False}, headers=ME
        )
    )
    assert client.get(f"{USAGE}/usage/nope", headers=ME).status_code == 404
    assert client.get(f"{USAGE}/usage", headers=ME).headers["X-Total-Count"] == "4"


def test_staff_see_their_province_and_hq_all(client: TestClient) -> None:
    r = client.get(f"{USAGE}/usage", params={"msisdn": BJ}, headers=BJ_STAFF)
    assert r.status_code == 200 and r.headers["X-Total-Count"] == "4"
    assert client.get(f"{USAGE}/usage/u1", headers=BJ_STAFF).status_code == 200
    assert_refused(client.get(f"{USAGE}/usage/g1", headers=BJ_STAFF))
    assert_refused(client.get(f"{USAGE}/usage", params={"msisdn": GD}, headers=BJ_STAFF))
    assert (
        client.get(f"{USAGE}/usage", params={"msisdn": GD}, headers=GD_STAFF).json()[0]["id"]
        == "g1"
    )
    assert client.get(f"{USAGE}/usage/u1", headers=GD_STAFF).status_code == 403
    for who in (BJ_STAFF, HQ_STAFF):
        r = client.get(f"{USAGE}/usageSummary", params={"msisdn": BJ}, headers=who)
        assert r.status_code == 200 and r.json()["msisdn"] == BJ
    assert client.get(f"{USAGE}/usage/g1", headers=HQ_STAFF).status_code == 200
    # without a line, staff see every line of their scope (issue #18)
    everyone = client.get(f"{USAGE}/usage", headers=HQ_STAFF)
    assert {u["id"] for u in everyone.json()} >= {"u1", "g1"}
    beijing = client.get(f"{USAGE}/usage", headers=BJ_STAFF).json()
    assert "g1" not in {u["id"] for u in beijing} and "u1" in {u["id"] for u in beijing}
    assert client.get(f"{USAGE}/usage").status_code == 401


def test_service_checks_access(sqlite_db: Database, client: TestClient) -> None:
    me = Principal(Kind.SUBSCRIBER, BJ, "BJ")
    assert usage_queries.usage(sqlite_db, me, "u1").line.msisdn == BJ
    with pytest.raises(Forbidden):
        usage_queries.usage(sqlite_db, me, "g1")
    with pytest.raises(Forbidden):
        usage_queries.usage_of(sqlite_db, me, GD, None, 0, 10)
    page = usage_queries.usage_of(sqlite_db, me, None, None, 1, 2)
    assert page.total == 4 and [u.record_id for u in page.items] == ["u2", "u3"]


def test_reminder_round_trip_and_idempotency(client: TestClient, sqlite_db: Database) -> None:
    url = f"{USAGE}/dataReminder"
    r = client.get(url, headers=ME)
    assert r.status_code == 200 and r.json()["enabled"] is get_settings().reminders_default_on

    off = {**ME, "Idempotency-Key": "rem-1"}
    r = client.put(url, json={"enabled": False}, headers=off)
    assert r.status_code == 200 and r.json()["enabled"] is False
    assert "Idempotent-Replayed" not in r.headers
    assert client.get(url, headers=ME).json()["enabled"] is False
    assert charging.reminder_enabled(sqlite_db, BJ) is False

    r = client.put(url, json={"enabled": False}, headers=off)  # a retry
    assert r.status_code == 200 and r.headers["Idempotent-Replayed"] == "true"
    r = client.put(url, json={"enabled": True}, headers=off)  # same key, other body
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert charging.reminder_enabled(sqlite_db, BJ) is False

    r = client.put(url, json={"enabled": True}, headers=ME)
    assert r.status_code == 200 and r.json()["enabled"] is True
    assert client.put(url, json={"enabled": "yes"}, headers=ME).status_code == 422

    # staff of the province may read and set; another province may not
    r = client.put(url, params={"msisdn": BJ}, json={"enabled": False}, headers=BJ_STAFF)
    assert r.status_code == 200 and r.json() == {
        "@type": "DataReminder",
        "href": f"{url}?msisdn={BJ}",
        "msisdn": BJ,
        "enabled": False,
    }
    assert client.get(url, params={"msisdn": BJ}, headers=BJ_STAFF).json()["enabled"] is False
    assert client.get(url, params={"msisdn": BJ}, headers=GD_STAFF).status_code == 403
