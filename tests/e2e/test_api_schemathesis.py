"""Schemathesis against the API's own OpenAPI document (``/tmf-api`` and ``/api``): no
500s, responses match it.

Each operation gets a bounded number of generated requests, sent once as a
subscriber and once as headquarters staff, so the protected paths are reached.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.generation.stateful.state_machine import APIStateMachine
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from telcare.channels.api.app import create_app
from telcare.config import secret_key
from telcare.demo.seed import seed_demo
from telcare.domain.access import Kind, Principal
from telcare.services import auth
from telcare.store.migrate import upgrade
from telcare.store.uow import Database

EXAMPLES = 12
STATEFUL_SCENARIOS = 25
TIMEOUT = 60  # seconds: the first spam report loads the classifier, slow on a busy machine


def _bearer(who: Principal) -> dict[str, str]:
    return {"Authorization": f"Bearer {auth.issue_token(who, secret_key())}"}


SUBSCRIBER = _bearer(Principal(Kind.SUBSCRIBER, "13800138000", "BJ"))
HQ_ADMIN = _bearer(Principal(Kind.STAFF, "hq-admin", "HQ", "admin"))


# The document is loaded at collection time; the database behind the app is
# migrated and seeded once for this module. (``schemathesis.pytest.from_fixture``
# would be tidier but does not work with pytest 9.)
_DIR = Path(tempfile.mkdtemp(prefix="telcare-schemathesis-"))
_URL = f"sqlite:///{_DIR / 'telcare.db'}"
_DB = Database(_URL)
_SEEDED = _DIR / "seeded.db"
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_DB)).include(
    path_regex=r"^/(tmf-api|api)/"
)


@pytest.fixture(scope="module", autouse=True)
def demo_database() -> Iterator[Database]:
    upgrade(_URL, _DB.engine)
    seed_demo(_DB, subscribers=3)
    _DB.dispose()  # the seeded file, kept: every stateful scenario starts from it
    shutil.copyfile(_DIR / "telcare.db", _SEEDED)
    yield _DB
    _DB.dispose()
    shutil.rmtree(_DIR, ignore_errors=True)


bounded = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
# Random IDs are rightly answered 404 and random orders 409, so valid data may be
# refused; and a negative case that drops the Authorization header gets it back
# from ``headers=`` (unknown query parameters are ignored, as FastAPI does).
EXCLUDED = [positive_data_acceptance, negative_data_rejection]
STATEFUL_EXCLUDED = EXCLUDED


@schema.parametrize()
@bounded
def test_api_as_subscriber(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=SUBSCRIBER, excluded_checks=EXCLUDED, timeout=TIMEOUT)


@schema.parametrize()
@bounded
def test_api_as_headquarters(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=HQ_ADMIN, excluded_checks=EXCLUDED, timeout=TIMEOUT)


# --- stateful: chains of calls over the links between operations ---------------------------
# Schemathesis infers the links (an ID from one answer fed to the operations that take it)
# from the document; each scenario is a short chain of calls, as one caller.

stateful = settings(
    max_examples=STATEFUL_SCENARIOS,
    stateful_step_count=6,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _workflow(headers: dict[str, str], seen: list[tuple[str, int]]) -> type[APIStateMachine]:
    base = schema.as_state_machine()

    class Workflow(base):  # type: ignore[misc,valid-type]
        def setup(self) -> None:
            """Each scenario from the seeded database: which links a scenario can follow
            depends on what earlier answers returned, and Hypothesis needs that to be the
            same whenever it replays a scenario."""
            _DB.dispose()
            for stale in ("telcare.db-wal", "telcare.db-shm"):
                (_DIR / stale).unlink(missing_ok=True)
            shutil.copyfile(_SEEDED, _DIR / "telcare.db")

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": headers, "timeout": TIMEOUT}

        def after_call(self, response: Any, case: schemathesis.Case) -> None:
            seen.append((case.operation.label, response.status_code))

        def validate_response(
            self,
            response: Any,
            case: schemathesis.Case,
            additional_checks: Any = None,
            **kwargs: Any,
        ) -> None:
            case.validate_response(
                response, excluded_checks=STATEFUL_EXCLUDED, transport_kwargs=kwargs
            )

    return Workflow


@pytest.mark.parametrize("who", ["subscriber", "headquarters"])
def test_api_stateful(who: str) -> None:
    seen: list[tuple[str, int]] = []
    workflow = _workflow(SUBSCRIBER if who == "subscriber" else HQ_ADMIN, seen)
    assert workflow.root_rules, "no links between operations"
    workflow.run(settings=stateful)  # fails on any 5xx or an answer off the document
    assert len(seen) > STATEFUL_SCENARIOS and all(status < 500 for _, status in seen)
    chained = {label for label, status in seen if "{" in label and status < 300}
    print(f"{len(seen)} calls; linked operations answered 2xx: {sorted(chained)}")
