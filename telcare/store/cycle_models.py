"""The monthly cycle's tables: one row per periodic job run, one per renewed subscription month."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import BIG_ID, Base


class JobRun(Base):
    """One run of a periodic job for one period (``2027-01``, ``2027-01-01``, …).

    The unique (job, period) pair makes a period run once; ``lease_until`` is the
    claim of the worker running it (renewed as it works), so a second worker skips
    it and a killed worker's run is taken over once the lease has lapsed.
    """

    __tablename__ = "job_run"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))
    owner: Mapped[str] = mapped_column(String(80), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime]
    lease_until: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("job", "period", name="uq_job_run_job_period"),
        CheckConstraint("status in ('running','done','failed')", name="status"),
    )


class Renewal(Base):
    """A subscription renewed (or not) for one month: the guard of its monthly fee.

    Written in the same transaction as the fee's ledger entry, so a month is charged
    at most once per subscription whatever crashes or re-runs.
    """

    __tablename__ = "renewal"
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscription.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"))
    product_code: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(10))
    fee_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint("outcome in ('charged','free','lapsed')", name="outcome"),
        Index("ix_renewal_subscriber_month", "subscriber_id", "month"),
    )
