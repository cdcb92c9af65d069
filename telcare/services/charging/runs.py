"""Ingest runs: a usage file chunk by chunk, each chunk one transaction, resumed after a crash.

One chunk of a file is one transaction: usage rows, allowance use, daily charges,
ledger entries (via :func:`telcare.services.accounts.post_bulk`), barring marks,
SMS notices (via :func:`queue_many`) and the job checkpoint commit together or not
at all, so a crash loses and doubles nothing and a re-run finishes the job. Ingests are
serialised (PostgreSQL advisory lock; SQLite ``BEGIN IMMEDIATE``), and a record
whose ``record_id`` is already stored is a duplicate: never rated twice.

No line stops a file: a chunk whose rating raises is split in halves, each in its own
savepoint, until the line that raises stands alone and is rejected. A run stopped by an
error marks its job ``failed`` with the reason; the next run resumes it. One file is
ingested by one run at a time (:mod:`.lock`): a second is refused.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import select

from telcare import clock
from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_
from telcare.services.charging.chunk import MAX_FUTURE, _ChunkResult, _Ingest
from telcare.services.charging.lock import file_lock
from telcare.services.charging.reading import (
    _csv_chunks,
    _fingerprint,
    _is_parquet,
    _parquet_chunks,
)
from telcare.services.charging.records import CONTROL
from telcare.store.charging_models import IngestJob
from telcare.store.uow import Database, UnitOfWork

logger = logging.getLogger(__name__)

CHUNK_ROWS = 500_000
"""Usage dated later than this after now is rejected (clock skew allowance)."""

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
    max_future: timedelta = MAX_FUTURE,
) -> IngestSummary:
    """Rate a CSV or Parquet usage file, chunk by chunk, each chunk one transaction.

    An unfinished job for the same file resumes from its checkpoint (the summary
    then covers the whole file); a finished one is read again and every record is
    a duplicate. Rejected lines go to ``reject_path`` (default ``FILE.rejects.csv``)
    as ``line,reason,raw``. Usage dated more than ``max_future`` after now is rejected.
    Raises :class:`InvalidInput` (``usage.already_running``) while another run has the file.
    """
    file = Path(path)
    fp = _fingerprint(file)
    with file_lock(db, fp) as held:
        if not held:
            raise InvalidInput(N_("usage.already_running"), job=_running_job(db, fp))
        return _ingest(db, file, fp, reject_path, progress, chunk_rows, now, max_future)


def _running_job(db: Database, fp: str) -> str:
    with db.uow() as uow:
        job_id = uow.session.scalar(
            select(IngestJob.id).where(IngestJob.fingerprint == fp, IngestJob.status == "running")
        )
    return str(job_id or "?")


def _ingest(
    db: Database,
    file: Path,
    fp: str,
    reject_path: str | os.PathLike[str] | None,
    progress: Progress | None,
    chunk_rows: int,
    now: datetime | None,
    max_future: timedelta,
) -> IngestSummary:
    rejects = Path(reject_path) if reject_path else file.with_name(file.name + ".rejects.csv")
    started = clock.now()
    with db.uow() as uow:
        job = uow.session.scalars(
            select(IngestJob)
            .where(IngestJob.fingerprint == fp, IngestJob.status.in_(("running", "failed")))
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
        job.status, job.error = "running", None
        uow.commit()
        job_id, position, lines = job.id, job.position, job.lines
    try:
        _run(
            db,
            file,
            job_id,
            position,
            lines,
            resumed,
            rejects,
            progress,
            chunk_rows,
            now,
            max_future,
        )
    except BaseException as exc:
        _mark_failed(db, job_id, exc)
        raise
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


def _run(
    db: Database,
    file: Path,
    job_id: int,
    position: int,
    lines: int,
    resumed: bool,
    rejects: Path,
    progress: Progress | None,
    chunk_rows: int,
    now: datetime | None,
    max_future: timedelta,
) -> None:
    _prepare_rejects(rejects, resumed, lines + (0 if _is_parquet(file) else 1))
    work = _Ingest(db, job_id, now, max_future)
    chunks = (
        _parquet_chunks(file, position, chunk_rows)
        if _is_parquet(file)
        else _csv_chunks(file, position, lines, chunk_rows)
    )
    for chunk in chunks:
        with db.uow() as uow:
            work.serialise(uow.session)  # before any savepoint: held to the commit
            result = _chunk_or_split(work, uow, chunk.frame)
            job = uow.session.get(IngestJob, job_id)
            assert job is not None
            job.position = chunk.end
            job.lines += chunk.lines
            if len(result.rejects):
                _append_rejects(rejects, result.rejects)
            uow.commit()
        if progress is not None:
            progress(chunk.end, chunk.total)


def _chunk_or_split(work: _Ingest, uow: UnitOfWork, frame: pl.DataFrame) -> _ChunkResult:
    """Rate ``frame`` in a savepoint; if that raises, each half alone, down to one line,
    which is then rejected with the error as its reason."""
    try:
        with uow.session.begin_nested():
            return work.chunk(uow, frame)
    except Exception as exc:
        if len(frame) > 1:
            half = len(frame) // 2
            first = _chunk_or_split(work, uow, frame.head(half))
            second = _chunk_or_split(work, uow, frame.tail(len(frame) - half))
            return _ChunkResult(
                rated=first.rated + second.rated,
                duplicates=first.duplicates + second.duplicates,
                rejects=pl.concat([r for r in (first.rejects, second.rejects) if len(r)])
                if len(first.rejects) or len(second.rejects)
                else first.rejects,
                charged_fen=first.charged_fen + second.charged_fen,
            )
        reason = f"could not be rated: {type(exc).__name__}: {exc}"[:200]
        logger.warning("usage line %s rejected: %s", frame["line"][0], reason)
        job = uow.session.get(IngestJob, work.job_id)
        assert job is not None
        job.rejected += 1
        return _ChunkResult(
            rejects=frame.select(
                "line",
                pl.lit(reason).alias("reason"),
                pl.col("raw").str.replace_all(CONTROL, "\ufffd"),
            )
        )


def _mark_failed(db: Database, job_id: int, exc: BaseException) -> None:
    """Best effort: the job says why its run stopped; the next run resumes it."""
    try:
        with db.uow() as uow:
            job = uow.session.get(IngestJob, job_id)
            if job is not None and job.status == "running":
                job.status = "failed"
                job.error = f"{type(exc).__name__}: {exc}"[:500]
                job.updated_at = clock.now()
                uow.commit()
    except Exception:
        logger.exception("could not mark ingest job %s failed", job_id)


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
