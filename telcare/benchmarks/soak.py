"""`telcare bench soak`: mixed traffic for N minutes on PostgreSQL, then checks and p99s.

On a throwaway schema (demo seed), at the same time:

- SMPP: the peer SMSC (``tests/peer_smsc/smsc.js``, node) sends MOs through a real socket
  to the real gateway and dispatcher (in this process): ``CXYE``, ``KTG3YH``+``Y``+``QXG3YH``
  (order, confirm, cancel: the run can go on) and ``0000``, ``WINDOW`` in flight;
- the REST API and the hall pages, served by ``telcare serve`` in a subprocess, hit with
  httpx by subscribers logged in with their SMS code (API tokens by OTP, pages by the form);
- usage files generated and rated by ``ingest`` every few seconds.

Figures: ``errors`` (5xx, connection failures, tracebacks in either process's log, lost or
doubled MTs, failed ingests; must be 0), ``rss_growth_pct`` (the larger of the server's and
the gateway process's RSS growth from the end of the warm-up to the end; < 10),
``ledger_mismatches`` (accounts whose balance is not the sum of their ledger; 0), p99 latency
per kind and ``requests`` per kind. The warm-up (a tenth of the run, at most 30 s, and at
least the first usage file) is not in the p99s nor in the RSS growth.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text

from telcare.benchmarks.smpp import PEER, WINDOW
from telcare.benchmarks.sms import _database, _numbers, _p99_ms, _pg_schema
from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.smpp import SmppGateway
from telcare.store import models as m
from telcare.store.uow import Database

MINUTES = 3.0
INGEST_RECORDS = 20_000
INGEST_EVERY_S = 5.0
SMPP_MIXES: list[tuple[str, list[str], int]] = [  # name (smpp_<name>_p99_ms), texts, count
    ("cxye", ["CXYE"], 300),
    ("order", ["KTG3YH", "Y", "QXG3YH"], 40),
    ("menu", ["0000"], 60),
]
BALANCE = "/tmf-api/prepayBalanceManagement/v4/bucket"
CATALOG = "/tmf-api/productCatalogManagement/v4/productOffering"
PAGES = ("/hall/", "/hall/packages", "/hall/ledger")
_MISMATCHES = text(
    "SELECT count(*) FROM account a WHERE a.balance_fen <> "
    "(SELECT coalesce(sum(amount_fen), 0) FROM ledger_entry e WHERE e.account_id = a.id)"
)


class _Kind:
    """Latencies (after the warm-up), request count and errors of one kind of traffic."""

    def __init__(self) -> None:
        self.latencies = array("d")
        self.requests = 0
        self.errors = 0
        self.lock = threading.Lock()

    def add(self, seconds: float, measuring: bool, error: bool = False) -> None:
        with self.lock:
            self.requests += 1
            self.errors += error
            if measuring:
                self.latencies.append(seconds)


class _ErrorLog(logging.Handler):
    """Counts log records at ERROR and above, or carrying a traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.count += 1


