"""The monthly statement in the business hall: the page, the CSV, bad months, login."""

from __future__ import annotations

from fastapi.testclient import TestClient

from telcare import clock
from telcare.domain.months import month_of
from telcare.services import accounts
from telcare.store.uow import Database
from tests.e2e.test_web_hall import ZH_USER, client, log_in, text

__all__ = ["client"]


def test_statement_page_and_csv(client: TestClient, sqlite_db: Database) -> None:
    assert client.get("/hall/statement", follow_redirects=False).status_code == 303
    log_in(client, sqlite_db, ZH_USER)
    accounts.recharge(sqlite_db, ZH_USER, 2000, idempotency_key="st-1")
    accounts.charge(sqlite_db, ZH_USER, 300, idempotency_key="st-2", reason="test fee")
    month = month_of(clock.now())
    page = client.get(f"/hall/statement?month={month}")
    assert page.status_code == 200
    shown = text(page.text)
    assert f"{month}月账单" in shown and "期初余额" in shown
    # an English reason is not shown on a Chinese page: the entry's kind stands in (#20)
    assert "test fee" not in shown and "扣费 -3.00" in shown
    assert 'data-row="closing"' in page.text
    csv_text = client.get(f"/hall/statement.csv?month={month}")
    assert csv_text.status_code == 200 and csv_text.headers["content-type"].startswith("text/csv")
    assert "20.00" in csv_text.text and "-3.00" in csv_text.text and ",closing,," in csv_text.text
    bad = client.get("/hall/statement.csv?month=2027-13")
    assert bad.status_code == 422
    assert client.get("/hall/statement?month=nope").status_code == 200  # flashed, last month
