"""The worker's use cases: run every periodic job due (once per period), and list the jobs.

:func:`run_due` asks each job which periods are due at ``now`` after its last done
one (:func:`telcare.domain.schedule.due_periods`: every missed period for a
catch-up job, the latest otherwise), claims each period in the database
(:func:`.runs.claim`), runs it and records the outcome. A failure is recorded
and retried by the next run; it never stops the other jobs.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telcare import clock
from telcare.domain import schedule
from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_, render
from telcare.services.cycle import runs
from telcare.services.cycle.jobs import BY_NAME, JOBS, Job
from telcare.store.uow import Database

LEASE = timedelta(minutes=2)
_log = logging.getLogger(__name__)


def default_owner() -> str:
    """This worker's name in ``job_run.owner``: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class Ran:
    """One period a worker ran (or found taken)."""

    job: str
    period: str
    status: str  # done, failed, skipped (another worker holds or did it)
    result: dict[str, Any] | None = None
    error: str | None = None


def run_due(
    db: Database,
    *,
    now: datetime | None = None,
    owner: str | None = None,
    lease: timedelta = LEASE,
    only: list[str] | None = None,
) -> list[Ran]:
    """Run every period due at ``now`` of every job (or of the ``only`` ones), once."""
    now = now or clock.now()
    owner = owner or default_owner()
    for name in only or []:
        if name not in BY_NAME:
            raise InvalidInput(N_("cycle.unknown_job"), job=name)
    done = runs.last_done(db)
    out = []
    for job in JOBS:
        if only and job.spec.name not in only:
            continue
        for period in schedule.due_periods(job.spec, now, done.get(job.spec.name)):
            out.append(_run_one(db, job, period, now, owner, lease))
    return out


def _run_one(
    db: Database, job: Job, period: str, now: datetime, owner: str, lease: timedelta
) -> Ran:
    name = job.spec.name
    held = runs.claim(db, name, period, owner, lease)
    if held is None:
        return Ran(name, period, "skipped")
    try:
        result = job.run(db, period, now, lambda: runs.beat(db, held))
    except Exception as exc:  # recorded and retried by the next run
        _log.exception("job %s %s failed", name, period)
        error = f"{type(exc).__name__}: {exc}"
        runs.finish(db, held, None, error)
        return Ran(name, period, "failed", error=error)
    runs.finish(db, held, result, None)
    return Ran(name, period, "done", result)


@dataclass(frozen=True, slots=True)
class JobStatus:
    """A job as ``telcare jobs`` and the staff console show it."""

    name: str
    cadence: str
    last_period: str | None
    last_status: str | None
    last_started: datetime | None
    last_finished: datetime | None
    last_result: dict[str, Any] | None
    last_error: str | None
    next_run: datetime

    def title(self, lang: str) -> str:
        return render(f"job.{self.name}", lang)


def status(db: Database, *, now: datetime | None = None) -> list[JobStatus]:
    """Every job with its latest run and when it runs next."""
    now = now or clock.now()
    done = runs.last_done(db)
    latest = runs.latest_runs(db)
    out = []
    for job in JOBS:
        spec = job.spec
        last = latest.get(spec.name)
        out.append(
            JobStatus(
                spec.name,
                spec.cadence.value,
                last.period if last else None,
                last.status if last else None,
                last.started_at if last else None,
                last.finished_at if last else None,
                last.result if last else None,
                last.error if last else None,
                schedule.next_run(spec, now, done.get(spec.name)),
            )
        )
    return out
