"""A base-plan change through TMF622/TMF637: ordered, confirmed, listed as pendingActive
from the 1st of next month, and cancelled with a delete item before it starts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from telcare.services import orders, selfcare
from telcare.store.uow import Database
from tests.e2e.test_api_tmf import BJ, INVENTORY, ORDERING, client, subscriber_headers

__all__ = ["client"]  # the fixture, reused


def test_plan_change_by_api(client: TestClient, sqlite_db: Database) -> None:
    sub = subscriber_headers(client, sqlite_db, BJ)
    body = {"productOrderItem": [{"action": "add", "productOffering": {"id": "QQT128"}}]}
    created = client.post(f"{ORDERING}/productOrder", json=body, headers=sub)
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["state"] == "pending"
    confirmed = client.patch(order["href"], json={"state": "inProgress"}, headers=sub)
    assert confirmed.status_code == 200, confirmed.text
    assert selfcare.overview(sqlite_db, BJ).balance_fen == 10000  # charged on the 1st
    change = orders.pending_change(sqlite_db, BJ)
    assert change is not None and change.offer.code == "QQT128"
    products = client.get(f"{INVENTORY}/product", headers=sub).json()
    states = {p["productOffering"]["id"]: p["status"] for p in products}
    assert states == {"QQT88": "active", "QQT128": "pendingActive"}
    booked = next(p for p in products if p["status"] == "pendingActive")
    assert booked["startDate"].startswith(change.effective_at.isoformat()[:4])
    again = client.post(f"{ORDERING}/productOrder", json=body, headers=sub)
    assert again.status_code == 409  # one pending change at a time
    drop = {"productOrderItem": [{"action": "delete", "product": {"id": booked["id"]}}]}
    cancelled = client.post(f"{ORDERING}/productOrder", json=drop, headers=sub)
    assert cancelled.status_code == 201, cancelled.text
    assert orders.pending_change(sqlite_db, BJ) is None
    after = client.get(f"{INVENTORY}/product", headers=sub).json()
    assert [p["productOffering"]["id"] for p in after] == ["QQT88"]
