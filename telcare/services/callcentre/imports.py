"""Importing the call centre's call records (CSV as the ACD/IVR exports it).

Each row is imported or rejected exactly once: a bad row goes to the reject list with its
line number and reason and the rest of the file goes on; a call already imported (same
``call_id``) is counted as a duplicate, so a file can be imported again safely.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy.dialects import postgresql, sqlite

from telcare import clock
from telcare.domain import call_centre as cc
from telcare.store.knowledge_models import CallRecord
from telcare.store.uow import Database

BATCH = 2000


@dataclass
class ImportReport:
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    """(line number, reason) of each row not imported."""


def _rows(
    lines: Iterable[str], report: ImportReport
) -> Iterator[tuple[int, dict[str, str | None]]]:
    reader = csv.DictReader(iter(lines))
    missing = [c for c in cc.COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        report.rejected.append((1, f"header: missing {', '.join(missing)}"))
        return
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            report.read += 1
            report.rejected.append((reader.line_num, f"csv: {err}"))
            continue
        report.read += 1
        yield reader.line_num, {k: v for k, v in row.items() if isinstance(k, str)}


def import_calls(db: Database, lines: Iterable[str], province: str | None = None) -> ImportReport:
    """Import the rows of an export (``province`` for rows without one); what happened."""
    report = ImportReport()
    now = clock.now()
    batch: list[dict[str, object]] = []
    for line, row in _rows(lines, report):
        try:
            call = cc.read_call(row, province, now)
        except cc.BadCall as err:
            report.rejected.append((line, str(err)))
            continue
        batch.append(
            {
                "call_id": call.call_id,
                "province": call.province,
                "queue": call.queue,
                "offered_at": call.offered_at,
                "answered_at": call.answered_at,
                "abandoned_at": call.abandoned_at,
                "ended_at": call.ended_at,
                "agent": call.agent,
                "imported_at": now,
            }
        )
        if len(batch) >= BATCH:
            _write(db, batch, report)
            batch = []
    if batch:
        _write(db, batch, report)
    return report


def _write(db: Database, batch: list[dict[str, object]], report: ImportReport) -> None:
    unique = {str(r["call_id"]): r for r in batch}  # a call twice in one file: once
    report.duplicates += len(batch) - len(unique)
    with db.uow() as uow:
        s = uow.session
        dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
        table = CallRecord.__table__
        stmt = dialect.insert(table).on_conflict_do_nothing(index_elements=["call_id"])
        done = s.execute(stmt.returning(table.c.call_id), list(unique.values())).all()
        uow.commit()
    report.imported += len(done)
    report.duplicates += len(unique) - len(done)
