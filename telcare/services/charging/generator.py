"""Realistic usage files for demos and benchmarks (CSV, written in chunks)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy import select

from telcare import clock
from telcare.domain import rating
from telcare.domain.errors import InvalidInput
from telcare.domain.reminders import SHANGHAI
from telcare.services.charging.records import COLUMNS, SERVICE_NAMES
from telcare.store.models import Subscriber
from telcare.store.uow import Database


def generate_usage(
    db: Database,
    path: str | os.PathLike[str],
    records: int,
    *,
    days: int = 1,
    end: datetime | None = None,
    prefix: str = "g",
    seed: int = 20091001,
    chunk_rows: int = 1_000_000,
) -> int:
    """Write ``records`` realistic usage records (CSV) for the active subscribers.

    Mix: 60% data (log-normal, median ~33 KB), 30% voice (exponential, mean 2 min),
    10% SMS; 5% roaming; spread over the ``days`` days before ``end`` (default: the
    start of today, Asia/Shanghai). Written in chunks: memory stays flat.
    """
    with db.uow() as uow:
        numbers = np.array(
            sorted(
                uow.session.scalars(select(Subscriber.msisdn).where(Subscriber.status != "closed"))
            )
        )
    if not len(numbers):
        raise InvalidInput("usage.no_subscribers")
    today = (end or clock.local_now()).astimezone(SHANGHAI)
    stop = int(today.replace(hour=0, minute=0, second=0, microsecond=0).timestamp())
    first = stop - days * 86400
    rng = np.random.default_rng(seed)
    with Path(path).open("wb") as f:
        f.write((",".join(COLUMNS) + "\n").encode())
        for lo in range(0, records, chunk_rows):
            n = min(chunk_rows, records - lo)
            kind = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
            volume = np.where(
                kind == 0,
                np.clip(rng.lognormal(3.5, 1.2, n), 1, 200_000).astype(np.int64),
                np.where(kind == 1, rng.exponential(120, n).astype(np.int64) + 1, 1),
            )
            peers = numbers[rng.integers(0, len(numbers), n)]
            frame = pl.DataFrame(
                {
                    "record_id": pl.Series(np.arange(lo, lo + n)).cast(pl.String),
                    "msisdn": numbers[rng.integers(0, len(numbers), n)],
                    "service": np.array(SERVICE_NAMES)[kind],
                    "started_at": pl.from_epoch(
                        pl.Series(np.sort(rng.integers(first, stop, n)) + rating.LOCAL_OFFSET_S),
                        "s",
                    ).dt.strftime("%Y-%m-%d %H:%M:%S"),
                    "volume": volume,
                    "roaming": (rng.random(n) < 0.05).astype(np.int8),
                    "peer": np.where(kind == 0, "", peers),
                }
            ).with_columns(
                (pl.lit(prefix + "-") + pl.col("record_id").str.zfill(10)).alias("record_id")
            )
            frame.write_csv(f, include_header=False, quote_style="never")
    return records
