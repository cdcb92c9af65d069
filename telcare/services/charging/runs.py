"""Ingest runs: a usage file chunk by chunk, each chunk one transaction, resumed after a crash.

One chunk of a file is one transaction: usage rows, allowance use, daily charges,
ledger entries (via :func:`telcare.services.accounts.post_bulk`), barring marks,
SMS notices (via :func:`queue_many`) and the job checkpoint commit together or not
at all, so a crash loses and doubles nothing and a re-run finishes the job. Ingests are
serialised (PostgreSQL advisory lock; SQLite ``BEGIN IMMEDIATE``), and a record
whose ``record_id`` is already stored is a duplicate: never rated twice.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl
from sqlalchemy import select

from telcare import clock
from telcare.services.charging.chunk import _Ingest
from telcare.services.charging.reading import (
    _csv_chunks,
    _fingerprint,
    _is_parquet,
    _parquet_chunks,
)
from telcare.store.charging_models import IngestJob
from telcare.store.uow import Database

CHUNK_ROWS = 500_000
Progress = Callable[[int, int], None]  # (done, total) in bytes (CSV) or rows (Parquet)


@dataclass
class IngestSummary:
    """What one file did (a resumed job counts the whole file, not only this run)."""

    rated: int = 0
    duplicates: int = 0
    rejected: int = 0
    charged_fen: int = 0
    lines: int = 0
    job_id: int = 0
    resumed: bool = False
    reject_path: str = ""


def ingest(
    db: Database,
    path: str | os.PathLike[str],
    *,
    reject_path: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    now: datetime | None = None,
) -> IngestSummary:
    """Rate a CSV or Parquet usage file, chunk by chunk, each chunk one transaction.

    An unfinished job for the same file resumes from its checkpoint (the summary
    then covers the whole file); a finished one is read again and every record is
    a duplicate. Rejected lines go to ``reject_path`` (default ``FILE.rejects.csv``)
    as ``line,reason,raw``.
    """
    file = Path(path)
    rejects = Path(reject_path) if reject_path else file.with_name(file.name + ".rejects.csv")
    fp = _fingerprint(file)
    started = clock.now()
    with db.uow() as uow:
        job = uow.session.scalars(
            select(IngestJob)
            .where(IngestJob.fingerprint == fp, IngestJob.status == "running")
            .order_by(IngestJob.id.desc())
        ).first()
        resumed = job is not None
        if job is None:
            job = IngestJob(
                file_name=str(file)[-500:],
                fingerprint=fp,
                status="running",
                position=0,
                lines=0,
                rated=0,
                duplicates=0,
                rejected=0,
                charged_fen=0,
                started_at=started,
                updated_at=started,
            )
            uow.session.add(job)
        uow.commit()
        job_id, position, lines = job.id, job.position, job.lines
    _prepare_rejects(rejects, resumed, lines + (0 if _is_parquet(file) else 1))
    work = _Ingest(db, job_id, now)
    chunks = (
        _parquet_chunks(file, position, chunk_rows)
        if _is_parquet(file)
        else _csv_chunks(file, position, lines, chunk_rows)
    )
    for chunk in chunks:
        with db.uow() as uow:
            result = work.chunk(uow, chunk.frame)
            job = uow.session.get(IngestJob, job_id)
            assert job is not None
            job.position = chunk.end
            job.lines += chunk.lines
            if len(result.rejects):
                _append_rejects(rejects, result.rejects)
            uow.commit()
        if progress is not None:
            progress(chunk.end, chunk.total)
    with db.uow() as uow:
        job = uow.session.get(IngestJob, job_id)
        assert job is not None
        job.status = "done"
        uow.commit()
        return IngestSummary(
            rated=job.rated,
            duplicates=job.duplicates,
            rejected=job.rejected,
            charged_fen=job.charged_fen,
            lines=job.lines,
            job_id=job.id,
            resumed=resumed,
            reject_path=str(rejects),
        )


def _prepare_rejects(path: Path, resumed: bool, last_line: int) -> None:
    """A new job starts a fresh reject file. A resumed one keeps the lines of committed
    chunks only: rejects are appended just before their chunk commits, so after a
    crash the file is cut back to what the database counts (``line <= last_line``)."""
    if resumed and path.exists():
        kept = pl.read_csv(path, schema={"line": pl.Int64, "reason": pl.String, "raw": pl.String})
        path.write_text("line,reason,raw\n", encoding="utf-8")
        _append_rejects(path, kept.filter(pl.col("line") <= last_line))
        return
    path.write_text("line,reason,raw\n", encoding="utf-8")


def _append_rejects(path: Path, rejects: pl.DataFrame) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(rejects.write_csv(include_header=False))
        f.flush()
        os.fsync(f.fileno())
