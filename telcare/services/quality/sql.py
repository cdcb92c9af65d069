"""Portable SQL for the indicators: month of a timestamp or a date, hours between two."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Float

# --- portable SQL: month of a timestamp (Asia/Shanghai) or a date, hours between ----


class local_month(FunctionElement[str]):
    """``YYYY-MM`` of a UTC timestamp in the operator's time zone (UTC+8, no DST)."""

    type = String()
    inherit_cache = True


@compiles(local_month, "sqlite")
def _local_month_sqlite(el: local_month, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m', {compiler.process(el.clauses, **kw)}, '+8 hours')"


@compiles(local_month, "postgresql")
def _local_month_pg(el: local_month, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(el.clauses, **kw)
    return f"to_char(({arg}) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"


class date_month(FunctionElement[str]):
    """``YYYY-MM`` of a calendar date."""

    type = String()
    inherit_cache = True


@compiles(date_month, "sqlite")
def _date_month_sqlite(el: date_month, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m', {compiler.process(el.clauses, **kw)})"


@compiles(date_month, "postgresql")
def _date_month_pg(el: date_month, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(el.clauses, **kw)}, 'YYYY-MM')"


class hours_between(FunctionElement[float]):
    """Hours from the first timestamp to the second."""

    type = Float()
    inherit_cache = True


@compiles(hours_between, "sqlite")
def _hours_sqlite(el: hours_between, compiler: Any, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in el.clauses)
    return f"((julianday({b}) - julianday({a})) * 24.0)"


@compiles(hours_between, "postgresql")
def _hours_pg(el: hours_between, compiler: Any, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in el.clauses)
    return f"(EXTRACT(EPOCH FROM ({b}) - ({a})) / 3600.0)"
