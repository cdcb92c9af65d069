"""``GET /api/sms/outbound``: staff see the delivery state of notification MTs."""

from __future__ import annotations

from fastapi.testclient import TestClient

from telcare.services import mt_state, notify
from telcare.store.uow import Database
from tests.e2e.test_api_tmf import BJ, GD, client, staff_headers, subscriber_headers

__all__ = ["client"]  # the fixture

URL = "/api/sms/outbound"


def test_staff_see_queued_submitted_delivered_and_failed(
    client: TestClient, sqlite_db: Database
) -> None:
    with sqlite_db.uow() as uow:
        for key in ("a", "b", "c"):
            notify.queue_sms(uow.session, GD, f"notice {key}", dedupe_key=f"state-{key}")
        uow.commit()
    claimed = mt_state.claim(sqlite_db, "test-gateway")
    ids = {c.text: c.outbox_id for c in claimed if c.recipient == GD}
    mt_state.submitted(sqlite_db, ids["notice a"], ["smsc-1"])
    mt_state.receipt(sqlite_db, "smsc-1", "DELIVRD")
    mt_state.failed(sqlite_db, ids["notice b"], "refused by SMSC with status 0xb")
    mt_state.release(sqlite_db, "test-gateway")

    rows = client.get(URL, params={"msisdn": GD}, headers=staff_headers(client, "gd-agent"))
    assert rows.status_code == 200, rows.text
    by_text = {r["text"]: r for r in rows.json()}
    assert by_text["notice a"]["status"] == "delivered"
    assert by_text["notice a"]["smsc_message_id"] == "smsc-1"
    assert by_text["notice b"]["status"] == "failed"
    assert by_text["notice b"]["last_error"] == "refused by SMSC with status 0xb"
    assert by_text["notice c"]["status"] == "queued" and by_text["notice c"]["sent_at"] is None

    failed = client.get(
        URL, params={"status": "failed"}, headers=staff_headers(client, "hq-admin")
    ).json()
    assert [r["text"] for r in failed] == ["notice b"]


def test_only_staff_of_the_line_see_it(client: TestClient, sqlite_db: Database) -> None:
    other_province = client.get(
        URL, params={"msisdn": GD}, headers=staff_headers(client, "bj-agent")
    )
    assert other_province.status_code == 403
    assert client.get(URL, headers=staff_headers(client, "gd-agent")).status_code == 403
    subscriber = subscriber_headers(client, sqlite_db, BJ)
    assert client.get(URL, params={"msisdn": BJ}, headers=subscriber).status_code == 403
    assert client.get(URL).status_code == 401
