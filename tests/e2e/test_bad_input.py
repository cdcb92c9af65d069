"""Bad input is a 4xx, never a 500 (issue #15): the request body limit (finding 5), control
characters and out-of-range dates and months (finding 8), the API docs offline (finding 11).
Through the real app, on SQLite and PostgreSQL (PostgreSQL refuses a NUL in any text)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from telcare.channels.api.app import create_app
from telcare.config import get_settings
from telcare.domain.access import Kind, Principal
from telcare.services import antispam
from telcare.services import complaints as svc
from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser
from telcare.store.uow import Database
from tests.e2e.test_web_complaints import file_on_hall, staff_login
from tests.e2e.test_web_hall import log_in, text

HTML = {"accept": "text/html"}
PROBLEM = "application/problem+json"
BJ = "13800138000"
MIB = 1 << 20


@pytest.fixture
def client(db: Database) -> TestClient:
    with db.uow() as uow:
        uow.session.execute(update(StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    return TestClient(create_app(db), raise_server_exceptions=False)


# --- finding 5: the request body limit ----------------------------------------------


def call(app: Any, method: str, path: str, chunks: Any, headers: list[tuple[bytes, bytes]]) -> Any:
    """Drive the ASGI app by hand: ``chunks`` feeds the body one message at a time; returns
    (status, body, number of chunks the app pulled)."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, pulled


def endless(size: int = 64 * 1024) -> Any:
    while True:
        yield b"x" * size


def test_a_declared_body_over_the_limit_is_refused_unread(sqlite_db: Database) -> None:
    app = create_app(sqlite_db, demo=True)  # /sms/mo of the probe exists
    headers = [(b"content-type", b"application/json"), (b"content-length", b"200000000")]
    status, body, pulled = call(app, "POST", "/sms/mo", endless(), headers)
    assert status == 413 and b"body-too-large" in body
    assert pulled == 0  # not one byte of the 200 MB was read


def test_a_streamed_body_is_cut_off_at_the_limit(sqlite_db: Database) -> None:
    app = create_app(sqlite_db, demo=True)  # /sms/mo of the probe exists
    limit = get_settings().max_body_bytes
    status, body, pulled = call(
        app, "POST", "/sms/mo", endless(), [(b"content-type", b"application/json")]
    )
    assert status == 413 and b"body-too-large" in body
    assert pulled <= limit // (64 * 1024) + 1  # stopped reading just past the limit


