"""Page sessions and headers (issue #15, finding 10): a logout ends the session on the
server, so a copied cookie opens nothing afterwards; the cookie is HttpOnly, SameSite=Lax
and Secure over HTTPS (directly, through a trusted proxy, or as TELCARE_COOKIE_SECURE
says); every answer carries the security headers, and pages need no inline script or
style (their CSP forbids both)."""

from __future__ import annotations

import re
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from telcare.channels.api.app import create_app
from telcare.channels.web import security
from telcare.config import get_settings
from telcare.demo.loyalty import seed_loyalty
from telcare.demo.partners import seed_partners
from telcare.services import hall, loyalty
from telcare.services.hashing import hash_secret
from telcare.store import models as m
from telcare.store.uow import Database

HTML = {"accept": "text/html"}
PASSWORD = "pw-123456"
TEMPLATES = Path(security.__file__).parent / "templates"


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path, headers=HTML).text)
    assert found, path
    return found.group(1)


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    seed_partners(sqlite_db)
    seed_loyalty(sqlite_db)
    loyalty.set_merchant_password(sqlite_db, "M0002", "merchant-pw")
    with sqlite_db.uow() as uow:
        uow.session.execute(update(m.StaffUser).values(password_hash=hash_secret(PASSWORD)))
        uow.commit()
    return sqlite_db


def _hall(client: TestClient, db: Database) -> None:
    token = csrf(client, "/hall/login")
    client.post("/hall/login/code", data={"msisdn": "13800138000", "csrf_token": token})
    found = re.search(r"\d{6}", hall.recent_sms(db, "13800138000")[0].text)
    assert found
    data = {"msisdn": "13800138000", "code": found.group(0), "csrf_token": token}
    assert client.post("/hall/login", data=data).url.path == "/hall/"


def _staff(client: TestClient, _db: Database) -> None:
    data = {"csrf_token": csrf(client, "/staff/login"), "username": "bj-agent"}
    assert "bj-agent" in client.post("/staff/login", data=data | {"password": PASSWORD}).text


def _sp(client: TestClient, _db: Database) -> None:
    data = {"csrf_token": csrf(client, "/sp/login"), "access_code": "1066000001"}
    client.post("/sp/login", data=data | {"password": "sp-demo-2024"})


def _merchant(client: TestClient, _db: Database) -> None:
    data = {"csrf_token": csrf(client, "/merchant"), "merchant": "M0002"}
    client.post("/merchant/login", data=data | {"password": "merchant-pw"})


def _opens(client: TestClient, page: str) -> bool:
    got = client.get(page, headers=HTML, follow_redirects=False)
    if page == "/merchant":  # one page: the login form, or the logged-in merchant's
        return got.status_code == 200 and 'action="/merchant/logout"' in got.text
    return got.status_code == 200


LOGINS: dict[str, tuple[Callable[[TestClient, Database], None], str, str]] = {
    "subscriber": (_hall, "/hall/", "/hall/logout"),
    "staff": (_staff, "/staff/", "/staff/logout"),
    "sp": (_sp, "/sp/", "/sp/logout"),
    "merchant": (_merchant, "/merchant", "/merchant/logout"),
}


@pytest.mark.parametrize("who", list(LOGINS))
def test_a_copied_session_cookie_opens_nothing_after_logout(db: Database, who: str) -> None:
    log_in, page, logout = LOGINS[who]
    app = create_app(db)
    client = TestClient(app)
    log_in(client, db)
    assert _opens(client, page)
    copy = TestClient(app, cookies={security.COOKIE: client.cookies[security.COOKIE]})
    assert _opens(copy, page)  # the copy works while the session lives
    client.post(logout, data={"csrf_token": csrf(client, page)})
    assert not _opens(client, page)
    replay = copy.get(page, headers=HTML, follow_redirects=False)
    assert not _opens(copy, page)
    if who != "merchant":
        assert replay.status_code == 303 and replay.headers["location"].endswith("login")
    if who != "subscriber":  # (one login code a minute)
        log_in(client, db)  # a new login is a new session, which works
        assert _opens(client, page)


