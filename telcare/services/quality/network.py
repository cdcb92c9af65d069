"""Network KPIs: the import of per-cell daily call counters (CSV) and the ``NET_DROP``
indicator they feed (dropped calls / call attempts, per province and month)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, delete, func, tuple_

from telcare import clock
from telcare.domain import quality as q
from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_
from telcare.domain.provinces import PROVINCES
from telcare.services.quality.specs import Period, Spec, spec
from telcare.services.quality.sql import date_month
from telcare.store.improvement_models import NetworkKpi
from telcare.store.uow import Database

COLUMNS = ("cell", "province", "day", "drops", "attempts")
MAX_ROWS = 500_000
K = NetworkKpi.__table__


@dataclass(frozen=True, slots=True)
class Imported:
    rows: int
    cells: int
    days: int


def _row(line: int, raw: dict[str, str | None], provinces: set[str]) -> dict[str, object]:
    def bad(reason: str) -> InvalidInput:
        return InvalidInput(N_("quality.kpi.row"), line=line, reason=reason)

    cell = (raw.get("cell") or "").strip()
    province = (raw.get("province") or "").strip().upper()
    if not cell or len(cell) > 30:
        raise bad("cell")
    if province not in provinces:
        raise bad("province")
    try:
        day = date.fromisoformat((raw.get("day") or "").strip())
        drops, attempts = int(raw.get("drops") or ""), int(raw.get("attempts") or "")
    except ValueError as err:
        raise bad("day/drops/attempts") from err
    if not 0 <= drops <= attempts or attempts > 10**9:
        raise bad("0 ≤ drops ≤ attempts")
    return {"cell": cell, "province": province, "day": day, "drops": drops, "attempts": attempts}


def _parse(text: str) -> dict[tuple[str, date], dict[str, object]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    if reader.fieldnames is None or not set(COLUMNS) <= {f.strip() for f in reader.fieldnames}:
        raise InvalidInput(N_("quality.kpi.header"), columns=",".join(COLUMNS))
    provinces = {p.code for p in PROVINCES}
    rows: dict[tuple[str, date], dict[str, object]] = {}
    for n, raw in enumerate(reader, start=2):
        if n > MAX_ROWS:
            raise InvalidInput(N_("quality.kpi.row"), line=n, reason=f"> {MAX_ROWS}")
        row = _row(n, {k.strip(): v for k, v in raw.items() if isinstance(k, str)}, provinces)
        rows[(str(row["cell"]), row["day"])] = row  # type: ignore[index]
    return rows


def import_kpis(
    db: Database, text: str, *, source: str = "csv", now: datetime | None = None
) -> Imported:
    """Load a CSV of ``cell,province,day,drops,attempts`` (one row per cell and day).

    All or nothing: a bad line refuses the file (InvalidInput with its line number).
    A cell-day already imported is replaced, so importing a file twice changes nothing.
    """
    try:
        rows = _parse(text)
    except csv.Error as err:  # e.g. a line break inside a field
        raise InvalidInput(N_("quality.kpi.row"), line="?", reason=str(err)[:80]) from err
    stamp = now or clock.now()
    with db.uow() as uow:
        keys = list(rows)
        for i in range(0, len(keys), 500):
            uow.session.execute(delete(K).where(tuple_(K.c.cell, K.c.day).in_(keys[i : i + 500])))
        if rows:
            uow.session.execute(
                K.insert(),
                [{**r, "source": source[:120], "imported_at": stamp} for r in rows.values()],
            )
        uow.commit()
    return Imported(len(rows), len({c for c, _ in rows}), len({d for _, d in rows}))


def _first_day(month: str) -> date:
    year, mon = q.parse_month(month)
    return date(year, mon, 1)


@spec("NET_DROP")
def _net_drop(p: Period) -> Spec:
    return Spec(
        K,
        K.c.province,
        date_month(K.c.day),
        func.sum(K.c.drops),
        den=func.sum(K.c.attempts),
        where=and_(K.c.day >= _first_day(p.first), K.c.day < _first_day(q.add_months(p.last, 1))),
        detail=(K.c.cell, K.c.day, K.c.drops, K.c.attempts, K.c.source),
    )