def test_too_large_is_a_problem_through_the_client(client: TestClient) -> None:
    answer = client.post(
        "/sms/mo",
        content=b"{" + b" " * (2 * MIB) + b"}",
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith(PROBLEM)
    problem = answer.json()
    assert problem["type"].endswith("/body-too-large") and problem["status"] == 413
    assert problem["limit"] == get_settings().max_body_bytes
    bad = client.post("/sms/mo", content=b"{}", headers={"content-length": "x"})
    assert bad.status_code == 400


def test_attachment_uploads_may_be_larger(sqlite_db: Database) -> None:
    app = create_app(sqlite_db)
    three_mib = iter([b"x" * MIB] * 3)
    headers = [(b"content-type", b"multipart/form-data; boundary=zz")]
    status, _, _ = call(app, "POST", "/staff/complaints/t/X/attach", three_mib, headers)
    assert status != 413  # refused for another reason (no session), not for its size
    note = iter([b"x" * (MIB + 1)])
    status, _, _ = call(app, "POST", "/staff/complaints/t/X/note", note, headers)
    assert status == 413


def test_an_attachment_of_five_mib_still_goes_through(client: TestClient, db: Database) -> None:
    ticket_id = file_on_hall(client, db, BJ)
    staff = TestClient(client.app)
    csrf = staff_login(staff, "bj-agent")
    pdf = b"%PDF-1.4\n" + b"0" * (5 * MIB - 100)
    page = staff.post(
        f"/staff/complaints/t/{ticket_id}/attach",
        data={"csrf_token": csrf},
        files={"attachment": ("bill.pdf", pdf, "application/pdf")},
        headers=HTML,
    )
    assert page.status_code == 200
    assert len(
        svc.get_ticket(db, Principal(Kind.STAFF, "hq", "HQ", "admin"), ticket_id).attachments
    )


# --- finding 8: control characters, dates and months ---------------------------------


def test_nul_in_a_ticket_text_is_refused_with_a_message(client: TestClient, db: Database) -> None:
    csrf = log_in(client, db, BJ)
    html = client.get("/hall/complaints").text
    key = re.search(r'name="key" value="([^"]+)"', html)
    assert key
    data = {"csrf_token": csrf, "key": key.group(1), "category": "NET.COV.INDOOR"}
    page = client.post(
        "/hall/complaints", data={**data, "description": "no\x00signal"}, headers=HTML
    )
    assert page.status_code == 422 and "控制字符" in text(page.text)
    assert page.headers["content-type"].startswith("text/html")
    api = client.post("/hall/complaints", data={**data, "summary": "\x1b[31m"})
    assert api.status_code == 422 and api.headers["content-type"].startswith(PROBLEM)
    mine = svc.list_tickets(db, Principal(Kind.SUBSCRIBER, BJ, ""), limit=50)
    assert not any("\x00" in (t.description or "") for t in mine.items)


def test_nul_in_a_note_is_refused(client: TestClient, db: Database) -> None:
    ticket_id = file_on_hall(client, db, BJ)
    staff = TestClient(client.app)
    csrf = staff_login(staff, "bj-agent")
    url = f"/staff/complaints/t/{ticket_id}"
    page = staff.post(url + "/note", data={"csrf_token": csrf, "text": "a\x00b"}, headers=HTML)
    assert page.status_code == 422 and "控制字符" in text(page.text)
    lines = staff.post(url + "/note", data={"csrf_token": csrf, "text": "a\r\n\tb"}, headers=HTML)
    assert lines.status_code == 200 and "备注已添加" in text(lines.text)
    fields = {"csrf_token": csrf, "severity": "\x00", "outcome": "x\x00"}
    page = staff.post(url + "/fields", data=fields, headers=HTML)
    assert page.status_code < 500


def test_nul_in_a_spam_rule_is_refused(client: TestClient, db: Database) -> None:
    csrf = log_in(client, db, BJ)
    for kind in ("keyword", "prefix", "number"):
        page = client.post(
            "/hall/spam/rules", data={"csrf_token": csrf, "kind": kind, "value": "贷\x00款"}
        )
        assert page.status_code < 500
    assert not antispam.list_rules(db, BJ).keywords


def test_nul_in_a_queue_filter_is_a_400(client: TestClient) -> None:
    staff_login(client, "hq-admin")
    page = client.get("/staff/complaints/?severity=%00", headers=HTML)
    assert page.status_code == 400 and "控制字符" in page.text
    api = client.get("/tmf-api/troubleTicket/v4/troubleTicket?ticketType=a%00b")
    assert api.status_code == 400 and api.headers["content-type"].startswith(PROBLEM)


def test_ledger_dates_out_of_range_are_a_message(client: TestClient, db: Database) -> None:
    log_in(client, db, BJ)
    page = client.get("/hall/ledger?since=0001-01-01&until=9999-12-31")
    assert page.status_code == 200 and "超出范围" in text(page.text)
    for query in ("since=9999-12-31", "until=0001-01-01", "since=2100-12-31&until=9999-12-31"):
        assert client.get(f"/hall/ledger?{query}").status_code == 200


def test_quality_month_far_ahead_is_a_page_with_a_message(client: TestClient) -> None:
    staff_login(client, "hq-admin")
    for month in ("9999-12", "0001-01", "2026-13"):
        page = client.get(f"/staff/quality/?month={month}", headers=HTML)
        assert page.status_code == 422 and "超出范围" in page.text, month
        indicator = client.get(f"/staff/quality/indicator/CMP_RATE?month={month}")
        assert indicator.status_code == 422
        assert indicator.headers["content-type"].startswith(PROBLEM)


# --- finding 11: the API docs work offline ---------------------------------------------


def test_the_docs_use_only_bundled_assets(sqlite_db: Database) -> None:
    client = TestClient(create_app(sqlite_db))
    for path in ("/docs", "/redoc"):
        html = client.get(path).text
        urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
        assert urls and all(u.startswith("/") for u in urls), urls
        assert "http://" not in html and "https://" not in html
        for url in urls:
            assert client.get(url).status_code == 200, url
    for js in ("swagger-ui-bundle.js", "redoc.standalone.js"):
        assert client.get(f"/static/docs/{js}").status_code == 200
    assert client.get("/docs/oauth2-redirect").status_code == 200
