"""`telcare bench sync`: province → headquarters synchronisation over NATS JetStream.

Real processes: a private ``nats-server -js``, three nodes (BJ, GD, HQ; each its
own SQLite database, running ``bus run``) and one producer per province filing
tickets through the service layer.

- ``events_per_s``: a backlog of ticket events (filed while the province nodes
  were down) drained from both provinces into HQ: events applied at HQ divided by
  the span between the first and the last application.
- ``p50_delay_s`` / ``p99_delay_s``: steady state, producers filing at a fixed
  rate; the delay from the event's time in the province (stamped in the
  transaction, just before its commit) to its application at HQ (committed).

The set-up imports sit inside the functions so that `telcare bench --help` starts fast.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from telcare import clock
from telcare.bus.cluster import NatsServer, NodeProcess
from telcare.store import complaint_models as cm
from telcare.store.uow import Database

PROVINCES = ("BJ", "GD")
BACKLOG = 3000  # tickets per province (one event each) for the throughput figure
RATE = 150.0  # tickets per second per province for the delay figures
STEADY_S = 6.0


def _prepare(url: str, province: str) -> None:
    from telcare.demo.seed import seed_reference
    from telcare.services import complaints
    from telcare.store.migrate import upgrade

    db = Database(url)
    upgrade(url, db.engine)
    if province != "HQ":
        seed_reference(db)
    complaints.ensure_taxonomy(db)
    db.dispose()


def _produce(url: str, province: str, n: int, rate: float) -> None:
    """File ``n`` tickets at ``rate`` per second (0: as fast as possible)."""
    from telcare.domain.access import Kind, Principal
    from telcare.services import complaints

    db = Database(url)
    agent = Principal(Kind.STAFF, f"{province.lower()}-agent", province)
    start = time.monotonic()
    for i in range(n):
        if rate:
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        complaints.file_ticket(
            db, agent, node=province, category="NET.COV.INDOOR", summary=f"bench {i}"
        )
    db.dispose()


def _producers(urls: dict[str, str], n: int, rate: float) -> None:
    """One producer process per province (separate interpreters, like real clerks)."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "telcare.benchmarks.sync", urls[p], p, str(n), str(rate)]
        )
        for p in PROVINCES
    ]
    for proc in procs:
        if proc.wait() != 0:
            raise RuntimeError(f"producer failed with exit status {proc.returncode}")


def _applied(hq: Database, since: datetime | None = None) -> list[tuple[datetime, datetime]]:
    a = cm.AppliedEvent
    with hq.uow() as uow:
        query = select(a.occurred_at, a.applied_at)
        if since is not None:
            query = query.where(a.occurred_at >= since)
        return [(r[0], r[1]) for r in uow.session.execute(query)]


def _count(hq: Database) -> int:
    with hq.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(cm.AppliedEvent)) or 0)


def _wait_count(hq: Database, target: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _count(hq) < target:
        if time.monotonic() > deadline:
            raise TimeoutError(f"HQ applied {_count(hq)} of {target} events")
        time.sleep(0.05)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(backlog: int = BACKLOG, rate: float = RATE, steady_s: float = STEADY_S) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        urls = {p: f"sqlite:///{root / f'{p}.db'}" for p in (*PROVINCES, "HQ")}
        for p, url in urls.items():
            _prepare(url, p)
        nats = NatsServer(root / "js")
        nats.start()
        nodes = {p: NodeProcess(p, url, nats.url, root / f"{p}.log") for p, url in urls.items()}
        hq = Database(urls["HQ"])
        try:
            # 1. a backlog in both provinces, drained at once
            _producers(urls, backlog, 0.0)
            nodes["HQ"].start()
            for p in PROVINCES:
                nodes[p].start()
            total = backlog * len(PROVINCES)
            _wait_count(hq, total, timeout=120)
            applied = [at for _, at in _applied(hq)]
            span = (max(applied) - min(applied)).total_seconds()
            events_per_s = total / span if span > 0 else float("inf")

            # 2. steady state at a fixed rate: commit-to-visible delays
            since = clock.now()
            n = int(rate * steady_s)
            _producers(urls, n, rate)
            _wait_count(hq, total + n * len(PROVINCES), timeout=60)
            delays = [(at - occurred).total_seconds() for occurred, at in _applied(hq, since)]
        finally:
            for node in nodes.values():
                node.stop()
            nats.stop()
            hq.dispose()
    return {
        "events_per_s": round(events_per_s, 1),
        "p50_delay_s": round(_percentile(delays, 0.50), 4),
        "p99_delay_s": round(_percentile(delays, 0.99), 4),
        "steady_events": float(len(delays)),
        "steady_rate_per_s": rate * len(PROVINCES),
    }


if __name__ == "__main__":  # a producer: URL PROVINCE N RATE
    _produce(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
