"""What the dashboards and the report show: rows with trend, change, rank; the overview."""

from __future__ import annotations

from dataclasses import dataclass

from telcare.domain import quality as q
from telcare.services.quality.figures import compute
from telcare.services.quality.specs import PROVINCE_CODES
from telcare.store.uow import Database

# --- the views the dashboards and the report show ----------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One indicator for one province and month, with its context."""

    indicator: q.Indicator
    figure: q.Figure | None
    previous: float | None
    change: float | None  # month on month, % of the previous value
    meets: bool | None
    rank: int | None
    ranked: int
    trend: list[float | None]

    @property
    def value(self) -> float | None:
        return None if self.figure is None else self.figure.value

    @property
    def gap(self) -> float:
        """How far from target, relative (0 when met or unknown)."""
        ind, v = self.indicator, self.value
        if v is None or ind.target is None or self.meets is not False:
            return 0.0
        return abs(v - ind.target) / max(abs(ind.target), 1.0)


@dataclass
class Overview:
    province: str
    month: str
    months: list[str]
    rows: list[Row]
    standards: list[q.StandardResult]
    ranking: dict[str, list[q.Rank]]

    @property
    def problems(self) -> list[Row]:
        """Indicators missing their target, furthest first (at most 8)."""
        missed = [r for r in self.rows if r.gap > 0]
        return sorted(missed, key=lambda r: -r.gap)[:8]

    @property
    def movers(self) -> list[Row]:
        """The largest month-on-month changes (at most 8)."""
        moved = [r for r in self.rows if r.change is not None and r.change != 0]
        return sorted(moved, key=lambda r: -abs(r.change or 0.0))[:8]


def overview(db: Database, province: str, month: str, span: int = 6) -> Overview:
    """Every indicator of ``province`` (or ``HQ``) for ``month`` with ``span`` months of trend,
    the month-on-month change, the province ranking and the eight standards."""
    months = q.month_range(month, max(span, 2))
    result = compute(db, months)
    prev = q.previous_month(month)
    rows: list[Row] = []
    ranking: dict[str, list[q.Rank]] = {}
    for ind in q.INDICATORS:
        fig = result.get(ind.code, province, month)
        value = None if fig is None else fig.value
        before = result.value(ind.code, province, prev)
        ranks = q.rank_provinces(ind, {p: result.value(ind.code, p, month) for p in PROVINCE_CODES})
        ranking[ind.code] = ranks
        mine = next((r.rank for r in ranks if r.province == province), None)
        rows.append(
            Row(ind, fig, before, q.mom_change(value, before), ind.meets_target(value), mine,
                len(ranks), [result.value(ind.code, province, mo) for mo in months])
        )  # fmt: skip
    standards = q.check_standards(result.of(province, month))
    return Overview(province, month, months, rows, standards, ranking)


def fmt_value(indicator: q.Indicator, value: float | None) -> str:
    """A value as shown: 1 decimal for shares, rates and means, whole for counts; — if none."""
    if value is None:
        return "—"
    if indicator.kind is q.Kind.COUNT:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if indicator.kind is q.Kind.MEAN else f"{value:,.1f}"
