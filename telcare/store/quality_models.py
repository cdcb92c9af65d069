"""Quality tables: monthly snapshots of computed indicator values."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import Base


class QualitySnapshot(Base):
    """One indicator value as computed for a province (or ``HQ``) and month.

    ``dim``/``dim_value`` are empty for the undimensioned value; ``value`` is NULL
    when there was no data. Recomputing a month replaces its rows.
    """

    __tablename__ = "quality_snapshot"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer)
    province: Mapped[str] = mapped_column(String(2))
    month: Mapped[str] = mapped_column(String(7))
    dim: Mapped[str] = mapped_column(String(20), default="")
    dim_value: Mapped[str] = mapped_column(String(40), default="")
    numerator: Mapped[float] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    value: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[datetime]
    __table_args__ = (
        UniqueConstraint("indicator", "version", "province", "month", "dim", "dim_value"),
        Index("ix_quality_snapshot_month_province", "month", "province"),
    )
