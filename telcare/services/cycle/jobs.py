"""The periodic jobs: what each runs, how often and when (the worker's table).

Each job wraps the service that does the work (the same one a CLI command or a
staff button calls) and returns its figures as a flat dict for ``job_run.result``.
Every wrapped service is idempotent for its period, so a run taken over after a
crash only finishes what the dead worker left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from telcare.config import get_settings
from telcare.domain import schedule
from telcare.domain.schedule import Cadence, JobSpec
from telcare.services import complaints, loyalty, partners, quality, surveys
from telcare.services.cycle.reminders import remind_fees
from telcare.services.cycle.renewals import renew_month
from telcare.services.cycle.statements import notify_ready
from telcare.services.quality import discipline

Result = dict[str, Any]
Runner = Callable[[Any, str, datetime, Callable[[], None]], Result]


@dataclass(frozen=True, slots=True)
class Job:
    spec: JobSpec
    run: Runner  # run(db, period, now, beat) -> figures


def _renewals(db: Any, period: str, now: datetime, beat: Callable[[], None]) -> Result:
    return renew_month(db, period, now=now, beat=beat).as_dict()


def _accrual(db: Any, period: str, now: datetime, beat: Callable[[], None]) -> Result:
    return asdict(loyalty.accrue(db, now=now))


def _expiry(db: Any, period: str, now: datetime, beat: Callable[[], None]) -> Result:
    return asdict(loyalty.expire(db, int(period) - 2, now=now))


def _code_refunds(db: Any, period: str, now: datetime, beat: Callable[[], None]) -> Result:
    return asdict(loyalty.refund_expired_codes(db, now=now))


def _sp_month(db: Any, period: str, now: datetime, beat: Callable[[], None]) -> Result:
    """This month's SP fees, then last month's scores, policy and settlement."""
    last = schedule.previous_key(Cadence.MONTHLY, period)
    fees = partners.run_fees(db, period, now=now)
    beat()
    scored = partners.run_month(db, last, now=now)
    beat()
    settled = partners.run_settlement(db, last, now=now)
    return {
        "fees_month": period, "fees_charged": fees.charged, "fees_fen": fees.charged_fen,
        "scored_month": last, "sps_scored": len(scored), "settlements": len(settled),
    }  # fmt: skip


def _surveys(db: Any, period: str, now: datetime, beat: Callable[[], None]) -> Result:
    return {"expired": surveys.expire(db, now=now)}


def _sla(db: Any, period: str, now: datetime, beat: Callable[[], None]) -> Result:
    node = get_settings().province.upper()
    return {"node": node, "escalated": complaints.sweep_escalations(db, node=node, now=now)}


def _quality(db: Any, period: str, now: datetime, beat: Callable[[], None]) -> Result:
    last = schedule.previous_key(Cadence.MONTHLY, period)
    return {"month": last, "figures": quality.store_snapshot(db, quality.compute(db, [last]), now)}


def _discipline(db: Any, period: str, now: datetime, beat: Callable[[], None]) -> Result:
    """Breaches of the five prohibitions found in the data: one discipline case each."""
    return {"cases_opened": discipline.detect(db, now=now)}


def _statements(db: Any, period: str, now: datetime, beat: Callable[[], None]) -> Result:
    last = schedule.previous_key(Cadence.MONTHLY, period)
    return {"month": last, "sms": notify_ready(db, last, now=now)}


def _fee_reminders(db: Any, period: str, now: datetime, beat: Callable[[], None]) -> Result:
    """On the 25th (a monthly job 24 days and 10 hours after the 1st)."""
    return {"month": period, "sms": remind_fees(db, period, now=now)}


def _h(hours: float) -> timedelta:
    return timedelta(hours=hours)


JOBS: tuple[Job, ...] = (
    Job(JobSpec("renewals", Cadence.MONTHLY, catch_up=True), _renewals),
    Job(JobSpec("points_accrual", Cadence.DAILY, _h(1)), _accrual),
    Job(JobSpec("points_expiry", Cadence.YEARLY, _h(2)), _expiry),
    Job(JobSpec("code_refunds", Cadence.DAILY, _h(3)), _code_refunds),
    Job(JobSpec("sp_month", Cadence.MONTHLY, _h(4), catch_up=True),
        _sp_month),
    Job(JobSpec("quality_month", Cadence.MONTHLY, _h(5), catch_up=True), _quality),
    Job(JobSpec("discipline_detect", Cadence.DAILY, _h(4.5)),
        _discipline),
    Job(JobSpec("statements", Cadence.MONTHLY, _h(6), catch_up=True), _statements),
    Job(JobSpec("fee_reminders", Cadence.MONTHLY, timedelta(days=24, hours=10)),
        _fee_reminders),
    Job(JobSpec("survey_expiry", Cadence.HOURLY), _surveys),
    Job(JobSpec("sla_escalation", Cadence.HOURLY, timedelta(minutes=5)), _sla),
)  # fmt: skip
BY_NAME = {job.spec.name: job for job in JOBS}