class _Soak:
    def __init__(self, db: Database, seconds: float, tmp: Path) -> None:
        self.db, self.tmp = db, tmp
        self.start = time.monotonic()
        self.warm_end = self.start + min(30.0, max(2.0, seconds / 10))
        self.end = self.start + seconds
        self.kinds = {k: _Kind() for k in ("smpp", "api", "page", "ingest")}
        self.mixes = {name: array("d") for name, _, _ in SMPP_MIXES}
        self.stop = threading.Event()
        self.warm = threading.Event()  # set after the first usage file (numpy, caches loaded)
        self.lost = self.stray = self.ingested = 0
        self.ingest_seconds = 0.0

    @property
    def measuring(self) -> bool:
        return self.warm.is_set() and time.monotonic() >= self.warm_end

    def running(self) -> bool:
        return not self.stop.is_set() and time.monotonic() < self.end

    # --- SMPP ---------------------------------------------------------------------------

    def smpp(self, peer: _Peer, senders: list[str]) -> None:
        kind, turn = self.kinds["smpp"], 0
        while self.running():
            name, texts, n = SMPP_MIXES[turn % len(SMPP_MIXES)]
            turn += 1
            measuring = self.measuring
            done = peer.blast(senders, n, texts)
            if done is None:  # replies missing: lost MTs
                self.lost += 1
                kind.errors += 1
                return
            self.stray += int(done["stray"])
            with kind.lock:
                kind.requests += int(done["mos"])
                if measuring:
                    kind.latencies.extend(x / 1000 for x in done["latencies"])
                    self.mixes[name].extend(x / 1000 for x in done["latencies"])

    # --- HTTP ---------------------------------------------------------------------------

    def _call(self, kind: str, call: Callable[[], httpx.Response]) -> None:
        measuring, t0 = self.measuring, time.perf_counter()
        try:
            status = call().status_code
        except httpx.HTTPError:
            status = 599
        self.kinds[kind].add(time.perf_counter() - t0, measuring, status >= 500)

    def api(self, client: httpx.Client, msisdn: str) -> None:
        while self.running():
            self._call("api", lambda: client.get(BALANCE, params={"msisdn": msisdn}))
            self._call("api", lambda: client.get(CATALOG, params={"limit": 20}))

    def pages(self, client: httpx.Client) -> None:
        while self.running():
            for path in PAGES:
                self._call("page", lambda p=path: client.get(p))

    # --- usage files --------------------------------------------------------------------

    def ingest(self) -> None:
        from telcare.services.charging import generate_usage, ingest

        n = 0
        while self.running():
            n += 1
            path = self.tmp / f"usage-{n}.csv"
            generate_usage(self.db, path, INGEST_RECORDS, prefix=f"soak{n}-", seed=n)
            t0 = time.perf_counter()
            try:
                summary = ingest(self.db, path)
            except Exception:
                logging.getLogger(__name__).exception("ingest failed")
                self.kinds["ingest"].add(0, False, True)
                self.warm.set()
                continue
            elapsed = time.perf_counter() - t0
            self.kinds["ingest"].add(elapsed, self.measuring, summary.rejected > 0)
            if self.measuring:
                self.ingested += summary.rated
                self.ingest_seconds += elapsed
            path.unlink()
            self.warm.set()
            self.stop.wait(INGEST_EVERY_S)


