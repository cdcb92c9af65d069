"""The served application: home page, API docs, SMS simulator, problem bodies."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from telcare.channels.api.app import create_app
from telcare.store.uow import Database


@pytest.fixture
def client(request: pytest.FixtureRequest, sqlite_db: Database) -> TestClient:
    """The app; in demo mode (the SMS simulator) for tests marked ``demo``."""
    return TestClient(
        create_app(sqlite_db, demo=request.node.get_closest_marker("demo") is not None)
    )


@pytest.mark.demo
def test_home_page_and_api_docs(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200 and "Telcare" in home.text and 'lang="zh-CN"' in home.text
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    spec = client.get("/openapi.json").json()
    assert "/sms/mo" in spec["paths"]
    assert client.get("/static/style.css").status_code == 200


@pytest.mark.demo
def test_sms_simulator_runs_the_real_engine(client: TestClient) -> None:
    replies = client.post(
        "/sms/mo", json={"sender": "13800138000", "recipient": "10086", "text": "cxye"}
    ).json()
    assert replies == [
        {
            "sender": "10086",
            "recipient": "13800138000",
            "text": "尊敬的客户，您的账户余额为100.00元。【中国移动】",
        }
    ]


@pytest.mark.demo
def test_unknown_text_gets_help_not_an_error(client: TestClient) -> None:
    replies = client.post(
        "/sms/mo", json={"sender": "13800138000", "recipient": "10086", "text": "😀\x00 hello"}
    ).json()
    assert replies and "CXYE" in replies[0]["text"]


@pytest.mark.demo
def test_bad_request_gets_a_problem_body(client: TestClient) -> None:
    response = client.post("/sms/mo", json={"sender": "13800138000"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 422 and body["type"].endswith("invalid-request") and body["errors"]
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
