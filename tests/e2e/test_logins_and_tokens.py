"""Logins and tokens (issue #15): tokens die with their account or credential version,
password logins are throttled and lockouts lifted by an HQ admin, unknown and known
names look alike, the SMS code request says nothing about who is a subscriber, and
the audit log records it all. Through the API and the pages (TestClient)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher, extract_parameters
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from telcare.channels.api.app import create_app
from telcare.channels.logins_cli import app as logins_cli
from telcare.config import get_settings
from telcare.demo.loyalty import seed_loyalty
from telcare.demo.partners import seed_partners
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden, WrongSecret
from telcare.services import audit, auth, loyalty, partners
from telcare.services.hashing import hash_secret
from telcare.store import models as m
from telcare.store.uow import Database

API = "/tmf-api"
TOKEN = f"{API}/auth/token"
ME = f"{API}/auth/me"
OTP = f"{API}/auth/otp"
PASSWORD = "pw-123456"
HQ_ADMIN = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
BJ = "13800138000"
NOT_A_SUBSCRIBER = "13912345678"
HTML = {"accept": "text/html"}


def _staff_passwords(db: Database) -> None:
    with db.uow() as uow:
        uow.session.execute(update(m.StaffUser).values(password_hash=hash_secret(PASSWORD)))
        uow.commit()


@pytest.fixture
def client(sqlite_db: Database) -> TestClient:
    _staff_passwords(sqlite_db)
    return TestClient(create_app(sqlite_db))


def password_token(client: TestClient, username: str, password: str = PASSWORD) -> object:
    return client.post(
        TOKEN, json={"grant_type": "password", "username": username, "password": password}
    )


def bearer(client: TestClient, username: str) -> dict[str, str]:
    got = password_token(client, username)
    assert got.status_code == 200, got.text  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {got.json()['access_token']}"}  # type: ignore[attr-defined]


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path, headers=HTML).text)
    assert found
    return found.group(1)


def outbound_to(db: Database, msisdn: str) -> int:
    with db.read() as uow:
        return (
            uow.session.scalar(
                select(func.count())
                .select_from(m.OutboundSms)
                .where(m.OutboundSms.recipient == msisdn)
            )
            or 0
        )


def audit_kinds(db: Database) -> list[str]:
    return [e.kind for e in audit.entries(db, HQ_ADMIN, limit=1000)]


# --- tokens die with their account ---------------------------------------------------------


def test_a_deleted_or_disabled_staff_token_is_refused_at_once(
    client: TestClient, sqlite_db: Database
) -> None:
    bj, gd = bearer(client, "bj-agent"), bearer(client, "gd-agent")
    assert client.get(ME, headers=bj).status_code == 200
    auth.delete_staff(sqlite_db, HQ_ADMIN, "bj-agent")
    gone = client.get(ME, headers=bj)
    assert gone.status_code == 401 and gone.headers["www-authenticate"].startswith("Bearer")
    # the staff pages take the same bearer token and refuse it too
    assert client.get("/staff/antispam/", headers=bj).status_code == 401
    assert client.get(ME, headers=gd).status_code == 200
    auth.set_staff_active(sqlite_db, HQ_ADMIN, "gd-agent", False)
    assert client.get(ME, headers=gd).status_code == 401
    assert password_token(client, "gd-agent").status_code == 403  # a disabled account
    auth.set_staff_active(sqlite_db, HQ_ADMIN, "gd-agent", True)
    assert client.get(ME, headers=gd).status_code == 401  # the old token stays dead
    assert client.get(ME, headers=bearer(client, "gd-agent")).status_code == 200
    kinds = audit_kinds(sqlite_db)
    assert {"account.deleted", "account.disabled", "account.enabled"} <= set(kinds)


def test_a_staff_page_session_ends_when_the_account_is_disabled(
    client: TestClient, sqlite_db: Database
) -> None:
    token = csrf(client, "/staff/login")
    data = {"csrf_token": token, "username": "bj-agent", "password": PASSWORD}
    assert "bj-agent" in client.post("/staff/login", data=data, headers=HTML).text
    assert client.get("/staff/", headers=HTML, follow_redirects=False).status_code == 200
    auth.set_staff_active(sqlite_db, HQ_ADMIN, "bj-agent", False)
    after = client.get("/staff/", headers=HTML, follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"] == "/staff/login"


def test_a_password_change_or_log_out_everywhere_kills_older_tokens(
    client: TestClient, sqlite_db: Database
) -> None:
    old = bearer(client, "bj-agent")
    auth.set_staff_password(sqlite_db, "bj-agent", "new-password-1")
    assert client.get(ME, headers=old).status_code == 401
    assert password_token(client, "bj-agent").status_code == 403  # the old password
    new = bearer_with(client, "bj-agent", "new-password-1")
    assert client.get(ME, headers=new).status_code == 200
    # "log out everywhere": by the account itself or by an HQ admin
    me = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")
    auth.log_out_everywhere(sqlite_db, me, "staff", "bj-agent")
    assert client.get(ME, headers=new).status_code == 401
    with pytest.raises(Forbidden):  # an agent may not log out someone else
        auth.log_out_everywhere(sqlite_db, me, "staff", "gd-agent")


def bearer_with(client: TestClient, username: str, password: str) -> dict[str, str]:
    got = password_token(client, username, password)
    assert got.status_code == 200, got.text  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {got.json()['access_token']}"}  # type: ignore[attr-defined]


def test_sp_and_merchant_tokens_die_with_a_password_change(sqlite_db: Database) -> None:
    seed_partners(sqlite_db)
    code = "1066000001"
    partners.set_sp_password(sqlite_db, code, "sp-pass-1")
    client = TestClient(create_app(sqlite_db))
    got = client.post("/api/partners/token", json={"access_code": code, "password": "sp-pass-1"})
    assert got.status_code == 200, got.text
    sp = {"Authorization": f"Bearer {got.json()['access_token']}"}
    assert client.get(ME, headers=sp).status_code == 200
    partners.set_sp_password(sqlite_db, code, "sp-pass-2")
    assert client.get(ME, headers=sp).status_code == 401

    merchant = _a_merchant(sqlite_db)
    loyalty.set_merchant_password(sqlite_db, merchant, "merchant-1")
    who = loyalty.authenticate_merchant(sqlite_db, merchant, "merchant-1")
    token = loyalty.issue_merchant_token(who)
    assert loyalty.read_merchant_token(sqlite_db, token).code == merchant
    loyalty.set_merchant_password(sqlite_db, merchant, "merchant-2")
    with pytest.raises(WrongSecret):
        loyalty.read_merchant_token(sqlite_db, token)


def _a_merchant(db: Database) -> str:
    seed_loyalty(db)
    return loyalty.merchants(db)[0].code


def test_tokens_live_the_configured_minutes(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert password_token(client, "bj-agent").json()["expires_in"] == 3600  # type: ignore[attr-defined]
    monkeypatch.setenv("TELCARE_TOKEN_TTL_MINUTES", "5")
    get_settings.cache_clear()
    try:
        assert auth.token_ttl() == timedelta(minutes=5)
        assert password_token(client, "gd-agent").json()["expires_in"] == 300  # type: ignore[attr-defined]
    finally:
        monkeypatch.delenv("TELCARE_TOKEN_TTL_MINUTES")
        get_settings.cache_clear()


# --- throttled password logins -----------------------------------------------------------


def test_thirty_wrong_passwords_lock_the_account_until_an_admin_unlocks_it(
    db: Database,
) -> None:
    _staff_passwords(db)
    client = TestClient(create_app(db))
    answers = [password_token(client, "bj-agent", f"wrong-{i}") for i in range(30)]
    assert [a.status_code for a in answers[:5]] == [403] * 5  # type: ignore[attr-defined]
    assert {a.status_code for a in answers[5:]} == {429}  # type: ignore[attr-defined]
    right = password_token(client, "bj-agent")
    assert right.status_code == 429, right.text  # type: ignore[attr-defined]
    assert right.json()["code"] == "too-many-attempts"  # type: ignore[attr-defined]
    assert int(right.headers["retry-after"]) > 0  # type: ignore[attr-defined]
    assert auth.is_locked(db, "staff", "bj-agent")
    # the 31 failures also blocked the client address; another account from another
    # address is not locked
    assert password_token(client, "gd-agent").status_code == 429  # type: ignore[attr-defined]
    other = TestClient(client.app, client=("198.51.100.7", 50000))
    assert password_token(other, "gd-agent").status_code == 200  # type: ignore[attr-defined]
    assert password_token(other, "bj-agent").status_code == 429  # type: ignore[attr-defined]
    with pytest.raises(Forbidden):  # only an HQ admin lifts a lockout
        auth.unlock(db, Principal(Kind.STAFF, "gd-agent", "GD", "agent"), "staff", "bj-agent")
    auth.unlock(db, HQ_ADMIN, "staff", "bj-agent")
    assert password_token(other, "bj-agent").status_code == 200  # type: ignore[attr-defined]
    assert password_token(client, "bj-agent").status_code == 429  # type: ignore[attr-defined]
    auth.unblock_address(db, HQ_ADMIN, "testclient")
    assert password_token(client, "bj-agent").status_code == 200  # type: ignore[attr-defined]
    kinds = audit_kinds(db)
    assert kinds.count("login.locked") == 1 and "login.unlocked" in kinds
    assert kinds.count("login.address_blocked") == 1 and "login.address_unblocked" in kinds
    assert kinds.count("login.staff") == 3  # gd-agent once, bj-agent twice


def test_the_staff_login_page_is_locked_too_and_the_cli_unlocks(
    client: TestClient, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def attempt(password: str) -> str:
        token = csrf(client, "/staff/login")
        data = {"csrf_token": token, "username": "bj-agent", "password": password}
        return client.post("/staff/login", data=data, headers=HTML).text

    for i in range(6):
        attempt(f"wrong-{i}")
    assert "锁定" in attempt(PASSWORD)
    assert client.get("/staff/", headers=HTML, follow_redirects=False).status_code == 303
    monkeypatch.setenv("TELCARE_DATABASE_URL", sqlite_db.url)
    get_settings.cache_clear()
    try:
        done = CliRunner().invoke(logins_cli, ["unlock", "staff", "bj-agent"])
        assert done.exit_code == 0, done.output
        shown = CliRunner().invoke(logins_cli, ["audit", "--kind", "login."])
        assert '"login.unlocked"' in shown.output and '"cli"' in shown.output
    finally:
        get_settings.cache_clear()
    assert "bj-agent（北京，坐席）" in attempt(PASSWORD)


def test_many_failures_from_one_address_get_429_with_retry_after(client: TestClient) -> None:
    for i in range(20):  # twenty names, four tries each: no account reaches five
        assert password_token(client, f"guess-{i % 5}-{i}", "x").status_code == 403  # type: ignore[attr-defined]
    blocked = password_token(client, "hq-admin")
    assert blocked.status_code == 429  # type: ignore[attr-defined]
    assert 0 < int(blocked.headers["retry-after"]) <= 15 * 60  # type: ignore[attr-defined]


def test_unknown_and_known_names_answer_alike_and_do_the_same_hashing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    real = PasswordHasher.verify

    def counting(self: PasswordHasher, stored: str, secret: str) -> bool:
        calls.append(extract_parameters(stored))  # the work: Argon2id with these parameters
        return real(self, stored, secret)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    known = password_token(client, "bj-agent", "wrong-password")
    known_calls, calls[:] = list(calls), []
    unknown = password_token(client, "no-such-user", "wrong-password")
    assert len(known_calls) == 1 and known_calls == calls
    assert known.status_code == unknown.status_code == 403  # type: ignore[attr-defined]
    assert known.json() == unknown.json()  # type: ignore[attr-defined]
    # an unknown name is locked after five failures exactly like a real one
    for _ in range(4):
        password_token(client, "no-such-user", "x")
        password_token(client, "bj-agent", "x")
    assert (
        password_token(client, "no-such-user").json()
        == password_token(  # type: ignore[attr-defined]
            client, "bj-agent"
        ).json()
    )  # type: ignore[attr-defined]


def test_sp_and_merchant_logins_are_locked_after_five_failures(sqlite_db: Database) -> None:
    seed_partners(sqlite_db)
    partners.set_sp_password(sqlite_db, "1066000001", "sp-pass-1")
    merchant = _a_merchant(sqlite_db)
    loyalty.set_merchant_password(sqlite_db, merchant, "merchant-1")
    client = TestClient(create_app(sqlite_db))
    for i in range(9):  # 18 failures: under the address limit (20)
        client.post("/api/partners/token", json={"access_code": "1066000001", "password": f"{i}"})
        client.post(
            f"{API}/loyaltyManagement/v4/merchant/token",
            json={"merchant": merchant, "password": f"{i}"},
        )
    sp = client.post(
        "/api/partners/token", json={"access_code": "1066000001", "password": "sp-pass-1"}
    )
    assert sp.status_code == 429
    assert auth.is_locked(sqlite_db, "merchant", merchant)
    auth.unlock(sqlite_db, HQ_ADMIN, "sp", "1066000001")
    sp = client.post(
        "/api/partners/token", json={"access_code": "1066000001", "password": "sp-pass-1"}
    )
    assert sp.status_code == 200


# --- the SMS login code says nothing about who is a subscriber ------------------------------


def test_a_code_request_for_a_non_subscriber_answers_like_a_subscriber(
    client: TestClient, sqlite_db: Database
) -> None:
    with sqlite_db.read() as uow:
        assert (
            uow.session.scalar(select(m.Subscriber).where(m.Subscriber.msisdn == NOT_A_SUBSCRIBER))
            is None
        )
    real = client.post(OTP, json={"msisdn": BJ})
    fake = client.post(OTP, json={"msisdn": NOT_A_SUBSCRIBER})
    assert real.status_code == fake.status_code == 202, fake.text
    assert {**real.json(), "msisdn": ""} == {**fake.json(), "msisdn": ""}
    assert outbound_to(sqlite_db, BJ) == 1 and outbound_to(sqlite_db, NOT_A_SUBSCRIBER) == 0
    # and the token grant answers a non-subscriber as a subscriber without a code
    no_code = client.post(
        TOKEN, json={"grant_type": "otp", "msisdn": NOT_A_SUBSCRIBER, "code": "123456"}
    )
    assert no_code.status_code == 403 and no_code.json()["code"] == "wrong-secret"
    # the hall login page gives the same message
    hall_client = TestClient(client.app)
    pages = []
    for number in ("13900139000", "13912345679"):
        token = csrf(hall_client, "/hall/login")
        sent = hall_client.post("/hall/login/code", data={"msisdn": number, "csrf_token": token})
        pages.append(re.findall(r'<p class="flash (\w+)">([^<]*)</p>', sent.text))
    assert pages[0] == pages[1] and pages[0], pages
    assert outbound_to(sqlite_db, "13912345679") == 0


def test_code_requests_are_limited_per_number_and_per_address(
    client: TestClient, sqlite_db: Database
) -> None:
    for number in (BJ, NOT_A_SUBSCRIBER):  # the same limit whether or not it is a subscriber
        assert client.post(OTP, json={"msisdn": number}).status_code == 202
        again = client.post(OTP, json={"msisdn": number})
        assert again.status_code == 429 and int(again.headers["retry-after"]) > 0
    assert outbound_to(sqlite_db, BJ) == 1
    start = datetime.now(UTC) - timedelta(minutes=50)
    for i in range(4):  # five an hour a number
        auth.request_login_code(sqlite_db, "13912340000", now=start + timedelta(minutes=2 * i))
    auth.request_login_code(sqlite_db, "13912340000", now=start + timedelta(minutes=10))
    assert client.post(OTP, json={"msisdn": "13912340000"}).status_code == 429
    # twenty an hour from one address, whatever the numbers
    answers = [client.post(OTP, json={"msisdn": f"1391235{i:04d}"}).status_code for i in range(20)]
    assert answers.count(202) == 18 and answers[-1] == 429  # two went out above


# --- the audit log ----------------------------------------------------------------------------


def test_the_audit_log_is_for_hq_admins_and_filters(
    client: TestClient, sqlite_db: Database
) -> None:
    bearer(client, "hq-admin")
    for _ in range(5):
        password_token(client, "gd-agent", "wrong")
    rows = audit.entries(sqlite_db, HQ_ADMIN, kind="login.")
    assert [r.kind for r in rows] == ["login.locked", "login.staff"]
    locked = rows[0]
    assert locked.actor == "gd-agent" and locked.address == "testclient"
    assert locked.detail == {"account_kind": "staff"}
    assert [r.actor for r in audit.entries(sqlite_db, HQ_ADMIN, actor="hq-admin")] == ["hq-admin"]
    with pytest.raises(Forbidden):
        audit.entries(sqlite_db, Principal(Kind.STAFF, "bj-agent", "BJ", "agent"))


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    yield
    get_settings.cache_clear()


def test_the_staff_console_shows_the_log_and_lifts_a_lockout(
    client: TestClient, sqlite_db: Database
) -> None:
    for i in range(5):
        password_token(client, "gd-agent", f"wrong-{i}")
    assert auth.is_locked(sqlite_db, "staff", "gd-agent")
    agent = bearer(client, "bj-agent")
    assert client.get("/staff/logins/", headers=agent).status_code == 403
    token = csrf(client, "/staff/login")
    data = {"csrf_token": token, "username": "hq-admin", "password": PASSWORD}
    home = client.post("/staff/login", data=data, headers=HTML)
    assert "/staff/logins/" in home.text
    log = client.get("/staff/logins/", params={"kind": "login."}, headers=HTML)
    assert 'data-kind="login.locked"' in log.text and 'data-kind="login.staff"' in log.text
    token = csrf(client, "/staff/logins/")
    done = client.post(
        "/staff/logins/unlock",
        data={"csrf_token": token, "kind": "staff", "account": "gd-agent"},
        headers=HTML,
    )
    assert "已解除锁定：gd-agent" in done.text
    assert not auth.is_locked(sqlite_db, "staff", "gd-agent")
    admin = bearer(client, "hq-admin")
    rows = client.get("/staff/logins/", params={"actor": "hq-admin"}, headers=admin).json()
    assert {r["kind"] for r in rows} == {"login.staff", "login.unlocked"}