class _Peer:
    """The scripted SMSC: commands on its stdin, events read by a thread into a queue."""

    def __init__(self, node: str) -> None:
        self.proc = subprocess.Popen(
            [node, str(PEER), "0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.port = int(self.wait("listening", 30)["port"])  # type: ignore[index]

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.events.put(json.loads(line))

    def wait(self, kind: str, timeout: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                break
            if event["ev"] == kind:
                return event
        return None

    def blast(self, senders: list[str], n: int, texts: list[str]) -> dict[str, Any] | None:
        assert self.proc.stdin is not None
        command = {"op": "blast", "n": n, "window": WINDOW, "senders": senders, "keep": True}
        self.proc.stdin.write(json.dumps(command | {"recipient": "10086", "texts": texts}) + "\n")
        self.proc.stdin.flush()
        return self.wait("blast", 60)

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(10)


def run(records: int | None = None, minutes: float = MINUTES) -> dict[str, float]:
    """Soak for ``minutes`` (``records`` is ignored: the run is timed)."""
    node = shutil.which("node")
    if node is None or not (PEER.parent / "node_modules").is_dir():
        raise RuntimeError("needs node and `npm ci` in tests/peer_smsc")
    errors = _ErrorLog()
    logging.getLogger().addHandler(errors)
    with (
        tempfile.TemporaryDirectory() as tmp_name,
        _pg_schema() as url,
        _database(url) as db,
    ):
        tmp = Path(tmp_name)
        numbers = _numbers(db)
        users, senders = numbers[-4:], numbers[: min(1000, len(numbers) - 4)]
        server, base = _serve(url, tmp / "server.log")
        peer = _Peer(node)
        gateway = SmppGateway(
            "127.0.0.1", peer.port, "soak", "", SmsDispatcher(db).handle, window=WINDOW
        )
        gateway.start()
        soak = _Soak(db, minutes * 60, tmp)
        try:
            if not gateway.wait_bound(10):
                raise RuntimeError("the gateway did not bind to the peer SMSC")
            clients = [_api_client(base, db, users[0]), _api_client(base, db, users[1])]
            clients += [_page_client(base, db, users[2]), _page_client(base, db, users[3])]
            threads = [threading.Thread(target=soak.smpp, args=(peer, senders))]
            threads += [
                threading.Thread(target=soak.api, args=(c, u))
                for c, u in zip(clients[:2], users[:2], strict=True)
            ]
            threads += [threading.Thread(target=soak.pages, args=(c,)) for c in clients[2:]]
            threads.append(threading.Thread(target=soak.ingest))
            for t in threads:
                t.start()
            time.sleep(max(0.0, soak.warm_end - time.monotonic()))
            soak.warm.wait(max(1.0, soak.end - time.monotonic()))
            rss0 = (_rss(server.pid), _rss(os.getpid()))
            for t in threads:
                t.join(max(1.0, soak.end - time.monotonic() + 120))
            rss1 = (_rss(server.pid), _rss(os.getpid()))
            soak.stop.set()
            for c in clients:
                c.close()
        finally:
            soak.stop.set()
            gateway.stop(10)
            peer.close()
            server.terminate()
            server.wait(20)
            logging.getLogger().removeHandler(errors)
        with db.uow() as uow:
            mismatches = int(uow.session.scalar(_MISMATCHES) or 0)
        tracebacks = (tmp / "server.log").read_text(errors="replace").count("Traceback")
    return _figures(soak, rss0, rss1, mismatches, tracebacks + errors.count)


def _figures(
    soak: _Soak,
    rss0: tuple[int, int],
    rss1: tuple[int, int],
    mismatches: int,
    log_errors: int,
) -> dict[str, float]:
    k = soak.kinds
    growth = [100 * (after - before) / before for before, after in zip(rss0, rss1, strict=True)]
    figures: dict[str, float] = {
        "errors": sum(x.errors for x in k.values()) + soak.stray + log_errors,
        "lost_mt_blasts": soak.lost,
        "doubled_mts": soak.stray,
        "log_errors": log_errors,
        "rss_growth_pct": max(growth),
        "rss_server_growth_pct": growth[0],
        "rss_gateway_growth_pct": growth[1],
        "rss_server_mb": rss1[0] / 2**20,
        "rss_gateway_mb": rss1[1] / 2**20,
        "ledger_mismatches": mismatches,
        "ingest_records_per_s": soak.ingested / soak.ingest_seconds if soak.ingest_seconds else 0,
        "minutes": round((soak.end - soak.start) / 60, 2),
    }
    for name in ("smpp", "api", "page"):
        latencies = list(k[name].latencies)
        figures[f"{name}_p99_ms"] = _p99_ms(latencies) if latencies else float("nan")
    for name, latencies in soak.mixes.items():
        figures[f"smpp_{name}_p99_ms"] = _p99_ms(list(latencies)) if latencies else float("nan")
    for name, kind in k.items():
        figures[f"{name}_requests"] = kind.requests
    return figures


def _serve(url: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``telcare serve`` on a free port, its output in ``log``; waits until it answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {"TELCARE_DATABASE_URL": url}
    env.setdefault("TELCARE_SECRET_KEY", "soak-" + secrets.token_urlsafe(32))
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "telcare", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{base}/hall/login", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"the server did not start: {log.read_text(errors='replace')[-2000:]}")


def _code(db: Database, msisdn: str) -> str:
    """The login code in the newest SMS queued to ``msisdn``."""
    with db.uow() as uow:
        body = uow.session.scalars(
            select(m.OutboundSms.text)
            .where(m.OutboundSms.recipient == msisdn)
            .order_by(m.OutboundSms.id.desc())
        ).first()
    found = re.search(r"\d{6}", body or "")
    if found is None:
        raise RuntimeError(f"no login code for {msisdn}: {body!r}")
    return found.group()


def _api_client(base: str, db: Database, msisdn: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    client.post("/tmf-api/auth/otp", json={"msisdn": msisdn}).raise_for_status()
    grant = {"grant_type": "otp", "msisdn": msisdn, "code": _code(db, msisdn)}
    token = client.post("/tmf-api/auth/token", json=grant)
    token.raise_for_status()
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return client


def _page_client(base: str, db: Database, msisdn: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30, follow_redirects=True)
    csrf = _csrf(client.get("/hall/login").text)
    client.post("/hall/login/code", data={"msisdn": msisdn, "csrf_token": csrf})
    form = {"msisdn": msisdn, "code": _code(db, msisdn), "csrf_token": csrf}
    page = client.post("/hall/login", data=form)
    if page.url.path != "/hall/":
        raise RuntimeError(f"hall login failed for {msisdn}: {page.status_code}")
    return client


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if found is None:
        raise RuntimeError("no CSRF field on the login page")
    return found.group(1)


def _rss(pid: int) -> int:
    """Resident set size of ``pid`` in bytes (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0
