"""The staff console's periodic jobs page: staff only, the worker's runs and next runs."""

from __future__ import annotations

import re
from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import update

from telcare.channels.api.app import create_app
from telcare.services import cycle
from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser
from telcare.store.uow import Database

HTML = {"accept": "text/html"}


def _staff_client(db: Database) -> TestClient:
    with db.uow() as uow:
        uow.session.execute(update(StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    client = TestClient(create_app(db))
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/staff/login").text)
    assert found
    client.post(
        "/staff/login",
        data={"csrf_token": found.group(1), "username": "bj-agent", "password": "pw-123456"},
        headers=HTML,
    )
    return client


def test_jobs_page_needs_staff(sqlite_db: Database) -> None:
    client = TestClient(create_app(sqlite_db))
    page = client.get("/staff/jobs/", headers=HTML, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/staff/login"
    assert client.get("/staff/jobs/", headers={"accept": "application/json"}).status_code == 401


def test_jobs_page_shows_last_and_next_runs(sqlite_db: Database) -> None:
    client = _staff_client(sqlite_db)
    before = client.get("/staff/jobs/", headers=HTML)
    assert before.status_code == 200 and "月租续订" in before.text and "尚未运行" in before.text
    assert "/staff/jobs/" in client.get("/staff/", headers=HTML).text
    cycle.run_due(sqlite_db, only=["survey_expiry"], owner="test")
    after = client.get("/staff/jobs/", headers=HTML)
    assert 'data-job="survey_expiry" data-status="done"' in after.text
    rows = {r["job"]: r for r in client.get("/staff/jobs/?format=json").json()}
    assert rows["survey_expiry"]["last_status"] == "done"
    assert rows["renewals"]["last_status"] is None
    assert datetime.fromisoformat(rows["renewals"]["next_run"]).tzinfo is not None
