"""Stored figures: writing a computed month as snapshots and reading one month back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select

from telcare import clock
from telcare.domain import quality as q
from telcare.services.quality.figures import Result
from telcare.store.quality_models import QualitySnapshot
from telcare.store.uow import Database


def store_snapshot(db: Database, result: Result, now: datetime | None = None) -> int:
    """Write (replace) the result's months as snapshots; returns the rows written."""
    at = now or clock.now()
    rows = [
        {
            "indicator": f.code, "version": q.BY_CODE[f.code].version, "province": f.province,
            "month": f.month, "dim": f.dim, "dim_value": f.dim_value, "numerator": f.numerator,
            "denominator": f.denominator, "value": f.value, "computed_at": at,
        }
        for f in [*result.figures.values(), *result.dims]
    ]  # fmt: skip
    with db.uow() as uow:
        uow.session.execute(delete(QualitySnapshot).where(QualitySnapshot.month.in_(result.months)))
        if rows:
            uow.session.execute(insert(QualitySnapshot), rows)
        uow.commit()
    return len(rows)


def load_snapshot(db: Database, month: str) -> dict[tuple[str, str], float | None]:
    """Stored values of one month by (indicator, province), undimensioned."""
    t = QualitySnapshot.__table__
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(t.c.indicator, t.c.province, t.c.value).where(t.c.month == month, t.c.dim == "")
        ).all()
    return {(str(i), str(p)): v for i, p, v in rows}
