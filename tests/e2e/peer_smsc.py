"""A scripted SMSC that this project did not write: ``tests/peer_smsc/smsc.js`` on the npm ``smpp``
package, run under node and driven by JSON lines (commands in, events out)."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

PEER_DIR = Path(__file__).resolve().parents[1] / "peer_smsc"
WAIT = 5.0

Event = dict[str, Any]


def node_or_skip() -> str:
    """The node binary, the npm package installed (``npm ci``, offline if it can)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the peer-SMSC tests need node and npm")
    if not (PEER_DIR / "node_modules" / "smpp").is_dir():
        npm = shutil.which("npm")
        assert npm is not None, "node without npm: cannot install the peer SMSC's package"
        subprocess.run(
            [npm, "ci", "--prefer-offline", "--no-audit", "--no-fund"],
            cwd=PEER_DIR,
            check=True,
            capture_output=True,
        )
    return node


class PeerSmsc:
    """The node SMSC as a subprocess: :meth:`command` sends, :meth:`wait_for` awaits events."""

    def __init__(self, port: int = 0) -> None:
        node = node_or_skip()
        self.proc = subprocess.Popen(
            [node, str(PEER_DIR / "smsc.js"), str(port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.events: list[Event] = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._commands = 0
        (listening,) = self.wait_for(lambda e: e["ev"] == "listening")
        self.host, self.port = "127.0.0.1", int(listening["port"])
        self._ids = 0
        self._commands = 0

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._cond:
                self.events.append(json.loads(line))
                self._cond.notify_all()

    def command(self, op: str, **fields: Any) -> None:
        """Send one command to the script and wait until it has been carried out."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": op, **fields}) + "\n")
        self.proc.stdin.flush()
        self._commands += 1
        self.wait_for(lambda e: e["ev"] == "ok", self._commands)

    def deliver(self, sender: str, recipient: str, **fields: Any) -> int:
        """Send a deliver_sm (``text=`` or ``hex=``); return the id its response will carry."""
        self._ids += 1
        self.command(
            "deliver", id=self._ids, source_addr=sender, destination_addr=recipient, **fields
        )
        return self._ids

    def raw(self, data: bytes) -> None:
        """Write raw bytes on every bound session."""
        self.command("raw", hex=data.hex())

    def select(self, predicate: Callable[[Event], bool]) -> list[Event]:
        with self._cond:
            return [e for e in self.events if predicate(e)]

    def wait_for(
        self, predicate: Callable[[Event], bool], count: int = 1, timeout: float = WAIT
    ) -> list[Event]:
        """Wait until ``count`` events match; return them (fails the test on timeout)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [e for e in self.events if predicate(e)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                assert left > 0, f"waited for {count} events; got {found}; all: {self.events[-20:]}"
                self._cond.wait(left)

    def submits(self, count: int, timeout: float = WAIT) -> list[Event]:
        return self.wait_for(lambda e: e["ev"] == "submit_sm", count, timeout)

    def resp(self, deliver_id: int, timeout: float = WAIT) -> Event:
        (event,) = self.wait_for(lambda e: e["ev"] == "resp" and e["id"] == deliver_id, 1, timeout)
        return event

    def binds(self, count: int = 1, timeout: float = WAIT) -> list[Event]:
        return self.wait_for(lambda e: e["ev"] == "bind", count, timeout)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def peer_smsc() -> Iterator[PeerSmsc]:
    """Body of a fixture: a started peer SMSC, closed afterwards."""
    peer = PeerSmsc()
    try:
        yield peer
    finally:
        peer.close()
