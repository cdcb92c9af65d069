"""Domain refusals anywhere in the app become problem bodies, never a 500."""

from __future__ import annotations

from fastapi.testclient import TestClient

from telcare.channels.api.app import create_app
from telcare.domain.errors import InsufficientFunds
from telcare.store.uow import Database


def test_domain_error_becomes_a_problem_body(sqlite_db: Database) -> None:
    app = create_app(sqlite_db)

    @app.get("/test-only/refuse")
    def refuse() -> None:
        raise InsufficientFunds("balance.insufficient", balance=0, needed=100)

    client = TestClient(app)
    response = client.get("/test-only/refuse", headers={"accept-language": "en"})
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "insufficient-funds"
    assert body["type"].endswith("/insufficient-funds")
    assert body["detail"] == "Insufficient balance; please top up first."
