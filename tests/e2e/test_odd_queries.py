"""Every GET route of the app, called with odd values for each of its query and path
parameters, and every form and JSON operation, called with a NUL in each text, as an
anonymous visitor, a subscriber and headquarters staff: a 4xx or a page, never a 5xx
(issue #15, "bad input is a 4xx, never a 500"). On PostgreSQL a NUL that reaches the
store is an error, so these run on both backends."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import params
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from telcare.channels.api.app import create_app
from telcare.config import secret_key
from telcare.domain.access import Kind, Principal
from telcare.services import auth
from telcare.store.uow import Database
from tests.e2e.test_web_hall import log_in, token

ODD = [
    "\x00",
    "a\x00b",
    "\x1b[0m",
    str(10**30),
    "-" + str(10**30),
    "9999-12-31",
    "0001-01-01",
    "9999-12",
    "0000-00",
    "x" * 10_000,
]
ROLES = ["anonymous", "subscriber", "hq-staff"]
PLAIN = "1"  # the value of the other path parameters while one is odd


def _flat(dependant: Any, attr: str) -> list[Any]:
    found = list(getattr(dependant, attr))
    for sub in dependant.dependencies:
        found += _flat(sub, attr)
    return found


def get_routes(db: Database) -> list[tuple[str, list[str], list[str]]]:
    """(path, query parameter names, path parameter names) of every GET route."""
    routes = []
    for route in iter_route_contexts(create_app(db).routes):
        dependant = getattr(route, "dependant", None)
        if "GET" not in (route.methods or ()) or dependant is None:
            continue
        queries = sorted({p.alias for p in _flat(dependant, "query_params")})
        paths = sorted({p.alias for p in _flat(dependant, "path_params")})
        routes.append((route.path, queries, paths))
    return routes


def _url(path: str, names: list[str], odd: str | None = None, which: str = "") -> str:
    for name in names:
        value = odd if name == which and odd is not None else PLAIN
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


def requests(
    routes: list[tuple[str, list[str], list[str]]],
) -> Iterator[tuple[str, dict[str, str]]]:
    for path, queries, paths in routes:
        yield _url(path, paths), {}
        for odd in ODD:
            for name in queries:
                yield _url(path, paths), {name: odd}
            if queries and len(odd) < 100:  # all at once (httpx caps a URL at 64 KiB)
                yield _url(path, paths), dict.fromkeys(queries, odd)
            for name in paths:
                yield _url(path, paths, odd, name), {}


@pytest.fixture
def client(request: pytest.FixtureRequest, db: Database) -> TestClient:
    role = request.param
    client = TestClient(create_app(db), raise_server_exceptions=False)
    client.headers["X-CSRF-Token"] = token(client.get("/hall/login").text)
    if role == "subscriber":
        client.headers["X-CSRF-Token"] = log_in(client, db, "13800138000")
        who = Principal(Kind.SUBSCRIBER, "13800138000", "BJ")
    elif role == "hq-staff":
        who = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
    else:
        return client
    client.headers["Authorization"] = f"Bearer {auth.issue_token(who, secret_key())}"
    return client


@pytest.mark.parametrize("client", ROLES, indirect=True)
def test_no_get_route_answers_5xx_to_odd_values(client: TestClient, db: Database) -> None:
    failures = []
    for url, query in requests(get_routes(db)):
        answer = client.get(url, params=query, follow_redirects=False)
        if answer.status_code >= 500:
            shown = {k: v[:20] for k, v in query.items()}
            failures.append(f"{answer.status_code} {url[:80]} {shown}")
    assert not failures, "\n".join(failures)


def test_the_walk_covers_the_routes_with_parameters(db: Database) -> None:
    routes = {path: queries for path, queries, _ in get_routes(db)}
    assert {"since", "until", "page"} <= set(routes["/hall/ledger"])
    assert "month" in routes["/staff/quality/"]
    assert "severity" in routes["/staff/complaints/"]
    assert re.search(r"\{id\}", " ".join(routes))


def form_routes(db: Database) -> list[tuple[str, list[str], list[str]]]:
    """(path, form field names, path parameter names) of every page POST, but logging out."""
    routes = []
    for route in iter_route_contexts(create_app(db).routes):
        dependant = getattr(route, "dependant", None)
        if "POST" not in (route.methods or ()) or dependant is None or route.include_in_schema:
            continue
        if route.path.endswith("/logout"):
            continue
        fields = _flat(dependant, "body_params")
        forms = sorted(
            f.alias
            for f in fields
            if isinstance(f.field_info, params.Form) and not isinstance(f.field_info, params.File)
        )
        paths = sorted({p.alias for p in _flat(dependant, "path_params")})
        routes.append((route.path, forms, paths))
    return routes


@pytest.mark.parametrize("client", ROLES, indirect=True)
def test_no_form_answers_5xx_to_a_nul(client: TestClient, db: Database) -> None:
    failures = []
    for path, forms, paths in form_routes(db):
        for odd in ("a\x00b", "\x00"):
            url = _url(path, paths)
            answer = client.post(url, data=dict.fromkeys(forms, odd), follow_redirects=False)
            if answer.status_code >= 500:
                failures.append(f"{answer.status_code} POST {url} {forms}")
    assert not failures, "\n".join(failures)


def _sample(doc: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    """A value for ``schema`` with a NUL in every string (the first enum value, 1, true...)."""
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].split("/")[-1]]
    if "anyOf" in schema:
        return _sample(doc, next(s for s in schema["anyOf"] if s.get("type") != "null"), depth)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {}) if depth < 5 else {}
        return {k: _sample(doc, v, depth + 1) for k, v in props.items()}
    if kind == "array":
        return [_sample(doc, schema.get("items", {}), depth + 1)]
    return {"integer": 1, "number": 1, "boolean": True}.get(str(kind), "a\x00b")


@pytest.mark.parametrize("client", ROLES, indirect=True)
def test_no_json_operation_answers_5xx_to_a_nul(client: TestClient) -> None:
    app: Any = client.app
    doc = app.openapi()
    failures, sent = [], 0
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if method not in ("post", "put", "patch") or body is None:
                continue
            url = re.sub(r"\{[^}]+\}", PLAIN, path)
            payload = _sample(doc, body["schema"])
            headers = {"Idempotency-Key": f"odd-{method}-{url}"}
            answer = client.request(method.upper(), url, json=payload, headers=headers)
            sent += 1
            if answer.status_code >= 500:
                failures.append(f"{answer.status_code} {method.upper()} {url}")
    assert sent > 20 and not failures, "\n".join(failures)
