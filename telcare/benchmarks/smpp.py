"""`telcare bench smpp`: CXYE through a real SMPP socket, from a peer SMSC to the reply.

The peer is the scripted SMSC on the npm ``smpp`` package (``tests/peer_smsc/smsc.js``,
node; ``npm ci`` there first). It keeps ``window`` MOs in flight, each from a different
subscriber, and times each from its ``deliver_sm`` to the reply's ``submit_sm``. One gateway
(one bind) answers through the real dispatcher on a throwaway PostgreSQL schema.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

from telcare.benchmarks.sms import _database, _numbers, _pg_schema
from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.smpp import SmppGateway

PEER = Path(__file__).resolve().parents[2] / "tests" / "peer_smsc" / "smsc.js"
MOS = 5000
WINDOW = 10


def run(records: int = MOS) -> dict[str, float]:
    """``records`` CXYE MOs, ``WINDOW`` in flight; order pairs are not measured yet."""
    node = shutil.which("node")
    if node is None or not (PEER.parent / "node_modules").is_dir():
        raise RuntimeError("needs node and `npm ci` in tests/peer_smsc")
    with _pg_schema() as url, _database(url) as db:
        numbers = _numbers(db)[:WINDOW]
        peer = subprocess.Popen(
            [node, str(PEER), "0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert peer.stdin is not None and peer.stdout is not None
        port = int(_event(peer, "listening")["port"])
        gateway = SmppGateway(
            "127.0.0.1", port, "bench", "", SmsDispatcher(db).handle, window=WINDOW
        )
        gateway.start()
        try:
            if not gateway.wait_bound(10):
                raise RuntimeError("the gateway did not bind to the peer SMSC")
            _blast(peer, numbers, 200)  # warm-up
            done = _blast(peer, numbers, records)
        finally:
            gateway.stop(10)
            peer.stdin.close()
            peer.wait(10)
    return {
        "cxye_per_s": done["count"] / done["seconds"],
        "mo_to_mt_p99_ms": float(done["p99_ms"]),
        "order_pairs_per_s": math.nan,
        "window": WINDOW,
    }


def _blast(peer: subprocess.Popen[str], senders: list[str], n: int) -> dict[str, Any]:
    assert peer.stdin is not None
    command = {"op": "blast", "n": n, "window": WINDOW, "senders": senders}
    command |= {"recipient": "10086", "text": "CXYE"}
    peer.stdin.write(json.dumps(command) + "\n")
    peer.stdin.flush()
    return _event(peer, "blast")


def _event(peer: subprocess.Popen[str], kind: str) -> dict[str, Any]:
    assert peer.stdout is not None
    for line in peer.stdout:
        event: dict[str, Any] = json.loads(line)
        if event["ev"] == kind:
            return event
    raise RuntimeError(f"the peer SMSC ended before {kind!r}")
