"""Benchmark: the renewals of the 1st on PostgreSQL (``telcare bench cycle --records N``).

Builds N lines in a throwaway PostgreSQL schema (``TELCARE_BENCH_PG_URL``, default
the test server): every line on its brand's base plan since the month before, a
quarter also on G3YH. Then times :func:`telcare.services.cycle.renew_month` for the
new month (``seconds``), and a second run that finds nothing to do
(``rerun_seconds``); ``lines``, ``charged`` and the process's peak RSS
(``peak_rss_mb``). When PostgreSQL is unreachable the figures are NaN.

The set-up imports sit inside the functions so that `telcare bench --help` starts fast.
"""

from __future__ import annotations

import math
import os
import resource
import sys
import time
from datetime import datetime

from telcare.benchmarks.rating import PG_DEFAULT, _pg_schema_url

MONTH = "2027-01"
NOW = datetime.fromisoformat("2027-01-01T00:05:00+08:00")
SINCE = datetime.fromisoformat("2026-12-05T10:00:00+08:00")
CHUNK = 50_000


def _build(url: str, lines: int) -> None:
    """N lines with accounts and subscriptions, written in chunks of plain rows."""
    from sqlalchemy import text

    from telcare.demo.seed import seed_reference
    from telcare.domain.catalog import BASE_PLAN_FOR_BRAND, Brand
    from telcare.store import bulk
    from telcare.store import models as m
    from telcare.store.migrate import upgrade
    from telcare.store.uow import Database

    db = Database(url)
    upgrade(url, db.engine)
    seed_reference(db)
    brands = [Brand.GOTONE, Brand.MZONE, Brand.EASYOWN]
    sub_id = 0
    for lo in range(0, lines, CHUNK):
        n = min(CHUNK, lines - lo)
        with db.uow() as uow:
            s = uow.session
            ids = range(lo + 1, lo + n + 1)
            bulk.insert_rows(
                s,
                m.Customer,
                [
                    {"id": i, "name": f"客户{i}", "province_code": "BJ", "created_at": SINCE}
                    for i in ids
                ],
            )
            bulk.insert_rows(
                s,
                m.Subscriber,
                [
                    {
                        "id": i,
                        "msisdn": f"138{i:08d}",
                        "customer_id": i,
                        "brand": brands[i % 3].value,
                        "province_code": "BJ",
                        "status": "active",
                        "language": "zh",
                        "created_at": SINCE,
                    }
                    for i in ids
                ],
            )
            bulk.insert_rows(
                s,
                m.Account,
                [
                    {
                        "id": i,
                        "subscriber_id": i,
                        "balance_fen": 10_000,
                        "points": 0,
                        "barring_pending": False,
                    }
                    for i in ids
                ],
            )
            subs = []
            for i in ids:
                for code in [BASE_PLAN_FOR_BRAND[brands[i % 3]], *(["G3YH"] if i % 4 == 0 else [])]:
                    sub_id += 1
                    subs.append(
                        {
                            "id": sub_id,
                            "subscriber_id": i,
                            "product_code": code,
                            "state": "active",
                            "starts_at": SINCE,
                            "ends_at": None,
                            "created_at": SINCE,
                            "ordered_at": SINCE,
                        }
                    )
            bulk.insert_rows(s, m.Subscription, subs)
            uow.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))  # as autovacuum would have, on tables this size
    db.dispose()


def _renew(url: str) -> dict[str, float]:
    from telcare.services import cycle
    from telcare.store.uow import Database

    db = Database(url)
    try:
        started = time.perf_counter()
        done = cycle.renew_month(db, MONTH, now=NOW)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = cycle.renew_month(db, MONTH, now=NOW)
        rerun = time.perf_counter() - started
    finally:
        db.dispose()
    assert again.charged == 0
    return {
        "seconds": seconds,
        "rerun_seconds": rerun,
        "charged": float(done.charged),
        "fee_yuan": done.fee_fen / 100,
    }


def run(records: int = 1_000_000) -> dict[str, float]:
    """The figures of ``telcare bench cycle --records N`` (N lines)."""
    from sqlalchemy import create_engine, text

    figures: dict[str, float] = {"lines": float(records)}
    base = os.environ.get("TELCARE_BENCH_PG_URL", PG_DEFAULT)
    try:
        admin = create_engine(
            base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
        )
        schema, url = _pg_schema_url(base)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        print(f"note: PostgreSQL unreachable at {base}: {exc}", file=sys.stderr)
        return {**figures, "seconds": math.nan}
    try:
        started = time.perf_counter()
        _build(url, records)
        figures["setup_seconds"] = time.perf_counter() - started
        figures.update(_renew(url))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures
