"""Liveness and readiness for every long-running process, and a small health port.

A :class:`Health` holds named readiness checks (each returns None when fine, else a
short reason). The web node answers ``/api/health/live`` and ``/api/health/ready``
from it; ``telcare smpp``, ``telcare bus run`` and ``telcare worker`` take
``--health-port`` and serve ``/live``, ``/ready`` and ``/metrics`` from a thread
(:func:`serve_health`). Live means the process answers; ready means it can do its
work: the database answers, its migrations are at head, NATS answers when the bus is
``nats://``/``tls://``, and (gateway) the SMPP session is bound.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import urlsplit

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from telcare.store.migrate import at_head
from telcare.store.uow import Database

Check = Callable[[], str | None]
TIMEOUT_S = 2.0


@dataclass
class Health:
    """Named readiness checks of one process."""

    checks: dict[str, Check] = field(default_factory=dict)
    before_metrics: list[Callable[[], None]] = field(default_factory=list)
    """Run before each ``/metrics`` scrape (e.g. to refresh the outbox gauges)."""

    def add(self, name: str, check: Check) -> Health:
        self.checks[name] = check
        return self

    def ready(self, timeout: float = TIMEOUT_S) -> tuple[bool, dict[str, str]]:
        """Whether every check passes, and each check's ``ok`` or reason; the checks run
        side by side, and one that takes over ``timeout`` seconds has failed."""
        results: dict[str, str] = {}
        pool = ThreadPoolExecutor(max_workers=max(1, len(self.checks)))
        futures = {name: pool.submit(check) for name, check in self.checks.items()}
        deadline = time.monotonic() + timeout
        for name, future in futures.items():
            try:
                problem = future.result(max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                problem = f"no answer within {timeout:g}s"
            except Exception as exc:  # a check that raises is a failed check
                problem = f"{type(exc).__name__}: {exc}"[:200]
            results[name] = "ok" if problem is None else problem
        pool.shutdown(wait=False)  # a hung check finishes (or not) on its own thread
        return all(r == "ok" for r in results.values()), results


def database_check(db: Database) -> Check:
    """The database answers and its schema is at the migrations' head."""

    def check() -> str | None:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            if not at_head(conn):
                return "migrations not at head: run telcare init (or alembic upgrade)"
        return None

    return check


def nats_check(bus_url: str, timeout: float = TIMEOUT_S) -> Check | None:
    """The NATS server answers (its ``INFO`` greeting); None when the bus is in-process."""
    if not bus_url.startswith(("nats://", "tls://")):
        return None
    servers = [urlsplit(u.strip()) for u in bus_url.split(",") if u.strip()]

    def check() -> str | None:
        errors = []
        for server in servers:
            host, port = server.hostname or "127.0.0.1", server.port or 4222
            try:
                with socket.create_connection((host, port), timeout) as sock:
                    sock.settimeout(timeout)
                    if sock.recv(4).startswith(b"INFO"):
                        return None
                    errors.append(f"{host}:{port} is not NATS")
            except OSError as exc:
                errors.append(f"{host}:{port} {exc.__class__.__name__}")
        return "NATS unreachable: " + ", ".join(errors)

    return check


class Bindable(Protocol):
    @property
    def bound(self) -> bool: ...


def smpp_check(gateway: Bindable) -> Check:
    """The SMPP transceiver session is bound."""
    return lambda: None if gateway.bound else "SMPP not bound to the SMSC"


def for_node(db: Database, bus_url: str) -> Health:
    """The checks every node process shares: database and migrations, NATS if configured."""
    health = Health().add("database", database_check(db))
    nats = nats_check(bus_url)
    if nats is not None:
        health.add("nats", nats)
    return health


def serve_health(health: Health, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Serve ``/live``, ``/ready`` (200 or 503, JSON) and ``/metrics`` on ``host:port``
    from a daemon thread; ``port`` 0 picks a free one (``server.server_port``)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0].rstrip("/")
            if path in ("/live", "/health/live"):
                self._send(200, "application/json", b'{"status": "ok"}')
            elif path in ("/ready", "/health/ready"):
                ok, results = health.ready()
                body = json.dumps({"status": "ok" if ok else "fail", "checks": results})
                self._send(200 if ok else 503, "application/json", body.encode())
            elif path == "/metrics":
                for refresh in health.before_metrics:
                    refresh()
                self._send(200, CONTENT_TYPE_LATEST, generate_latest())
            else:
                self._send(404, "text/plain", b"not found")

        def _send(self, status: int, ctype: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # probes are not news
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    return server
