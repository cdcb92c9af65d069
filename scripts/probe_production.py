#!/usr/bin/env python3
"""Probe a running Telcare node the way a hostile visitor would (issue #15) and report
what is not safe to expose. Exit code 0 when every check passes, 1 otherwise.

    python scripts/probe_production.py https://care.example.cn \\
        --subscriber 13800138000 --staff probe-agent:PASSWORD

Checks: the SMS simulator and ``POST /sms/mo`` are absent (404, not in the API
document, no demo banner); pages and the API carry the security headers; a token
signed with the old default secret is refused; the login-code request answers a
subscriber's number and any other well-formed number alike; password logins lock a
name after five failures (an unknown name: no real account is locked); the session
cookie is HttpOnly, SameSite=Lax and Secure over HTTPS (``--via-proxy`` sends
``X-Forwarded-Proto: https``, for a node behind a local proxy); with ``--staff``, a
copied staff session cookie opens nothing after its logout.

Each run spends six failed logins and two code requests from the probing address.
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
from collections.abc import Callable

import httpx
from itsdangerous import URLSafeTimedSerializer

OLD_DEFAULT_SECRET = "dev-only-change-me"
COOKIE = "telcare_session"
HTML = {"accept": "text/html"}
PAGES = ("/", "/hall/login", "/staff/login")


class Probe:
    """The checks against one node; each failure is a line in :attr:`failures`."""

    def __init__(self, client: httpx.Client, *, via_proxy: bool = False) -> None:
        self.client = client
        self.via_proxy = via_proxy
        self.failures: list[str] = []

    def expect(self, ok: bool, what: str) -> None:
        if not ok:
            self.failures.append(what)

    def demo_doors_closed(self) -> None:
        self.expect(self.client.get("/sms/simulator").status_code == 404, "/sms/simulator is open")
        mo = {"sender": "13900139000", "recipient": "10086", "text": "Y"}
        self.expect(self.client.post("/sms/mo", json=mo).status_code == 404, "POST /sms/mo is open")
        paths = self.client.get("/openapi.json").json().get("paths", {})
        self.expect(not any(p.startswith("/sms") for p in paths), "/sms/* in /openapi.json")
        home = self.client.get("/", headers=HTML).text
        self.expect('id="demo-banner"' not in home, "the demo banner is shown")

    def security_headers(self) -> None:
        for path in PAGES:
            got = self.client.get(path, headers=HTML)
            csp = got.headers.get("content-security-policy", "")
            self.expect("frame-ancestors 'none'" in csp, f"{path}: no frame-ancestors in CSP")
            self.expect("script-src 'self'" in csp, f"{path}: no script-src 'self' in CSP")
            self.expect("unsafe-inline" not in csp, f"{path}: CSP allows inline code")
            self.expect(got.headers.get("x-frame-options") == "DENY", f"{path}: X-Frame-Options")
            self.expect("referrer-policy" in got.headers, f"{path}: no Referrer-Policy")
            self.expect("permissions-policy" in got.headers, f"{path}: no Permissions-Policy")
            self.expect(
                got.headers.get("x-content-type-options") == "nosniff", f"{path}: no nosniff"
            )
        api = self.client.get("/api/health")
        self.expect(api.headers.get("x-content-type-options") == "nosniff", "API: no nosniff")
        self.expect("content-security-policy" in api.headers, "API: no CSP")

    def default_secret_refused(self) -> None:
        forged = URLSafeTimedSerializer(OLD_DEFAULT_SECRET, salt="telcare-token").dumps(
            ["staff", "hq-admin", "HQ", "admin", 0]
        )
        got = self.client.get("/tmf-api/auth/me", headers={"Authorization": f"Bearer {forged}"})
        self.expect(got.status_code == 401, f"old-default-signed token: {got.status_code}")

    def otp_says_nothing(self, subscriber: str | None) -> None:
        other = f"139{secrets.randbelow(10**8):08d}"
        numbers = [subscriber or f"138{secrets.randbelow(10**8):08d}", other]
        answers = [self.client.post("/tmf-api/auth/otp", json={"msisdn": n}) for n in numbers]
        codes = [a.status_code for a in answers]
        self.expect(codes == [202, 202], f"login-code requests answered {codes}")
        bodies = [{k: v for k, v in a.json().items() if k != "msisdn"} for a in answers]
        self.expect(bodies[0] == bodies[1], "login-code answers differ")

    def logins_throttled(self) -> None:
        name = f"probe-{secrets.token_hex(4)}"
        body = {"grant_type": "password", "username": name, "password": "wrong-password"}
        codes = [self.client.post("/tmf-api/auth/token", json=body).status_code for _ in range(6)]
        self.expect(codes[:5] == [403] * 5, f"wrong passwords answered {codes[:5]}")
        self.expect(codes[5] == 429, f"the sixth try answered {codes[5]}, not 429")

    def _proxy(self) -> dict[str, str]:
        """Over plain HTTP a Secure cookie is not sent back: only the cookie check uses this."""
        return {"x-forwarded-proto": "https"} if self.via_proxy else {}

    def session_cookie(self) -> None:
        with httpx.Client(base_url=self.client.base_url) as fresh:  # no session yet
            got = fresh.get("/hall/login", headers={**HTML, **self._proxy()})
        cookie = next(
            (v for k, v in got.headers.multi_items() if k == "set-cookie" and COOKIE in v), ""
        ).lower()
        self.expect(bool(cookie), "no session cookie on /hall/login")
        for flag in ("httponly", "samesite=lax"):
            self.expect(flag in cookie, f"the session cookie lacks {flag}")
        https = self.via_proxy or str(self.client.base_url).startswith("https:")
        self.expect(not https or "; secure" in cookie, "the session cookie lacks Secure")

    def staff_logout_ends_the_session(self, user: str, password: str) -> None:
        jar = httpx.Client(base_url=self.client.base_url)
        with jar:
            page = jar.get("/staff/login", headers=HTML).text
            found = re.search(r'name="csrf_token" value="([^"]+)"', page)
            if found is None:
                self.expect(False, "no CSRF token on /staff/login")
                return
            form = {"csrf_token": found.group(1), "username": user, "password": password}
            jar.post("/staff/login", data=form, headers=HTML)
            copy = dict(jar.cookies)
            self.expect(_opens(jar, "/staff/"), "the staff login did not work")
            page = jar.get("/staff/", headers=HTML).text
            found = re.search(r'name="csrf_token" value="([^"]+)"', page)
            jar.post("/staff/logout", data={"csrf_token": found.group(1) if found else ""})
        with httpx.Client(base_url=self.client.base_url, cookies=copy) as replay:
            self.expect(not _opens(replay, "/staff/"), "a copied cookie works after logout")


def _opens(client: httpx.Client, path: str) -> bool:
    return client.get(path, headers=HTML, follow_redirects=False).status_code == 200


def probe(
    base_url: str,
    *,
    subscriber: str | None = None,
    staff: tuple[str, str] | None = None,
    via_proxy: bool = False,
) -> list[str]:
    """Run every check against the node at ``base_url``; the failures (empty: all passed)."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        p = Probe(client, via_proxy=via_proxy)
        checks: list[Callable[[], None]] = [
            p.demo_doors_closed,
            p.security_headers,
            p.default_secret_refused,
            lambda: p.otp_says_nothing(subscriber),
            p.logins_throttled,
            p.session_cookie,
        ]
        if staff is not None:
            checks.append(lambda: p.staff_logout_ends_the_session(*staff))
        for check in checks:
            check()
        return p.failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--subscriber", help="a subscriber's number (the OTP check)")
    parser.add_argument("--staff", help="USER:PASSWORD of a staff account (the logout check)")
    parser.add_argument("--via-proxy", action="store_true", help="send X-Forwarded-Proto: https")
    args = parser.parse_args(argv)
    staff = tuple(args.staff.split(":", 1)) if args.staff else None
    failures = probe(
        args.base_url,
        subscriber=args.subscriber,
        staff=staff,  # type: ignore[arg-type]
        via_proxy=args.via_proxy,
    )
    for failure in failures:
        print(f"FAIL {failure}")
    print("all checks passed" if not failures else f"{len(failures)} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
