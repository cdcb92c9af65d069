"""Benchmark: the rating core, the per-record baseline, and ingest end to end.

``run(records=N)`` reports records/s for the vectorised core (in memory, in
chunks of 1M), for :func:`rate_baseline` (a plain Python loop, on a subsample of
at most 200,000 records), and for ``ingest`` of a generated CSV of N records on
SQLite and on PostgreSQL (ledger committed), plus the peak RSS of the process.
PostgreSQL uses ``TELCARE_BENCH_PG_URL`` (default the test server) in a throwaway
schema; when it is unreachable its figure is NaN and a note is printed.

The set-up imports sit inside the functions so that `telcare bench --help` starts fast.
"""

from __future__ import annotations

import math
import resource
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import numpy as np

from telcare import clock
from telcare.config import Settings
from telcare.demo.catalog import TARIFFS
from telcare.domain import rating

CORE_CHUNK = 1_000_000
BASELINE_MAX = 200_000
SUBSCRIBERS = 2000
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def _synthetic(n: int, seed: int) -> tuple[rating.Batch, rating.Buckets]:
    """``n`` records for 2,000 subscribers over a month, each with a plan and some an add-on."""
    rng = np.random.default_rng(seed)
    t0 = rating.local_midnight(datetime(2026, 11, 1).date())
    month = 30 * 86400
    service = rng.choice(3, size=n, p=[0.6, 0.3, 0.1]).astype(np.int8)
    volume = np.where(
        service == 0,
        np.clip(rng.lognormal(3.5, 1.2, n), 1, 200_000).astype(np.int64),
        np.where(service == 1, rng.exponential(120, n).astype(np.int64) + 1, 1),
    )
    batch = rating.Batch(
        rng.integers(0, SUBSCRIBERS, n).astype(np.int64),
        service,
        t0 + rng.integers(0, month, n),
        volume.astype(np.int64),
        rng.random(n) < 0.05,
    )
    subs = np.arange(SUBSCRIBERS, dtype=np.int64)
    plan = np.repeat(subs, 3)
    addon = subs[subs % 4 == 0]  # a quarter also hold a 30 MB pack from mid-month
    buckets = rating.Buckets(
        np.concatenate([plan, addon]),
        np.concatenate(
            [np.tile(np.arange(3, dtype=np.int8), SUBSCRIBERS), np.zeros(len(addon), np.int8)]
        ),
        np.concatenate([np.full(len(plan), t0), np.full(len(addon), t0 + month // 2)]),
        np.full(len(plan) + len(addon), t0 + month),
        np.concatenate(
            [np.tile([150 * 1024, 450, 100], SUBSCRIBERS), np.full(len(addon), 30 * 1024)]
        ),
        np.concatenate([plan, addon + SUBSCRIBERS]),
    )
    return batch, buckets


def core_records_per_s(records: int) -> float:
    prices = rating.PriceTable.from_tariffs(TARIFFS)
    elapsed = 0.0
    for i, lo in enumerate(range(0, records, CORE_CHUNK)):
        batch, buckets = _synthetic(min(CORE_CHUNK, records - lo), seed=i)
        start = time.perf_counter()
        rated = rating.rate(batch, buckets, prices)
        rating.daily_totals(batch.sub, batch.started, rated.charge_ufen)
        elapsed += time.perf_counter() - start
    return records / elapsed


def baseline_records_per_s(records: int) -> float:
    n = min(records, BASELINE_MAX)
    batch, buckets = _synthetic(n, seed=99)
    prices = rating.PriceTable.from_tariffs(TARIFFS)
    start = time.perf_counter()
    rating.rate_baseline(batch, buckets, prices)
    return n / (time.perf_counter() - start)


def ingest_records_per_s(url: str, records: int, workdir: Path) -> float:
    """Seed the demo operator at ``url``, write N records, time ``ingest`` alone."""
    from sqlalchemy import update

    from telcare.demo.seed import seed_demo
    from telcare.services.charging import generate_usage, ingest
    from telcare.store.migrate import upgrade
    from telcare.store.models import Subscription
    from telcare.store.uow import Database

    db = Database(url)
    try:
        upgrade(url, db.engine)
        seed_demo(db, subscribers=SUBSCRIBERS)
        now = clock.now()
        with db.uow() as uow:  # plans in force since last month: allowances apply
            uow.session.execute(update(Subscription).values(starts_at=now - timedelta(days=40)))
            uow.commit()
        path = workdir / f"usage-{uuid.uuid4().hex[:6]}.csv"
        generate_usage(db, path, records)
        start = time.perf_counter()
        summary = ingest(db, path)
        elapsed = time.perf_counter() - start
        assert summary.rated == records, summary
        path.unlink()
        return records / elapsed
    finally:
        db.dispose()


def _pg_schema_url(base: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    sep = "&" if "?" in base else "?"
    return schema, f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


def pg_ingest_records_per_s(records: int, workdir: Path) -> float:
    from sqlalchemy import create_engine, text

    base = Settings().bench_pg_url
    try:
        admin = create_engine(
            base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
        )
        schema, url = _pg_schema_url(base)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        print(f"note: PostgreSQL unreachable at {base}: {exc}", file=sys.stderr)
        return math.nan
    try:
        return ingest_records_per_s(url, records, workdir)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run(records: int = 1_000_000) -> dict[str, float]:
    """The figures of ``telcare bench rating --records N``."""
    figures = {
        "records": float(records),
        "core_records_per_s": core_records_per_s(records),
        "baseline_records_per_s": baseline_records_per_s(records),
    }
    with tempfile.TemporaryDirectory(prefix="telcare-bench-") as tmp:
        work = Path(tmp)
        figures["ingest_records_per_s_sqlite"] = ingest_records_per_s(
            f"sqlite:///{work / 'bench.db'}", records, work
        )
        figures["ingest_records_per_s_postgresql"] = pg_ingest_records_per_s(records, work)
    figures["speedup_core_vs_baseline"] = (
        figures["core_records_per_s"] / figures["baseline_records_per_s"]
    )
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


if __name__ == "__main__":  # python -m telcare.benchmarks.rating [N]
    import json

    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000), sort_keys=True))
