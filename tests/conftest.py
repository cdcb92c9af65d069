"""Shared fixtures: migrated databases on SQLite and, when configured, PostgreSQL.

PostgreSQL tests run when ``TELCARE_TEST_PG_URL`` is set. Migrating and seeding
take seconds, so each is done once per test session into a template (a SQLite file,
a PostgreSQL template database) and every test gets a fresh copy of it: its own
file, or its own database made with ``CREATE DATABASE … TEMPLATE``. With
``TELCARE_REQUIRE_PG=1`` (CI) a skipped or absent PostgreSQL test fails the run.

``TELCARE_TEST_NOW`` (an ISO instant; Beijing time without an offset) starts the
test processes' clocks at that instant with time-machine (they tick on from there),
and each process a test starts at the test's own instant through ``TELCARE_CLOCK``:
the suite at a month's end, in quiet hours or on a leap day, whatever the date.
"""

from __future__ import annotations

import os
import secrets
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from time_machine import TimeMachineFixture

from telcare import clock
from telcare.antispam import classifier as spam_classifier
from telcare.config import get_settings, secret_problem
from telcare.demo.seed import seed_demo
from telcare.services.antispam import use_classifier
from telcare.store.migrate import upgrade
from telcare.store.uow import Database

PG_URL = os.environ.get("TELCARE_TEST_PG_URL", "")
REQUIRE_PG = os.environ.get("TELCARE_REQUIRE_PG") == "1"
TEST_NOW = os.environ.get("TELCARE_TEST_NOW", "")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

use_classifier(spam_classifier)  # as the entry points do: the services' spam model

# Outside demo mode the app needs a real signing key (telcare.config.secret_problem): the
# suite signs with its own, and builds production apps unless a test asks for demo mode.
if secret_problem(os.environ.get("TELCARE_SECRET_KEY", "")) is not None:
    os.environ["TELCARE_SECRET_KEY"] = "test-suite-" + secrets.token_urlsafe(32)
os.environ.pop("TELCARE_DEMO", None)
# Argon2id at OWASP's parameters costs ~50 ms a hash: the suite hashes with cheap ones
# (tests/e2e/test_password_hashes.py checks the production defaults).
os.environ.setdefault("TELCARE_PASSWORD_HASH_MEMORY_KIB", "256")
os.environ.setdefault("TELCARE_PASSWORD_HASH_TIME_COST", "1")
get_settings.cache_clear()


if TEST_NOW:  # this process runs from that instant on; clock.now() follows time-machine
    time_machine.travel(clock.parse_instant(TEST_NOW), tick=True).start()
    clock.start_at(None)
    os.environ[clock.ENV] = clock.now().isoformat()  # for processes started outside a test


@pytest.fixture(autouse=True)
def clock_for_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Processes a test starts begin at the test's own instant."""
    if TEST_NOW:
        monkeypatch.setenv(clock.ENV, clock.now().isoformat())


def pytest_report_header() -> str:
    return f"clock: {'pinned to ' + TEST_NOW if TEST_NOW else 'the real time'}"


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


def _seed_small(db: Database) -> None:
    seed_demo(db, subscribers=3)


def _no_seed(_db: Database) -> None:
    pass


def seeded_at(instant: datetime) -> Callable[[Database], None]:
    """A template fill: the small demo seeded with the clock stopped at ``instant``."""

    def fill(db: Database) -> None:
        with time_machine.travel(instant, tick=False):
            _seed_small(db)

    fill.__name__ = f"seed_small_at_{instant:%Y%m%dT%H%M%S%z}"
    return fill


class Templates:
    """Migrated (and seeded) databases built once per session, copied per test."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files: dict[str, Path] = {}
        self._pg: dict[str, str] = {}
        self._admin = (
            create_engine(_driver_url(PG_URL), isolation_level="AUTOCOMMIT") if PG_URL else None
        )

    def _build(self, url: str, fill: Callable[[Database], None]) -> None:
        db = Database(url)
        upgrade(url, db.engine)
        fill(db)
        db.dispose()

    def sqlite(self, fill: Callable[[Database], None], dest: Path) -> str:
        """A copy of the template file at ``dest``; its URL."""
        if fill.__name__ not in self._files:
            path = self.folder / f"{fill.__name__}.db"
            self._build(f"sqlite:///{path}", fill)  # closing checkpoints the WAL into the file
            self._files[fill.__name__] = path
        shutil.copyfile(self._files[fill.__name__], dest)
        return f"sqlite:///{dest}"

    def postgresql(self, fill: Callable[[Database], None]) -> Iterator[str]:
        """A database created from the template; dropped afterwards."""
        if not PG_URL or self._admin is None:
            pytest.skip("TELCARE_TEST_PG_URL is not set")
        if fill.__name__ not in self._pg:
            name = f"tpl_{uuid.uuid4().hex[:12]}"
            self._create(name)
            self._build(self._url(name), fill)
            self._pg[fill.__name__] = name
        name = f"t_{uuid.uuid4().hex[:12]}"
        self._create(name, template=self._pg[fill.__name__])
        try:
            yield self._url(name)
        finally:
            self._drop(name)

    def close(self) -> None:
        for name in self._pg.values():
            self._drop(name)
        if self._admin is not None:
            self._admin.dispose()

    @staticmethod
    def _url(database: str) -> str:
        return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)

    def _create(self, name: str, template: str | None = None) -> None:
        assert self._admin is not None
        extra = f' TEMPLATE "{template}"' if template else ""
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{extra}'))

    def _drop(self, name: str) -> None:
        assert self._admin is not None
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    made = Templates(tmp_path_factory.mktemp("templates"))
    yield made
    made.close()


def copy_template(
    backend: str,
    fill: Callable[[Database], None],
    templates: Templates,
    tmp_path: Path,
) -> Iterator[Database]:
    if backend == "sqlite":
        db = Database(templates.sqlite(fill, tmp_path / "telcare.db"))
        yield db
        db.dispose()
        return
    for url in templates.postgresql(fill):
        db = Database(url)
        yield db
        db.dispose()


def db_at(
    instant: datetime,
    backend: str,
    templates: Templates,
    tmp_path: Path,
    time_machine: TimeMachineFixture,
) -> Iterator[Database]:
    """The small demo as seeded at ``instant``, with the test's clock starting there too."""
    time_machine.move_to(instant)
    yield from copy_template(backend, seeded_at(instant), templates, tmp_path)


@pytest.fixture(params=BACKENDS)
def empty_db(
    request: pytest.FixtureRequest, templates: Templates, tmp_path: Path
) -> Iterator[Database]:
    """A migrated, empty database on each backend."""
    yield from copy_template(request.param, _no_seed, templates, tmp_path)


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, templates: Templates, tmp_path: Path) -> Iterator[Database]:
    """A migrated database with the reference data and the demo fixtures (no bulk)."""
    yield from copy_template(request.param, _seed_small, templates, tmp_path)


@pytest.fixture
def sqlite_db(templates: Templates, tmp_path: Path) -> Iterator[Database]:
    """The demo fixtures on SQLite only (channel tests)."""
    yield from copy_template("sqlite", _seed_small, templates, tmp_path)


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
