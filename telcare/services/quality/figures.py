"""Computing the figures: one ``SELECT … GROUP BY province, month`` per indicator, drill-downs.

:func:`compute` runs every registered spec over the whole range of months; nothing
loops over rows in Python. ``PER10K`` indicators divide by the subscriber base at
each month's end. :func:`breakdown` splits one figure by a dimension and
:func:`details` lists the rows behind it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, func, literal, select

from telcare import clock
from telcare.domain import quality as q
from telcare.domain.provinces import HQ
from telcare.services.quality import (  # noqa: F401 (importing registers their specs)
    antispam_specs,
    callcentre_specs,
    charging_specs,
    complaint_specs,
    network,
)
from telcare.services.quality.specs import HQ_COL, PROVINCE_CODES, SPECS, SUB, Period, _in
from telcare.services.quality.sql import local_month
from telcare.store.uow import Database

# --- computing ----------------------------------------------------------------------


@dataclass
class Result:
    """Figures by (code, province, month); national figures are under ``HQ``."""

    months: list[str]
    figures: dict[tuple[str, str, str], q.Figure] = field(default_factory=dict)
    dims: list[q.Figure] = field(default_factory=list)

    def get(self, code: str, province: str, month: str) -> q.Figure | None:
        return self.figures.get((code, province, month))

    def value(self, code: str, province: str, month: str) -> float | None:
        f = self.get(code, province, month)
        return None if f is None else f.value

    def of(self, province: str, month: str) -> list[q.Figure]:
        return [f for (_, p, mo), f in self.figures.items() if p == province and mo == month]


def subscriber_base(db: Database, period: Period) -> dict[tuple[str, str], int]:
    """Subscribers not closed and created before each month's end, per province."""
    s = SUB
    live = s.c.status != "closed"
    month = local_month(s.c.created_at)
    with db.engine.connect() as conn:
        before = conn.execute(
            select(s.c.province_code, func.count())
            .where(live, s.c.created_at < period.start)
            .group_by(s.c.province_code)
        ).all()
        during = conn.execute(
            select(s.c.province_code, month, func.count())
            .where(live, _in(s.c.created_at, period))
            .group_by(s.c.province_code, month)
        ).all()
    running = {str(p): int(n) for p, n in before}
    added = {(str(p), str(mo)): int(n) for p, mo, n in during}
    base: dict[tuple[str, str], int] = {}
    for mo in period.months:
        for p in PROVINCE_CODES:
            running[p] = running.get(p, 0) + added.get((p, mo), 0)
            base[(p, mo)] = running[p]
    return base


def _aggregate(
    db: Database, code: str, period: Period, dim: str | None = None
) -> list[tuple[str, str, str, float, float | None]]:
    """``(province, month, dim value, numerator, denominator)`` rows of one indicator."""
    s = SPECS[code](period)
    d = s.dims[dim] if dim else literal("")
    month = s.month if s.month is not None else literal("")
    cols = [s.province.label("p"), month.label("m"), d.label("d"), s.num.label("n")]
    cols.append((s.den if s.den is not None else literal(None, Integer)).label("den"))
    stmt = select(*cols).select_from(s.source)
    if s.where is not None:
        stmt = stmt.where(s.where)
    grouped = (None if s.province is HQ_COL else s.province, s.month, s.dims[dim] if dim else None)
    stmt = stmt.group_by(*[c for c in grouped if c is not None])
    with db.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    out: list[tuple[str, str, str, float, float | None]] = []
    for p, mo, dv, n, den in rows:
        for month_ in period.months if s.month is None else [str(mo)]:
            out.append((str(p), month_, "" if dv is None else str(dv), float(n or 0),
                        None if den is None else float(den)))  # fmt: skip
    return out


