"""kill -9 in the middle of a usage file loses and doubles nothing; a re-run finishes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from telcare.demo.seed import seed_demo
from telcare.services.charging import generate_usage
from telcare.store.charging_models import IngestJob, UsageDay, UsageRecord
from telcare.store.migrate import upgrade
from telcare.store.models import Account, LedgerEntry
from telcare.store.uow import Database

RECORDS = 60_000
CHUNK = 2_000
INGEST = (
    "import sys; from telcare.config import get_settings; from telcare.store.uow import Database;"
    "from telcare.services.charging import ingest;"
    "s = ingest(Database(get_settings().database_url), sys.argv[1], chunk_rows=int(sys.argv[2]));"
    "print(s.rated, s.duplicates, s.rejected, s.charged_fen, s.resumed)"
)


def run_ingest(url: str, path: Path, *, kill_after_chunks: int | None) -> str:
    env = {**os.environ, "TELCARE_DATABASE_URL": url}
    proc = subprocess.Popen(
        [sys.executable, "-c", INGEST, str(path), str(CHUNK)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    if kill_after_chunks is None:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        return out
    db = Database(url)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with db.read() as uow:  # a reader: it must not queue behind the ingest
                done = uow.session.scalar(select(func.coalesce(func.max(IngestJob.lines), 0)))
            assert proc.poll() is None, "ingest finished before it could be killed"
            if done and done >= kill_after_chunks * CHUNK:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        db.dispose()
    return ""


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_kill_9_mid_file_then_rerun(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'crash.db'}"
        if backend == "sqlite"
        else str(request.getfixturevalue("pg_schema_url"))
    )
    db = Database(url)
    upgrade(url, db.engine)
    seed_demo(db, subscribers=200)
    path = tmp_path / "usage.csv"
    generate_usage(db, path, RECORDS, days=2)
    with path.open("a") as f:  # and a couple of lines to reject
        f.write("bad line\nx1,13800138000,data,2026-01-01 00:00:00,-1,0,\n")

    run_ingest(url, path, kill_after_chunks=5)
    with db.uow() as uow:
        partial = uow.session.scalar(select(func.count()).select_from(UsageRecord))
        job = uow.session.scalars(select(IngestJob)).one()
        assert job.status == "running"
        assert 0 < (partial or 0) < RECORDS, "the kill must land mid-file"

    out = run_ingest(url, path, kill_after_chunks=None)
    rated, duplicates, rejected, charged, resumed = out.split()
    assert (int(rated), int(duplicates), int(rejected), resumed) == (RECORDS, 0, 2, "True")

    with db.uow() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(UsageRecord)) == RECORDS
        usage_ledger = -int(
            s.scalar(
                select(func.sum(LedgerEntry.amount_fen)).where(LedgerEntry.reason.like("usage %"))
            )
            or 0
        )
        assert usage_ledger == int(charged)
        assert s.scalar(select(func.sum(UsageDay.charged_fen))) == int(charged)
        for account in s.scalars(select(Account)):
            ledger = s.scalar(
                select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(
                    LedgerEntry.account_id == account.id
                )
            )
            assert ledger == account.balance_fen
        # Every record rated once: the per-record charges add up to the days' µfen.
        rec_ufen = s.scalar(select(func.sum(UsageRecord.charge_ufen)))
        day_ufen = s.scalar(
            select(func.sum(UsageDay.data_ufen + UsageDay.voice_ufen + UsageDay.sms_ufen))
        )
        assert rec_ufen == day_ufen
    rejects = (tmp_path / "usage.csv.rejects.csv").read_text().splitlines()
    assert len(rejects) == 3  # header + 2, none doubled by the kill
    db.dispose()
