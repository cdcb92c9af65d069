"""Processes for a real multi-node run (the three-node test and ``bench sync``):
a private JetStream server and Telcare nodes, each with its own database."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from telcare.config import Settings, secret_problem

_RUN_KEY = secrets.token_urlsafe(32)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


class NatsServer:
    """``nats-server -js`` on ``port`` with its store in ``store_dir`` (kept across restarts)."""

    def __init__(self, store_dir: Path, port: int | None = None, log: Path | None = None) -> None:
        self.store_dir = store_dir
        self.port = port or free_port()
        self.log = log or store_dir.parent / f"nats-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    Settings().nats_server,
                    "-js",
                    "-a",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-sd",
                    str(self.store_dir),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_port(self.port)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class NodeProcess:
    """``python -m telcare.channels.bus_cli run`` for one province (or ``HQ``)."""

    def __init__(
        self, province: str, database_url: str, bus_url: str, log: Path, batch: int = 500
    ) -> None:
        self.province = province
        self.database_url = database_url
        self.bus_url = bus_url
        self.log = log
        self.batch = batch
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "TELCARE_DATABASE_URL": self.database_url,
            "TELCARE_PROVINCE": self.province,
            "TELCARE_BUS_URL": self.bus_url,
        }
        if secret_problem(env.get("TELCARE_SECRET_KEY", "")) is not None:
            env["TELCARE_SECRET_KEY"] = _RUN_KEY  # a local run's nodes: one throwaway key
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "telcare.channels.bus_cli",
                    "run",
                    "--batch",
                    str(self.batch),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        """``kill -9``: no clean-up of any kind."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
