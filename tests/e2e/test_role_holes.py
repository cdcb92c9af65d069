"""Issue #15 finding 6 through the real channels: an HQ ``agent`` may not create a
merchant (nor see its password), edit accrual rules or flag a spam sender; an HQ
``admin`` may. Nothing is written when the role is refused."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from telcare.channels.api.app import create_app
from telcare.config import secret_key
from telcare.domain.messages import render
from telcare.services import antispam, auth
from telcare.store import antispam_models as am
from telcare.store import loyalty_models as lm
from telcare.store.uow import Database
from tests.e2e.test_role_matrix import PASSWORD, staff_account
from tests.e2e.test_web_hall import token

SENDER = "13512345678"


def staff_client(db: Database, username: str, post: str) -> TestClient:
    """A client logged in as HQ staff ``username`` (bearer token, and a CSRF token)."""
    staff_account(db, username, "HQ", post)
    who = auth.authenticate_staff(db, username, PASSWORD)
    client = TestClient(create_app(db), raise_server_exceptions=False)
    client.headers["X-CSRF-Token"] = token(client.get("/hall/login").text)
    client.headers["Authorization"] = f"Bearer {auth.issue_token(who, secret_key())}"
    return client


def _count(db: Database, model: type) -> int:
    with db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def _merchant_form() -> dict[str, str]:
    return {
        "code": "M0099",
        "name_zh": "测试商户",
        "name_en": "Test merchant",
        "province": "BJ",
        "settlement_fen_per_point": "1",
    }


def _rule_form() -> dict[str, str]:
    return {"source": "spend", "points_per_yuan": "50", "valid_from": date(2030, 1, 1).isoformat()}


@pytest.mark.parametrize("post", ["agent", "admin"])
def test_only_an_hq_admin_creates_a_merchant_on_the_console(sqlite_db: Database, post: str) -> None:
    client = staff_client(sqlite_db, f"hq-{post}-x", post)
    before = _count(sqlite_db, lm.Merchant)
    answer = client.post(
        "/staff/loyalty/merchants",
        data=_merchant_form(),
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )
    if post == "agent":
        assert answer.status_code == 403
        assert render("access.role", "zh", action="merchant.create") in answer.text
        assert _count(sqlite_db, lm.Merchant) == before
    else:
        assert answer.status_code == 303
        assert _count(sqlite_db, lm.Merchant) == before + 1


@pytest.mark.parametrize("post", ["agent", "admin"])
def test_only_an_hq_admin_edits_accrual_rules(sqlite_db: Database, post: str) -> None:
    client = staff_client(sqlite_db, f"hq-{post}-x", post)
    before = _count(sqlite_db, lm.AccrualRule)
    answer = client.post("/staff/loyalty/rules", data=_rule_form(), headers={"Accept": "text/html"})
    if post == "agent":
        assert answer.status_code == 403
        assert _count(sqlite_db, lm.AccrualRule) == before
    else:
        assert answer.status_code == 200
        assert _count(sqlite_db, lm.AccrualRule) == before + 1


def test_an_hq_agent_may_not_flag_a_spam_sender_through_the_api(sqlite_db: Database) -> None:
    agent = staff_client(sqlite_db, "hq-agent-x", "agent")
    for action in ("flag", "unflag", "dismiss"):
        answer = agent.post(f"/api/antispam/senders/{SENDER}/{action}")
        assert answer.status_code == 403, action
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["code"] == "not-permitted"
    assert antispam.sender_status(sqlite_db, SENDER) == "clear"
    page = agent.post(f"/staff/antispam/senders/{SENDER}/flag", headers={"Accept": "text/html"})
    assert page.status_code == 403
    assert _count(sqlite_db, am.SpamSender) == 0

    admin = staff_client(sqlite_db, "hq-admin-x", "admin")
    assert admin.post(f"/api/antispam/senders/{SENDER}/flag").json()["status"] == "flagged"
