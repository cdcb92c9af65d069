"""Monthly usage files of the sample, rated by the charging service."""

from __future__ import annotations

import csv
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from telcare.demo.activity.schedule import _Run
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import (
    charging,
)

# --- usage -----------------------------------------------------------------------------


def _usage(run: _Run, month: str, lo: datetime, hi: datetime) -> None:
    """One usage file per month for the sample: light users, and heavy data users whose
    usage passes their allowance (charges and reminders), rated by ``charging.ingest``."""
    if hi <= lo:
        return
    rng = run.rng
    rows: list[list[Any]] = []
    span = (hi - lo).total_seconds()
    for line in run.lines:
        heavy = rng.random() < 0.15
        total_kb = rng.randint(160, 520) * 1024 if heavy else rng.randint(2, 90) * 1024
        sessions = rng.randint(6, 14)
        for _ in range(sessions):
            started = lo + timedelta(seconds=rng.uniform(0, span - 60))
            rows.append([line.msisdn, "data", started, max(1, total_kb // sessions), ""])
        for _ in range(rng.randint(2, 6)):
            started = lo + timedelta(seconds=rng.uniform(0, span - 60))
            rows.append([line.msisdn, "voice", started, rng.randint(20, 600), "13800138000"])
    rows.sort(key=lambda r: r[2])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"usage-{month}.csv"
        with path.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(charging.COLUMNS)
            for i, (msisdn, service, started, volume, peer) in enumerate(rows):
                local = started.astimezone(OPERATOR_TZ).strftime("%Y-%m-%d %H:%M:%S")
                w.writerow([run.key("u", month, i), msisdn, service, local, volume, 0, peer])
        summary = charging.ingest(run.db, path, now=hi - timedelta(seconds=1))
    run.count("usage records", summary.rated)
