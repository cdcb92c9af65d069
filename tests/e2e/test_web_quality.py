"""Quality dashboards in the staff console: scope by province, drill-down to the records."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from telcare.channels.api.app import create_app
from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser
from telcare.store.uow import Database
from tests.integration.quality_fixture import MONTH, load

HTML = {"accept": "text/html"}


@pytest.fixture
def app_db(sqlite_db: Database) -> Database:
    with sqlite_db.uow() as uow:
        uow.session.execute(update(StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    load(sqlite_db)
    return sqlite_db


def signed_in(db: Database, user: str) -> TestClient:
    client = TestClient(create_app(db))
    page = client.get("/staff/login", headers=HTML).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    form = {"csrf_token": token.group(1), "username": user, "password": "pw-123456"}
    client.post("/staff/login", headers=HTML, data=form)
    return client


def test_headquarters_sees_the_nation_and_drills_down(app_db: Database) -> None:
    client = signed_in(app_db, "hq-admin")
    assert "/staff/quality/" in client.get("/staff/", headers=HTML).text
    home = client.get(f"/staff/quality/?month={MONTH}", headers=HTML)
    assert home.status_code == 200
    assert "八项基本服务标准" in home.text and "data:image/svg+xml;base64," in home.text
    assert 'data-code="CMP_RATE"' in home.text and "8,333.3" in home.text  # 5 × 10,000 / 6
    xz = client.get(f"/staff/quality/indicator/CMP_RATE?province=XZ&month={MONTH}", headers=HTML)
    assert xz.status_code == 200
    assert all(f"<td>T{i}</td>" in xz.text for i in (1, 2, 3, 4)) and "<td>T5</td>" not in xz.text
    assert "按渠道分布" in xz.text
    none = client.get(f"/staff/quality/indicator/NET_DROP?month={MONTH}", headers=HTML)
    assert '<dd id="value">— %' in none.text  # no KPIs imported: no data, not 0 (#22)
    assert "数据来源尚未建设" not in none.text  # its input exists now (network_kpi)
    calls = client.get(f"/staff/quality/indicator/HOTLINE_20S?month={MONTH}", headers=HTML)
    assert calls.status_code == 200 and "数据来源尚未建设" not in calls.text


def test_provincial_staff_see_their_own_province_only(app_db: Database) -> None:
    client = signed_in(app_db, "bj-agent")
    own = client.get(f"/staff/quality/?month={MONTH}", headers=HTML)
    assert own.status_code == 200 and "北京服务质量" in own.text
    other = client.get(f"/staff/quality/?province=XZ&month={MONTH}", headers=HTML)
    assert other.status_code == 403
    nation = client.get(f"/staff/quality/indicator/CMP_RATE?province=HQ&month={MONTH}",
                        headers=HTML)  # fmt: skip
    assert nation.status_code == 403


def test_quality_pages_need_a_staff_login(app_db: Database) -> None:
    page = TestClient(create_app(app_db)).get("/staff/quality/", headers=HTML,
                                              follow_redirects=False)  # fmt: skip
    assert page.status_code == 303 and page.headers["location"] == "/staff/login"
