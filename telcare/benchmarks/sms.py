"""`telcare bench sms`: MO commands end to end through the dispatcher, effects committed.

Measures CXYE-type queries on SQLite and PostgreSQL, and KT+Y subscriptions
(a charged pack, confirmed) on PostgreSQL, and the p99 latency of a query on
PostgreSQL. Like SMPP binds in production, the load comes from several worker
processes at once (one per core); throughput is total commands over wall time.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, select, text

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.config import Settings
from telcare.demo.seed import seed_demo
from telcare.store import models as m
from telcare.store.migrate import upgrade
from telcare.store.uow import Database

PG_URL = Settings().bench_pg_url
QUERIES = 10000
SUBSCRIPTIONS = 1000
WORKERS = os.cpu_count() or 1


def run(records: int = QUERIES, subscriptions: int = SUBSCRIPTIONS) -> dict[str, float]:
    """``records`` CXYE queries per database and ``subscriptions`` KT+Y pairs."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, _database(f"sqlite:///{Path(tmp) / 'b.db'}") as db:
        rate, _ = _queries(db, records)
        figures["query_per_s_sqlite"] = rate
    try:
        with _pg_schema() as url, _database(url) as db:
            rate, p99 = _queries(db, records)
            figures["query_per_s_postgresql"] = rate
            figures["query_p99_ms"] = p99
            figures["subscribe_per_s_postgresql"] = _subscriptions(db, subscriptions)
    except Exception as exc:
        print(f"PostgreSQL part skipped: {exc}")
        for key in ("query_per_s_postgresql", "query_p99_ms", "subscribe_per_s_postgresql"):
            figures[key] = math.nan
    return figures


@contextmanager
def _database(url: str) -> Iterator[Database]:
    db = Database(url)
    upgrade(url, db.engine)
    seed_demo(db, subscribers=max(SUBSCRIPTIONS, 2000))
    if db.is_postgresql:  # steady state: no autovacuum of the fresh tables during the run
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    try:
        yield db
    finally:
        db.dispose()


@contextmanager
def _pg_schema() -> Iterator[str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _numbers(db: Database) -> list[str]:
    with db.uow() as uow:
        return list(uow.session.scalars(select(m.Subscriber.msisdn).order_by(m.Subscriber.id)))


def _timed(calls: list[Callable[[], object]]) -> tuple[float, list[float]]:
    latencies = []
    start = time.perf_counter()
    for call in calls:
        t0 = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - t0)
    return time.perf_counter() - start, latencies


def _p99_ms(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)] * 1000


def _queries(db: Database, n: int) -> tuple[float, float]:
    numbers = _numbers(db)
    work = [[numbers[i % len(numbers)] for i in range(w, n, WORKERS)] for w in range(WORKERS)]
    elapsed, latencies = _in_workers(db.url, "CXYE", work)
    return n / elapsed, _p99_ms(latencies)


def _subscriptions(db: Database, n: int) -> float:
    numbers = _numbers(db)[:n]
    work = [numbers[w::WORKERS] for w in range(WORKERS)]
    elapsed, _ = _in_workers(db.url, "KT+Y", work)
    return len(numbers) / elapsed


def _in_workers(url: str, kind: str, work: list[list[str]]) -> tuple[float, list[float]]:
    """Run the slices of ``work`` in parallel processes; wall time and all latencies."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(len(work)) as pool:
        ready = [pool.apply_async(_warm, (url,)) for _ in work]
        for r in ready:
            r.get()
        start = time.perf_counter()
        results = pool.starmap(_worker, [(url, kind, numbers) for numbers in work])
        elapsed = time.perf_counter() - start
    return elapsed, [lat for part in results for lat in part]


_DISPATCHER: SmsDispatcher | None = None


def _warm(url: str) -> None:
    global _DISPATCHER
    _DISPATCHER = SmsDispatcher(Database(url))
    _DISPATCHER.handle(MoMessage("13800138000", "10086", "CXYE"))


def _worker(url: str, kind: str, numbers: list[str]) -> list[float]:
    dispatcher = _DISPATCHER or SmsDispatcher(Database(url))

    def query(msisdn: str) -> None:
        dispatcher.handle(MoMessage(msisdn, "10086", "CXYE"))

    def order(msisdn: str) -> None:
        dispatcher.handle(MoMessage(msisdn, "10086", "KTG3YH"))
        dispatcher.handle(MoMessage(msisdn, "10086", "Y", message_id=f"b-{msisdn}"))

    call = query if kind == "CXYE" else order
    _, latencies = _timed([lambda x=msisdn: call(x) for msisdn in numbers])
    return latencies
