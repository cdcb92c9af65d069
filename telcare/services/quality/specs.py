"""The indicator registry: what a :class:`Spec` aggregates over a :class:`Period`, and SPECS.

Each indicator of :data:`telcare.domain.quality.INDICATORS` with inputs is registered
with :func:`spec` in one of the ``*_specs`` modules: the rows it counts (a FROM clause
and a WHERE), the province and month of each row, a numerator and, for shares and
means, a denominator. Indicators whose inputs are not built (``available=False``)
have no spec and report no data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, FromClause, String, and_, case, literal, literal_column

from telcare.domain import quality as q
from telcare.domain.provinces import HQ, PROVINCES
from telcare.store import complaint_models as cm
from telcare.store import models as m

PROVINCE_CODES = tuple(p.code for p in PROVINCES)
E_CHANNELS = ("sms", "web", "api", "hall")
"""Self-service channels (the online business hall is ``hall``); the rest is assisted."""

# --- specs ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """Months ``first``..``last`` and their UTC bounds [start, end); ``as_of`` is the
    instant the figures are taken (a case whose window is still open is not counted)."""

    first: str
    last: str
    as_of: datetime | None = None

    def closed(self, opened: ColumnElement[Any], hours: float) -> ColumnElement[bool]:
        """The window of ``hours`` from ``opened`` has ended by ``as_of``."""
        if self.as_of is None:
            return literal(True)
        return opened <= self.as_of - timedelta(hours=hours)

    def passed(self, deadline: ColumnElement[Any]) -> ColumnElement[bool]:
        """The ``deadline`` column lies before ``as_of``."""
        return literal(True) if self.as_of is None else deadline <= self.as_of

    @property
    def start(self) -> datetime:
        return q.month_start(self.first)

    @property
    def end(self) -> datetime:
        return q.month_start(q.add_months(self.last, 1))

    @property
    def months(self) -> list[str]:
        y1, m1 = q.parse_month(self.first)
        y2, m2 = q.parse_month(self.last)
        return q.month_range(self.last, (y2 - y1) * 12 + m2 - m1 + 1)


@dataclass(frozen=True)
class Spec:
    """What one indicator aggregates. ``month`` None: a current-state snapshot."""

    source: FromClause
    province: ColumnElement[Any]
    month: ColumnElement[Any] | None
    num: ColumnElement[Any]
    den: ColumnElement[Any] | None = None
    where: ColumnElement[bool] | None = None
    dims: Mapping[str, ColumnElement[Any]] = field(default_factory=dict)
    detail: Sequence[ColumnElement[Any]] = ()


Builder = Callable[[Period], Spec]
SPECS: dict[str, Builder] = {}


def spec(code: str) -> Callable[[Builder], Builder]:
    """Register the SQL of the indicator ``code`` (which must be defined in the domain)."""
    if code not in q.BY_CODE:
        raise KeyError(code)

    def deco(fn: Builder) -> Builder:
        SPECS[code] = fn
        return fn

    return deco


def _in(col: ColumnElement[Any], p: Period) -> ColumnElement[bool]:
    return and_(col >= p.start, col < p.end)


def _n(cond: ColumnElement[bool]) -> ColumnElement[Any]:
    """1 when ``cond`` holds, else 0 (to be summed)."""
    return case((cond, 1), else_=0)


ONE: ColumnElement[Any] = literal(1)
HQ_COL: ColumnElement[Any] = literal_column(f"'{HQ}'", String)
T = cm.Ticket.__table__
SUB = m.Subscriber.__table__
