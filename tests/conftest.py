"""Shared fixtures: migrated databases on SQLite and, when configured, PostgreSQL.

PostgreSQL tests run when ``TELCARE_TEST_PG_URL`` is set; each test gets its own
schema. With ``TELCARE_REQUIRE_PG=1`` (CI) a skipped or absent PostgreSQL test
fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from telcare.services.seed import seed_demo
from telcare.store.migrate import upgrade
from telcare.store.uow import Database

PG_URL = os.environ.get("TELCARE_TEST_PG_URL", "")
REQUIRE_PG = os.environ.get("TELCARE_REQUIRE_PG") == "1"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _driver_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test; dropped afterwards."""
    if not PG_URL:
        pytest.skip("TELCARE_TEST_PG_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_driver_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _url_for(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'telcare.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture(params=BACKENDS)
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on each backend."""
    url = _url_for(request.param, tmp_path, request)
    db = Database(url)
    upgrade(url, db.engine)
    yield db
    db.dispose()


@pytest.fixture
def db(empty_db: Database) -> Database:
    """A migrated database with the reference data and the demo fixtures (no bulk)."""
    seed_demo(empty_db, subscribers=3)
    return empty_db


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """The demo fixtures on SQLite only (channel tests)."""
    url = f"sqlite:///{tmp_path / 'telcare.db'}"
    database = Database(url)
    upgrade(url, database.engine)
    seed_demo(database, subscribers=3)
    yield database
    database.dispose()


# --- CI guard: PostgreSQL tests must run when required -----------------------------

_pg_outcomes: dict[str, int] = {"passed": 0, "skipped": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "postgres" in report.keywords and (report.when == "call" or report.skipped):
        if report.skipped:
            _pg_outcomes["skipped"] += 1
        elif report.passed:
            _pg_outcomes["passed"] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not REQUIRE_PG or hasattr(session.config, "workerinput"):
        return
    if _pg_outcomes["skipped"] or not _pg_outcomes["passed"]:
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(
            f"PostgreSQL tests required but {_pg_outcomes['skipped']} skipped, "
            f"{_pg_outcomes['passed']} passed",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
