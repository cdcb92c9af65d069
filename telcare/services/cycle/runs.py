"""Job runs: claiming a job's period (the database lock), renewing the lease, recording the end.

A claim is one short transaction. It inserts the ``job_run`` row of (job, period);
the unique pair means only one worker's insert can succeed. A worker that finds
the row takes it over only if it failed or its lease lapsed (a killed worker),
with one conditional ``UPDATE``, so of two workers at most one gets it. Portable:
PostgreSQL and SQLite both serialise these writes on the row or the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from telcare import clock
from telcare.store.cycle_models import JobRun
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class Claim:
    """A job's period this worker holds until :func:`finish`."""

    run_id: int
    job: str
    period: str
    owner: str
    lease: timedelta


def claim(db: Database, job: str, period: str, owner: str, lease: timedelta) -> Claim | None:
    """Take (job, period) for this worker, or ``None`` if done or held by another."""
    now = clock.now()
    try:
        with db.uow() as uow:
            row = JobRun(
                job=job,
                period=period,
                status="running",
                owner=owner[:80],
                attempts=1,
                started_at=now,
                lease_until=now + lease,
            )
            uow.session.add(row)
            uow.session.flush()
            run_id = row.id
            uow.commit()
            return Claim(run_id, job, period, owner, lease)
    except IntegrityError:
        pass
    with db.uow() as uow:
        taken = uow.session.execute(
            update(JobRun)
            .where(
                JobRun.job == job,
                JobRun.period == period,
                or_(
                    JobRun.status == "failed",
                    and_(JobRun.status == "running", JobRun.lease_until < now),
                ),
            )
            .values(
                status="running",
                owner=owner[:80],
                attempts=JobRun.attempts + 1,
                started_at=now,
                lease_until=now + lease,
                error=None,
            )
            .returning(JobRun.id)
        ).first()
        uow.commit()
    return None if taken is None else Claim(taken[0], job, period, owner, lease)


def beat(db: Database, held: Claim) -> None:
    """Renew the lease (call between batches of a long job)."""
    with db.uow() as uow:
        uow.session.execute(
            update(JobRun)
            .where(JobRun.id == held.run_id, JobRun.owner == held.owner[:80])
            .values(lease_until=clock.now() + held.lease)
        )
        uow.commit()


def finish(db: Database, held: Claim, result: dict[str, Any] | None, error: str | None) -> None:
    """Record the end of the run: done with its result, or failed with its error."""
    with db.uow() as uow:
        uow.session.execute(
            update(JobRun)
            .where(JobRun.id == held.run_id)
            .values(
                status="failed" if error else "done",
                finished_at=clock.now(),
                result=result,
                error=error[:2000] if error else None,
            )
        )
        uow.commit()


def last_done(db: Database) -> dict[str, str]:
    """Each job's latest period done."""
    with db.read() as uow:
        rows = uow.session.execute(
            select(JobRun.job, func.max(JobRun.period))
            .where(JobRun.status == "done")
            .group_by(JobRun.job)
        )
        return {job: period for job, period in rows}


@dataclass(frozen=True, slots=True)
class LastRun:
    job: str
    period: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    result: dict[str, Any] | None
    error: str | None


def latest_runs(db: Database) -> dict[str, LastRun]:
    """Each job's most recently started run, whatever its status."""
    with db.read() as uow:
        latest = select(func.max(JobRun.id)).group_by(JobRun.job)
        rows = uow.session.scalars(select(JobRun).where(JobRun.id.in_(latest)))
        return {
            r.job: LastRun(
                r.job, r.period, r.status, r.started_at, r.finished_at, r.result, r.error
            )
            for r in rows
        }
