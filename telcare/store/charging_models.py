"""Charging tables: rated usage records, allowance use, daily charges, ingest jobs, reminders."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import Base


class UsageRecord(Base):
    """One rated usage record; ``record_id`` makes each record rated at most once.

    Written in bulk (COPY on PostgreSQL), so it has one index beyond its key: on
    ``msisdn``, for a subscriber's itemised usage (an index on ``(msisdn,
    started_at)`` would cost ingest about twice as much; see docs/charging.md).
    ``charge_ufen`` is the exact charge in micro-fen before the daily rounding.
    """

    __tablename__ = "usage_record"
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(11), index=True)
    service: Mapped[str] = mapped_column(String(5))
    started_at: Mapped[datetime]
    volume: Mapped[int] = mapped_column(BigInteger)
    roaming: Mapped[bool] = mapped_column(Boolean)
    peer: Mapped[str] = mapped_column(String(32), default="")
    units: Mapped[int] = mapped_column(BigInteger)  # KB, started minutes, messages
    covered: Mapped[int] = mapped_column(BigInteger)  # units drawn from allowances
    charge_ufen: Mapped[int] = mapped_column(BigInteger)
    job_id: Mapped[int] = mapped_column(Integer)


class AllowanceUsage(Base):
    """Units drawn from one subscription's allowance in one period.

    ``period`` is the calendar month (``YYYY-MM``, Asia/Shanghai) for monthly
    products and ``once`` for one-off promotions valid for some days.
    """

    __tablename__ = "allowance_usage"
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscription.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    data_kb: Mapped[int] = mapped_column(BigInteger, default=0)
    voice_min: Mapped[int] = mapped_column(BigInteger, default=0)
    sms: Mapped[int] = mapped_column(BigInteger, default=0)


class UsageDay(Base):
    """Usage and exact charges of one subscriber on one Asia/Shanghai day.

    ``charged_fen`` is what the ledger holds for the day: always the day's total
    µfen rounded once (half up), so later records move it by the difference.
    """

    __tablename__ = "usage_day"
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    data_kb: Mapped[int] = mapped_column(BigInteger, default=0)
    voice_min: Mapped[int] = mapped_column(BigInteger, default=0)
    sms: Mapped[int] = mapped_column(BigInteger, default=0)
    data_ufen: Mapped[int] = mapped_column(BigInteger, default=0)
    voice_ufen: Mapped[int] = mapped_column(BigInteger, default=0)
    sms_ufen: Mapped[int] = mapped_column(BigInteger, default=0)
    charged_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class IngestJob(Base):
    """One usage file being rated: a checkpoint committed with every chunk.

    ``status``: ``running``, ``done``, or ``failed`` (a run stopped by an error: ``error``).
    """

    __tablename__ = "ingest_job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(8), default="running")
    position: Mapped[int] = mapped_column(BigInteger, default=0)  # bytes (CSV) or rows
    lines: Mapped[int] = mapped_column(BigInteger, default=0)
    rated: Mapped[int] = mapped_column(BigInteger, default=0)
    duplicates: Mapped[int] = mapped_column(BigInteger, default=0)
    rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    charged_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    error: Mapped[str | None] = mapped_column(String(500))
    """Why the last run stopped (status ``failed``); a re-run resumes the job."""
    __table_args__ = (CheckConstraint("status in ('running','done','failed')", name="status"),)


class DataReminderSent(Base):
    """A data-usage threshold already reminded (or passed over) this month."""

    __tablename__ = "data_reminder_sent"
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscriber.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    threshold: Mapped[str] = mapped_column(String(40), primary_key=True)
    sent: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
