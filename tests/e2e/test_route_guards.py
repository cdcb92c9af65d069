"""Every route of the app (API and pages, demo and production) declares who may call it:
public, one kind of caller, or an action of the role matrix (issue #15). A new route
without a declaration fails here with the line to add."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from telcare.channels import guards
from telcare.channels.api.app import create_app
from telcare.domain import roles
from telcare.store.uow import Database

HOW = """
Declare who may call it, in the route decorator (see CONTRIBUTING.md, "A route"):
  - an action of the role matrix:  dependencies=[requires("area.thing.verb")]
      (from telcare.channels.guards import requires; add the action to
       telcare/domain/roles.py MATRIX if it is new, and check it in the service
       with roles.require(who, "area.thing.verb"))
  - open to anyone:                dependencies=[public("why it is public")]
  - one kind of caller only:       a dependency marked @guards.kind_guard(Role.X)
      (require_msisdn for hall pages, require_sp, current_merchant)
  - a mount or a plain Starlette route (no FastAPI dependencies) that is public:
      its path in PUBLIC_PATHS of telcare/channels/guards.py"""


@dataclass(frozen=True)
class Declared:
    methods: str
    path: str
    endpoint: str
    found: tuple[tuple[str, str], ...]


def _declarations(dependant: Any) -> list[tuple[str, str]]:
    found = []
    for sub in dependant.dependencies:
        mark = guards.declaration(sub.call)
        if mark is not None:
            found.append(mark)
        found += _declarations(sub)
    return found


def walk(db: Database, *, demo: bool, app: FastAPI | None = None) -> list[Declared]:
    """Every route of ``create_app(db, demo=demo)`` (or ``app``) with what it declares."""
    routes = []
    for route in iter_route_contexts((app or create_app(db, demo=demo)).routes):
        dependant = getattr(route, "dependant", None)
        endpoint = getattr(route, "endpoint", None)
        name = f"{endpoint.__module__}:{endpoint.__name__}" if endpoint else "(mount)"
        methods = ",".join(sorted(set(getattr(route, "methods", None) or ()) - {"HEAD"}))
        found = tuple(dict.fromkeys(_declarations(dependant))) if dependant else ()
        routes.append(Declared(methods, route.path, name, found))
    return routes


def undeclared(routes: list[Declared]) -> tuple[list[str], list[str]]:
    """Routes that declare nothing, and routes that declare more than one kind of guard."""
    missing, doubled = set(), set()
    for r in routes:
        if r.path in guards.PUBLIC_PATHS:
            continue
        line = f"  {r.methods} {r.path}  ({r.endpoint})"
        if not r.found:
            missing.add(line)
        elif len({kind for kind, _ in r.found}) > 1 or (
            r.found[0][0] == "public" and len(r.found) > 1
        ):
            doubled.add(f"{line}: {r.found}")
    return sorted(missing), sorted(doubled)


def test_every_route_declares_who_may_call_it(sqlite_db: Database) -> None:
    routes = walk(sqlite_db, demo=False) + walk(sqlite_db, demo=True)
    missing, doubled = undeclared(routes)
    assert not missing, "Routes that declare no caller:\n" + "\n".join(missing) + HOW
    assert not doubled, "Routes that declare more than one kind of guard:\n" + "\n".join(doubled)


def test_every_declared_action_is_in_the_matrix(sqlite_db: Database) -> None:
    actions = {
        value for r in walk(sqlite_db, demo=True) for kind, value in r.found if kind == "action"
    }
    kinds = {value for r in walk(sqlite_db, demo=True) for kind, value in r.found if kind == "kind"}
    assert actions <= set(roles.MATRIX)
    assert kinds <= {role.value for role in roles.Role} | {"staff"}  # "staff": staff sockets
    assert "merchant.create" in actions and "antispam.sender.flag" in actions


def test_a_new_route_without_a_declaration_is_named(sqlite_db: Database) -> None:
    app = create_app(sqlite_db)

    @app.get("/metrics")
    def metrics() -> str:
        return ""

    @app.get("/chat", dependencies=[guards.public("x"), guards.requires("console.view")])
    def chat() -> str:
        return ""

    missing, doubled = undeclared(walk(sqlite_db, demo=False, app=app))
    assert [line.split("(")[0].strip() for line in missing] == ["GET /metrics"]
    assert len(doubled) == 1 and "GET /chat" in doubled[0]
