"""Many rows in one statement: the bulk paths of usage ingest and the outbox.

On PostgreSQL each column travels as one array parameter and the statement reads
them back with ``unnest`` (``INSERT … SELECT * FROM unnest(…)``, ``UPDATE … FROM
unnest(…)``): one round trip and one short, cacheable statement for any number of
rows, where SQLAlchemy's multi-VALUES batches send statements of thousands of
placeholders that psycopg parses anew each time. On SQLite (in-process) the
driver's ``executemany`` is already cheap and is used as is. For columns of scalar
types (numbers, text, booleans, dates and times), not JSON.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from telcare.store.models import Base

Row = Mapping[str, Any]


def insert_rows(
    session: Session,
    model: type[Base],
    rows: Sequence[Row],
    *,
    conflict: Sequence[str] = (),
    update_on_conflict: bool = False,
) -> int:
    """Insert ``rows`` (all with the same keys); how many were inserted or updated.

    With ``conflict`` (the columns of a unique key) a row whose key exists is
    skipped, or with ``update_on_conflict`` overwrites the other columns.
    """
    if not rows:
        return 0
    table = _table(model)
    columns = tuple(rows[0])
    if _is_pg(session):
        sql = _pg_insert(table, columns, tuple(conflict), update_on_conflict)
        params = {f"c{i}": [row[c] for row in rows] for i, c in enumerate(columns)}
        return int(session.execute(sql, params).rowcount)  # type: ignore[attr-defined]
    statement = sqlite.insert(table)
    if conflict and update_on_conflict:
        kept = {c: statement.excluded[c] for c in columns if c not in conflict}
        statement = statement.on_conflict_do_update(index_elements=list(conflict), set_=kept)
    elif conflict:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    return int(session.execute(statement, list(rows)).rowcount)  # type: ignore[attr-defined]


def update_rows(session: Session, model: type[Base], key: str, rows: Sequence[Row]) -> None:
    """Set the other columns of each row where the column ``key`` equals the row's."""
    if not rows:
        return
    table = _table(model)
    columns = tuple(rows[0])
    if _is_pg(session):
        params = {f"c{i}": [row[c] for row in rows] for i, c in enumerate(columns)}
        session.execute(_pg_update(table, key, columns), params)
        return
    values: dict[str, Any] = {c: bindparam(f"v_{c}") for c in columns if c != key}
    statement = update(table).where(table.c[key] == bindparam(f"v_{key}")).values(values)
    session.execute(statement, [{f"v_{c}": row[c] for c in columns} for row in rows])


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _arrays(table: Table, columns: tuple[str, ...]) -> str:
    """The array parameters, each cast to its column's type without length or
    precision: the assignment to the column then checks them (an explicit cast to
    ``VARCHAR(n)`` would silently truncate)."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    types = [re.sub(r"\(.*?\)", "", table.c[c].type.compile(dialect=dialect)) for c in columns]
    return ", ".join(f"CAST(:c{i} AS {t}[])" for i, t in enumerate(types))


@cache
def _pg_insert(table: Table, columns: tuple[str, ...], conflict: tuple[str, ...], upd: bool) -> Any:
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"SELECT * FROM unnest({_arrays(table, columns)})"
    )
    if conflict:
        sql += f" ON CONFLICT ({', '.join(conflict)}) DO "
        kept = [c for c in columns if c not in conflict]
        sql += f"UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in kept)}" if upd else "NOTHING"
    return text(sql)


@cache
def _pg_update(table: Table, key: str, columns: tuple[str, ...]) -> Any:
    sets = ", ".join(f"{c} = v.{c}" for c in columns if c != key)
    return text(
        f"UPDATE {table.name} SET {sets} FROM unnest({_arrays(table, columns)}) "
        f"AS v({', '.join(columns)}) WHERE {table.name}.{key} = v.{key}"
    )