def _figures(
    ind: q.Indicator,
    rows: Iterable[tuple[str, str, str, float, float | None]],
    base: Mapping[tuple[str, str], int],
    dim: str = "",
) -> list[q.Figure]:
    out = []
    for p, mo, dv, n, den in rows:
        if ind.kind is q.Kind.PER10K and den is None:  # else the spec's own base
            den = float(base.get((p, mo), 0))
        out.append(q.Figure(ind.code, p, mo, n, den, ind.value(n, den), dim, dv))
    return out


def compute(
    db: Database,
    months: Sequence[str],
    codes: Iterable[str] | None = None,
    *,
    now: datetime | None = None,
) -> Result:
    """Every (or the given) indicator for every province and the nation over ``months``,
    as of ``now`` (cases whose window is still open at ``now`` are not counted yet)."""
    period = Period(min(months), max(months), now or clock.now())
    result = Result(period.months)
    base = subscriber_base(db, period)
    for ind in q.INDICATORS if codes is None else [q.BY_CODE[c] for c in codes]:
        if not ind.available or ind.code not in SPECS:
            continue
        found = {(f.province, f.month): f for f in
                 _figures(ind, _aggregate(db, ind.code, period), base)}  # fmt: skip
        if ind.kind in (q.Kind.COUNT, q.Kind.PER10K) and not ind.national_only:
            for p in PROVINCE_CODES:  # nothing counted is a real zero
                for mo in period.months:
                    if (p, mo) not in found:
                        den = float(base[(p, mo)]) if ind.kind is q.Kind.PER10K else None
                        found[(p, mo)] = q.Figure(ind.code, p, mo, 0.0, den, ind.value(0.0, den))
        for f in found.values():
            result.figures[(ind.code, f.province, f.month)] = f
        if not ind.national_only:
            for mo in period.months:
                month_figs = [f for f in found.values() if f.month == mo]
                nat = q.combine(ind, month_figs, HQ)
                if nat is not None:
                    result.figures[(ind.code, HQ, mo)] = nat
        elif ind.kind is q.Kind.COUNT:
            for mo in period.months:
                key = (ind.code, HQ, mo)
                result.figures.setdefault(key, q.Figure(ind.code, HQ, mo, 0.0, None, 0.0))
    return result


def breakdown(db: Database, code: str, dim: str, month: str, province: str) -> list[q.Figure]:
    """One indicator split by a dimension (channel, product, SP) for a province or HQ."""
    ind = q.BY_CODE[code]
    period = Period(month, month, clock.now())
    if not ind.available or code not in SPECS or dim not in SPECS[code](period).dims:
        return []
    base = subscriber_base(db, period)
    rows = [r for r in _aggregate(db, code, period, dim) if province in (HQ, r[0])]
    if province == HQ:
        nat_base = {(HQ, month): sum(base[(p, month)] for p in PROVINCE_CODES)}
        by: dict[str, list[q.Figure]] = {}
        for f in _figures(ind, rows, base, dim):
            by.setdefault(f.dim_value, []).append(f)
        out = []
        for dv, figs in by.items():
            n = sum(f.numerator for f in figs)
            dens = [f.denominator for f in figs if f.denominator is not None]
            den = float(nat_base[(HQ, month)]) if ind.kind is q.Kind.PER10K and not dens else (
                sum(dens) if dens else None)  # fmt: skip
            out.append(q.Figure(code, HQ, month, n, den, ind.value(n, den), dim, dv))
        return sorted(out, key=lambda f: f.dim_value)
    return sorted(_figures(ind, rows, base, dim), key=lambda f: f.dim_value)


def details(
    db: Database, code: str, province: str, month: str, limit: int = 50
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The rows behind one figure (tickets, reports, orders …): column names and rows."""
    s = SPECS[code](Period(month, month, clock.now()))
    stmt = select(*s.detail).select_from(s.source)
    if s.where is not None:
        stmt = stmt.where(s.where)
    if province != HQ:
        stmt = stmt.where(s.province == province)
    if s.month is not None:
        stmt = stmt.where(s.month == month)
    with db.engine.connect() as conn:
        res = conn.execute(stmt.limit(limit))
        return list(res.keys()), [tuple(r) for r in res.all()]
