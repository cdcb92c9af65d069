"""The knowledge-base API: public search, HQ staff write and a second person approves."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from telcare import clock
from telcare.channels.api.app import create_app
from telcare.config import secret_key
from telcare.domain.access import Kind, Principal
from telcare.services import auth
from telcare.store import models as m
from telcare.store.uow import Database

KB = "/api/knowledge"
ARTICLE = {
    "slug": "roaming",
    "language": "zh-CN",
    "category": "packages",
    "title": "国际漫游",
    "questions": ["国际漫游怎么开通"],
    "body": "出国前发送KTGJMY开通国际漫游。",
    "sms_answer": "发送KTGJMY开通国际漫游。",
}


def bearer(subject: str, province: str = "HQ", kind: Kind = Kind.STAFF) -> dict[str, str]:
    token = auth.issue_token(Principal(kind, subject, province, "admin"), secret_key())
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def client(sqlite_db: Database) -> TestClient:
    with sqlite_db.uow() as uow:
        uow.session.add(
            m.StaffUser(
                username="hq-editor",
                role="admin",
                province_code="HQ",
                password_hash="x",
                created_at=clock.now(),
            )
        )
        uow.commit()
    return TestClient(create_app(sqlite_db))


def test_search_is_public_and_ranked(client: TestClient) -> None:
    hits = client.get(f"{KB}/search", params={"q": "怎么查流量"})
    assert hits.status_code == 200
    assert hits.json()[0]["slug"] == "data-usage" and hits.json()[0]["confidence"] == 1.0
    en = client.get(f"{KB}/search", params={"q": "report spam", "lang": "en"}).json()
    assert en[0]["slug"] == "spam" and en[0]["language"] == "en"
    assert client.get(f"{KB}/search", params={"q": ""}).status_code == 422
    assert client.get(f"{KB}/search", params={"q": "x", "lang": "fr"}).status_code == 422


def test_write_and_approve_by_two_people(client: TestClient) -> None:
    editor, admin = bearer("hq-editor"), bearer("hq-admin")
    assert client.post(f"{KB}/articles", json=ARTICLE).status_code == 401
    made = client.post(f"{KB}/articles", json=ARTICLE, headers=editor)
    assert made.status_code == 201 and made.json()["status"] == "draft"
    url = f"{KB}/articles/roaming/zh-CN/versions/1/approve"
    own = client.post(url, headers=editor)
    assert own.status_code == 403 and own.headers["content-type"].startswith("application/problem")
    assert client.post(url, headers=admin).json()["approver"] == "hq-admin"
    assert (
        client.get(f"{KB}/search", params={"q": "国际漫游怎么开通"}).json()[0]["slug"] == "roaming"
    )
    history = client.get(f"{KB}/articles/roaming/zh-CN", headers=admin).json()
    assert [v["status"] for v in history] == ["approved"]
    assert client.delete(f"{KB}/articles/roaming/zh-CN", headers=admin).status_code == 204
    after = client.get(f"{KB}/search", params={"q": "国际漫游怎么开通"}).json()
    assert "roaming" not in [h["slug"] for h in after]


def test_others_may_not_write(client: TestClient) -> None:
    for who in (bearer("bj-agent", "BJ"), bearer("13800138000", "BJ", Kind.SUBSCRIBER)):
        assert client.post(f"{KB}/articles", json=ARTICLE, headers=who).status_code == 403
        assert client.get(f"{KB}/articles/balance/zh-CN", headers=who).status_code == 403
    bad = client.post(f"{KB}/articles", json={**ARTICLE, "slug": "No!"}, headers=bearer("hq-admin"))
    assert bad.status_code == 422
