"""Every route of the app, called as each role, answers as the role matrix says: a
refused role gets 401, a login page or 403 ``not-permitted``; an allowed role gets
past the guard (whatever the route then says of the object or the input). Plus the
three holes of issue #15 finding 6, through the API and the pages (issue #15)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from telcare import clock
from telcare.channels.api.app import create_app
from telcare.config import secret_key
from telcare.domain import roles
from telcare.domain.access import Kind, Principal
from telcare.domain.messages import render
from telcare.domain.roles import Role
from telcare.services import auth, loyalty, partners
from telcare.store import models as m
from telcare.store.uow import Database
from tests.e2e.test_route_guards import Declared, walk
from tests.e2e.test_web_hall import log_in, token

PASSWORD = "role-matrix-pass-1"
SP_CODE = "1066000001"
MERCHANT = "M0001"
# role -> (staff username, province, post) for the staff roles
STAFF = {
    Role.HQ_ADMIN: ("hq-admin", "HQ", "admin"),
    Role.HQ_AGENT: ("hq-agent2", "HQ", "agent"),
    Role.PROVINCE_ADMIN: ("gd-admin2", "GD", "admin"),
    Role.PROVINCE_AGENT: ("bj-agent", "BJ", "agent"),
}
LOGINS = ("/hall/login", "/staff/login", "/sp/login", "/merchant?login")
# Calls that end or change the caller's own session are not repeated for every route.
SKIP = re.compile(r"/logout$|^/hall/lang$|/login(/code)?$|/token$|^/tmf-api/auth/otp$")
DENIED_TEXTS = tuple(render("access.role", lang, action="").split("（")[0] for lang in ("zh",))


def staff_account(db: Database, username: str, province: str, post: str) -> None:
    with db.uow() as uow:
        if uow.session.get(m.StaffUser, username) is None:
            uow.session.add(
                m.StaffUser(
                    username=username,
                    role=post,
                    province_code=province,
                    password_hash="-",
                    created_at=clock.now(),
                )
            )
        uow.commit()
    auth.set_staff_password(db, username, PASSWORD)


def client_as(db: Database, role: Role) -> TestClient:
    """A client holding ``role``'s session (pages) and bearer token (API)."""
    client = TestClient(create_app(db, demo=True), raise_server_exceptions=False)
    csrf = token(client.get("/hall/login").text)
    if role is Role.SUBSCRIBER:
        csrf = log_in(client, db, "13800138000")
        who = Principal(Kind.SUBSCRIBER, "13800138000", "BJ")
        client.headers["Authorization"] = f"Bearer {auth.issue_token(who, secret_key())}"
    elif role is Role.SP:
        partners.set_sp_password(db, SP_CODE, PASSWORD)
        client.post(
            "/sp/login", data={"access_code": SP_CODE, "password": PASSWORD, "csrf_token": csrf}
        )
        answer = client.post(
            "/api/partners/token", json={"access_code": SP_CODE, "password": PASSWORD}
        )
        client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    elif role is Role.MERCHANT:
        loyalty.set_merchant_password(db, MERCHANT, PASSWORD)
        client.post(
            "/merchant/login", data={"merchant": MERCHANT, "password": PASSWORD, "csrf_token": csrf}
        )
        answer = client.post(
            "/tmf-api/loyaltyManagement/v4/merchant/token",
            json={"merchant": MERCHANT, "password": PASSWORD},
        )
        client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    elif role in STAFF:
        username, province, post = STAFF[role]
        staff_account(db, username, province, post)
        who = auth.authenticate_staff(db, username, PASSWORD)
        assert roles.role_of(who) is role
        client.headers["Authorization"] = f"Bearer {auth.issue_token(who, secret_key())}"
    client.headers["X-CSRF-Token"] = token(client.get("/hall/login").text)  # a login renews it
    return client


def expected(route: Declared, role: Role) -> bool:
    kind, value = route.found[0]
    if kind == "public":
        return True
    if kind == "kind":
        return role.value == value
    return roles.allowed(role, value)


def refused(answer: Response) -> bool:
    """The guard (or a kind guard) turned the caller away."""
    if answer.status_code == 401:
        return True
    if answer.status_code in (302, 303, 307):
        return answer.headers.get("location", "") in LOGINS
    if answer.headers.get("hx-redirect") in LOGINS:
        return True
    if answer.status_code == 403:
        if answer.headers.get("content-type", "").startswith("application/problem+json"):
            return answer.json().get("code") == roles.NotPermitted.code
        return any(text in answer.text for text in DENIED_TEXTS)
    return False


def call(client: TestClient, route: Declared) -> Response:
    path = re.sub(r"\{[^}]+\}", "1", route.path)
    method = route.methods.split(",")[0]
    page = not path.startswith(("/api/", "/tmf-api/", "/sms/mo"))
    headers = {"Accept": "text/html"} if page else {}
    body = {"data": {}} if page else {"json": {}}
    if method == "GET":
        return client.get(path, headers=headers, follow_redirects=False)
    return client.request(method, path, headers=headers, follow_redirects=False, **body)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_route_answers_each_role_as_the_matrix_says(sqlite_db: Database, role: Role) -> None:
    client = client_as(sqlite_db, role)
    wrong, errors = [], []
    for route in walk(sqlite_db, demo=True):
        if not route.found or not route.methods or SKIP.search(route.path):
            continue
        answer = call(client, route)
        if answer.status_code >= 500:
            errors.append(f"{route.methods} {route.path}: {answer.status_code}")
        elif refused(answer) == expected(route, role):
            want = "allowed" if expected(route, role) else "refused"
            wrong.append(
                f"{route.methods} {route.path} {route.found[0]}: want {want}, got "
                f"{answer.status_code} {answer.headers.get('location', '')} {answer.text[:80]!r}"
            )
    assert not wrong, f"as {role.value}:\n" + "\n".join(wrong)
    assert not errors, "\n".join(errors)