def test_a_merchant_logout_leaves_a_staff_login_in_the_same_browser(db: Database) -> None:
    client = TestClient(create_app(db))
    _staff(client, db)
    _merchant(client, db)
    copy = TestClient(client.app, cookies={security.COOKIE: client.cookies[security.COOKIE]})
    client.post("/merchant/logout", data={"csrf_token": csrf(client, "/merchant")})
    assert _opens(client, "/staff/") and not _opens(client, "/merchant")
    assert not _opens(copy, "/staff/") and not _opens(copy, "/merchant")


def _cookie_flags(client: TestClient) -> str:
    got = client.get("/hall/login")  # sets a session (its CSRF token)
    (header,) = [v for k, v in got.headers.multi_items() if k == "set-cookie"]
    assert SimpleCookie(header)[security.COOKIE]
    return header.lower()


@pytest.mark.parametrize(
    ("mode", "base_url", "secure"),
    [
        ("auto", "http://testserver", False),
        ("auto", "https://testserver", True),
        ("always", "http://testserver", True),
        ("never", "https://testserver", False),
    ],
)
def test_session_cookie_flags(
    db: Database, monkeypatch: pytest.MonkeyPatch, mode: str, base_url: str, secure: bool
) -> None:
    monkeypatch.setenv("TELCARE_COOKIE_SECURE", mode)
    get_settings.cache_clear()
    try:
        flags = _cookie_flags(TestClient(create_app(db), base_url=base_url))
    finally:
        get_settings.cache_clear()
    assert "httponly" in flags and "samesite=lax" in flags
    assert ("; secure" in flags) is secure


def test_session_cookie_is_secure_behind_a_trusted_https_proxy(db: Database) -> None:
    app = create_app(db)
    forwarded = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9"}
    trusted = TestClient(ProxyHeadersMiddleware(app, trusted_hosts="testclient"))  # type: ignore[arg-type]
    trusted.headers.update(forwarded)
    assert "; secure" in _cookie_flags(trusted)
    untrusted = TestClient(ProxyHeadersMiddleware(app, trusted_hosts="192.0.2.1"))  # type: ignore[arg-type]
    untrusted.headers.update(forwarded)
    assert "; secure" not in _cookie_flags(untrusted)


def test_pages_and_the_api_carry_security_headers(db: Database) -> None:
    client = TestClient(create_app(db))
    for path in ("/", "/hall/login", "/staff/login", "/merchant", "/sp/login"):
        got = client.get(path, headers=HTML)
        csp = got.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self';" in csp, path
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert got.headers["x-frame-options"] == "DENY"
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["referrer-policy"] == "same-origin"
        assert "camera=()" in got.headers["permissions-policy"]
        assert "strict-transport-security" not in got.headers  # plain HTTP
        for script in re.findall(r"<script[^>]*>", got.text):
            assert "src=" in script, (path, script)  # no inline script
    api = client.get("/api/health")
    assert api.headers["content-security-policy"].startswith("default-src 'none'")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert client.get("/tmf-api/auth/me").headers["x-frame-options"] == "DENY"  # a 401 too
    https = TestClient(create_app(db), base_url="https://testserver")
    assert https.get("/").headers["strict-transport-security"].startswith("max-age=")


def test_api_docs_allow_only_their_own_inline_script(db: Database) -> None:
    client = TestClient(create_app(db))
    for path in ("/docs", "/redoc"):
        got = client.get(path)
        nonce = re.search(r"'nonce-([^']+)'", got.headers["content-security-policy"])
        assert nonce, path
        scripts = re.findall(r"<script[^>]*>", got.text)
        assert scripts and all("src=" in s or f'nonce="{nonce.group(1)}"' in s for s in scripts), (
            scripts
        )
        assert (
            client.get(path).headers["content-security-policy"]
            != got.headers["content-security-policy"]
        )  # a fresh nonce each time


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    for template in TEMPLATES.rglob("*.html"):
        source = template.read_text(encoding="utf-8")
        for script in re.findall(r"<script[^>]*>", source):
            assert "src=" in script, (template.name, script)
        assert not re.search(r"\sstyle=|\son[a-z]+=|javascript:|<style|hx-on|js:", source), (
            template.name
        )
