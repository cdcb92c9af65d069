"""Every page form (each POST route of the pages, found from the app's routes), posted
with arbitrary values by Hypothesis as the caller it is meant for (a subscriber, HQ
staff, an SP, a merchant; public forms also anonymously), with the session's CSRF
token: a page, a redirect or a 4xx, never a 5xx (issue #15, "a Hypothesis run over
every form with 0 server errors")."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi import params
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from telcare.channels.api.app import create_app
from telcare.config import secret_key
from telcare.demo.loyalty import seed_loyalty
from telcare.demo.partners import seed_partners
from telcare.domain.access import Kind, Principal
from telcare.services import auth, loyalty
from telcare.services.hashing import hash_secret
from telcare.store import models as m
from telcare.store.uow import Database
from tests.e2e.test_odd_queries import _flat
from tests.e2e.test_web_hall import log_in, token

EXAMPLES = 6
ODD = [
    "",
    "0",
    "-1",
    "1",
    str(10**30),
    "-" + str(10**30),
    "1e309",
    "NaN",
    "9999-12-31",
    "0001-01-01",
    "2027-02-29",
    "9999-12",
    "2026-13",
    "13800138000",
    "+8613800138000",
    "x" * 5000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "\t\n",
    "Y",
    "BJ",
    "HQ",
    "M0002",
    "1066000001",
    "true",
]
VALUE = st.one_of(
    st.sampled_from(ODD),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=80),
    st.text(max_size=20),  # control characters too
    st.integers().map(str),
)


def _forms(app: Any) -> list[tuple[str, list[str], list[str], list[str]]]:
    """(path, form fields, file fields, path parameters) of every page POST, but logging out."""
    routes = []
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        if "POST" not in (route.methods or ()) or dependant is None or route.include_in_schema:
            continue
        if route.path.endswith("/logout"):
            continue
        body = _flat(dependant, "body_params")
        files = sorted({f.alias for f in body if isinstance(f.field_info, params.File)})
        forms = sorted(
            {f.alias for f in body if isinstance(f.field_info, params.Form)} - set(files)
        )
        paths = sorted({p.alias for p in _flat(dependant, "path_params")})
        routes.append((route.path, forms, files, paths))
    return routes


FORMS = _forms(create_app(Database("sqlite://"), demo=True))


def _caller(path: str) -> str:
    for prefix, who in (("/hall", "subscriber"), ("/sms", "subscriber"), ("/staff", "staff")):
        if path.startswith(prefix):
            return who
    return "sp" if path.startswith("/sp") else "merchant" if path.startswith("/merchant") else ""


def _client(db: Database, who: str) -> TestClient:
    client = TestClient(create_app(db, demo=True), raise_server_exceptions=False)
    client.headers["X-CSRF-Token"] = token(client.get("/hall/login").text)
    if who == "subscriber":
        client.headers["X-CSRF-Token"] = log_in(client, db, "13800138000")
    elif who == "staff":
        hq = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
        client.headers["Authorization"] = f"Bearer {auth.issue_token(hq, secret_key())}"
    elif who == "sp":
        seed_partners(db)
        sent = {"access_code": "1066000001", "password": "sp-demo-2024"}
        assert client.post("/sp/login", data=sent).url.path == "/sp/"
    elif who == "merchant":
        seed_loyalty(db)
        loyalty.set_merchant_password(db, "M0002", "merchant-pw")
        sent = {"merchant": "M0002", "password": "merchant-pw"}
        assert 'action="/merchant/logout"' in client.post("/merchant/login", data=sent).text
    return client


def test_every_page_form_is_walked() -> None:
    paths = {path for path, *_ in FORMS}
    assert {"/hall/login", "/staff/login", "/sp/login", "/merchant/login"} <= paths
    assert any(files for _, _, files, _ in FORMS)  # the complaint attachment
    assert len(FORMS) > 40


@pytest.mark.parametrize(("path", "forms", "files", "paths"), FORMS, ids=[f[0] for f in FORMS])
def test_no_page_form_answers_5xx_to_arbitrary_values(
    sqlite_db: Database, path: str, forms: list[str], files: list[str], paths: list[str]
) -> None:
    with sqlite_db.uow() as uow:  # staff logins (/staff/login) can succeed
        uow.session.execute(update(m.StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    callers = [_client(sqlite_db, who) for who in {_caller(path), ""}]
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        data=st.fixed_dictionaries({}, optional=dict.fromkeys(forms, VALUE)),
        uploads=st.fixed_dictionaries({}, optional=dict.fromkeys(files, st.binary(max_size=64))),
        at=st.fixed_dictionaries(dict.fromkeys(paths, VALUE)),
        caller=st.sampled_from(callers),
    )
    def post(
        data: dict[str, str], uploads: dict[str, bytes], at: dict[str, str], caller: TestClient
    ) -> None:
        url = path
        for name, value in at.items():
            url = url.replace("{" + name + "}", quote(value, safe="") or "x")
        sent = {name: ("a.bin", body, "application/octet-stream") for name, body in uploads.items()}
        answer = caller.post(url, data=data, files=sent or None, follow_redirects=False)
        if answer.status_code >= 500:
            failures.append(f"{answer.status_code} POST {url[:80]} {data!r:.200}")
        assert answer.status_code < 500, failures[-1]

    post()
