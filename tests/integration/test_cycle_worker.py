"""The worker: each job once per period, the database claim, failures retried, catch-up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from time_machine import TimeMachineFixture

from telcare.domain.errors import InvalidInput
from telcare.services import cycle, selfcare
from telcare.services.cycle import jobs, runs
from telcare.store.cycle_models import JobRun
from telcare.store.uow import Database
from tests.conftest import BACKENDS, Templates, db_at

SEEDED = datetime(2026, 12, 10, 4, tzinfo=UTC)
NEW_YEAR = datetime.fromisoformat("2027-01-01T00:05:00+08:00")


@pytest.fixture(params=BACKENDS)
def wdb(
    request: pytest.FixtureRequest,
    templates: Templates,
    tmp_path: Path,
    time_machine: TimeMachineFixture,
) -> Iterator[Database]:
    for db in db_at(SEEDED, request.param, templates, tmp_path, time_machine):
        time_machine.move_to(NEW_YEAR)
        yield db


def test_every_job_runs_once_per_period(wdb: Database) -> None:
    ran = cycle.run_due(wdb, owner="w1")
    # at 00:05 on 1 January: the renewals (00:00) and the hourly jobs; the others
    # fall due later in the day (a new job does not go back to the period before)
    assert {r.job for r in ran} == {"renewals", "survey_expiry", "sla_escalation"}
    assert all(r.status == "done" for r in ran), [r.error for r in ran if r.error]
    renewals = next(r for r in ran if r.job == "renewals")
    assert renewals.period == "2027-01" and renewals.result is not None
    assert selfcare.overview(wdb, "13800138000").balance_fen == 10000 - 8800
    assert cycle.run_due(wdb, owner="w2") == []  # nothing due any more
    later = cycle.run_due(wdb, owner="w2", now=NEW_YEAR + timedelta(hours=6))
    assert {r.job for r in later} == {j.spec.name for j in jobs.JOBS} - {
        "fee_reminders",
        "renewals",
    }
    assert all(r.status == "done" for r in later), [r.error for r in later if r.error]
    assert selfcare.overview(wdb, "13800138000").balance_fen == 1200
    shown = {s.name: s for s in cycle.status(wdb)}
    assert shown["renewals"].last_status == "done"
    assert shown["renewals"].next_run == datetime.fromisoformat("2027-02-01T00:00:00+08:00")
    assert shown["points_accrual"].next_run == datetime.fromisoformat("2027-01-01T01:00+08:00")


def test_a_claimed_period_is_not_run_by_a_second_worker(wdb: Database) -> None:
    first = runs.claim(wdb, "renewals", "2027-01", "w1", timedelta(minutes=2))
    assert first is not None
    assert runs.claim(wdb, "renewals", "2027-01", "w2", timedelta(minutes=2)) is None
    ran = cycle.run_due(wdb, owner="w2", only=["renewals"])
    assert [(r.job, r.status) for r in ran] == [("renewals", "skipped")]
    assert selfcare.overview(wdb, "13800138000").balance_fen == 10000  # w1 still holds it


def test_a_dead_workers_lapsed_lease_is_taken_over(
    wdb: Database, time_machine: TimeMachineFixture
) -> None:
    assert runs.claim(wdb, "renewals", "2027-01", "dead", timedelta(seconds=30)) is not None
    time_machine.move_to(NEW_YEAR + timedelta(seconds=31))
    ran = cycle.run_due(wdb, owner="w2", only=["renewals"])
    assert [(r.job, r.status) for r in ran] == [("renewals", "done")]
    with wdb.read() as uow:
        row = uow.session.scalars(select(JobRun).where(JobRun.job == "renewals")).one()
        assert (row.owner, row.attempts, row.status) == ("w2", 2, "done")


def test_a_failed_run_is_recorded_and_retried(
    wdb: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> dict[str, object]:
        raise RuntimeError("database went away")

    spec = jobs.BY_NAME["renewals"].spec
    monkeypatch.setitem(jobs.BY_NAME, "renewals", jobs.Job(spec, broken))
    monkeypatch.setattr(jobs, "JOBS", (jobs.BY_NAME["renewals"],))
    import telcare.services.cycle.worker as worker

    monkeypatch.setattr(worker, "JOBS", jobs.JOBS)
    ran = cycle.run_due(wdb, owner="w1")
    assert [(r.status, r.error) for r in ran] == [("failed", "RuntimeError: database went away")]
    assert cycle.status(wdb)[0].last_status == "failed"
    monkeypatch.undo()
    again = cycle.run_due(wdb, owner="w1", only=["renewals"])
    assert [(r.period, r.status) for r in again] == [("2027-01", "done")]


def test_catch_up_after_downtime_renews_every_missed_month(
    wdb: Database, time_machine: TimeMachineFixture
) -> None:
    assert cycle.run_due(wdb, owner="w1", only=["renewals"])[0].status == "done"
    time_machine.move_to(datetime.fromisoformat("2027-03-02T09:00:00+08:00"))  # down 2 months
    ran = cycle.run_due(wdb, owner="w1", only=["renewals"])
    assert [(r.period, r.status) for r in ran] == [("2027-02", "done"), ("2027-03", "done")]
    assert selfcare.overview(wdb, "13800138000").balance_fen == 10000 - 3 * 8800


def test_an_unknown_job_is_refused(wdb: Database) -> None:
    with pytest.raises(InvalidInput):
        cycle.run_due(wdb, only=["nope"])
