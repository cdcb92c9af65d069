"""The quarantine box on the business hall: see, release ("not spam"), report, rules."""

from __future__ import annotations

from fastapi.testclient import TestClient

from telcare.channels.api.app import create_app
from telcare.domain.antispam_rules import RuleKind
from telcare.services import antispam
from telcare.store.uow import Database
from tests.e2e.test_web_hall import log_in, text

BJ = "13800138000"
SPAM = "恭喜您中奖！点击领取iPhone，回复TD退订，详询400xxxx"


def test_quarantine_box_release_report_and_rules(sqlite_db: Database) -> None:
    client = TestClient(create_app(sqlite_db))
    antispam.add_rule(sqlite_db, BJ, RuleKind.KEYWORD, "中奖")
    held = antispam.deliver_mt(sqlite_db, "13512345678", BJ, SPAM, message_id="m-1")
    also = antispam.deliver_mt(sqlite_db, "13612345678", BJ, "中奖通知：" + SPAM, message_id="m-2")
    assert held.action == also.action != "deliver"
    assert {q.message_id for q in antispam.quarantine(sqlite_db, BJ)} == {"m-1", "m-2"}
    csrf = log_in(client, sqlite_db, BJ)
    box = text(client.get("/hall/spam").text)
    assert "13512345678" in box and "13612345678" in box and "中奖" in box
    released = client.post("/hall/spam/release", data={"csrf_token": csrf, "message_id": "m-1"})
    assert released.status_code == 200
    assert "13512345678" in antispam.list_rules(sqlite_db, BJ).allow  # "not spam" allows it
    assert [q.message_id for q in antispam.quarantine(sqlite_db, BJ)] == ["m-2"]
    reported = client.post("/hall/spam/report", data={"csrf_token": csrf, "message_id": "m-2"})
    assert reported.status_code == 200
    assert antispam.sender_ranking(sqlite_db)[0].sender == "13612345678"
    refused = client.post("/hall/spam/rules", data={"kind": "keyword", "value": "贷款"})
    assert refused.status_code == 403  # no CSRF token
    added = client.post(
        "/hall/spam/rules", data={"csrf_token": csrf, "kind": "keyword", "value": "贷款"}
    )
    assert added.status_code == 200
    assert "贷款" in antispam.list_rules(sqlite_db, BJ).keywords


def test_another_subscriber_cannot_release_my_message(sqlite_db: Database) -> None:
    antispam.add_rule(sqlite_db, BJ, RuleKind.KEYWORD, "中奖")
    antispam.deliver_mt(sqlite_db, "13512345678", BJ, SPAM, message_id="m-9")
    client = TestClient(create_app(sqlite_db))
    csrf = log_in(client, sqlite_db, "13900139000")
    client.post("/hall/spam/release", data={"csrf_token": csrf, "message_id": "m-9"})
    assert [q.message_id for q in antispam.quarantine(sqlite_db, BJ)] == ["m-9"]
