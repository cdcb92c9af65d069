"""A base-plan change in the business hall: order, the terms before confirming, the
booked change shown with its cancel button, and cancelling it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from telcare.services import orders, selfcare
from telcare.store.uow import Database
from tests.e2e.test_web_hall import ZH_USER, client, form_key, log_in, text

__all__ = ["client"]


def test_plan_change_in_the_hall(client: TestClient, sqlite_db: Database) -> None:
    csrf = log_in(client, sqlite_db, ZH_USER)
    page = client.get("/hall/packages").text
    ordered = client.post(
        "/hall/packages/order",
        data={"csrf_token": csrf, "code": "QQT128", "key": form_key(page, "/hall/packages/order")},
    )
    shown = text(ordered.text)
    assert "全球通128套餐G3版" in shown and "生效，届时收取首月月费128.00元" in shown
    done = client.post(
        "/hall/packages/confirm",
        data={"csrf_token": csrf, "key": form_key(ordered.text, "/hall/packages/confirm")},
    )
    assert "套餐变更" in text(done.text) and 'id="plan-change"' in done.text
    assert selfcare.overview(sqlite_db, ZH_USER).balance_fen == 10000
    assert orders.pending_change(sqlite_db, ZH_USER) is not None
    dropped = client.post(
        "/hall/packages/cancel-change",
        data={"csrf_token": csrf, "key": form_key(done.text, "/hall/packages/cancel-change")},
    )
    assert "已取消" in text(dropped.text) and 'id="plan-change"' not in dropped.text
    assert orders.pending_change(sqlite_db, ZH_USER) is None


def test_the_confirm_step_states_the_first_month(client: TestClient, sqlite_db: Database) -> None:
    csrf = log_in(client, sqlite_db, ZH_USER)
    page = client.get("/hall/packages").text
    ordered = client.post(
        "/hall/packages/order",
        data={"csrf_token": csrf, "code": "G3YH", "key": form_key(page, "/hall/packages/order")},
    )
    assert "首月按整月收取1.00元" in text(ordered.text)
