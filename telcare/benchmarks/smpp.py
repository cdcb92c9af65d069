"""`telcare bench smpp`: CXYE through a real SMPP socket, from a peer SMSC to the reply.

The peer is the scripted SMSC on the npm ``smpp`` package (``tests/peer_smsc/smsc.js``,
node; ``npm ci`` there first). It keeps ``window`` MOs in flight, each from a different
subscriber, and times each from its ``deliver_sm`` to the reply's ``submit_sm``. One gateway
(one bind) answers through the real dispatcher on a throwaway PostgreSQL schema.

Order pairs: every seeded subscriber once sends ``KTG3YH`` and, on its confirmation request,
``Y`` (a charged 1-yuan pack); ``orders`` is how many subscriptions the run opened.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from telcare.benchmarks.sms import _database, _numbers, _pg_schema
from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.smpp import SmppGateway
from telcare.store import models as m
from telcare.store.uow import Database

PEER = Path(__file__).resolve().parents[2] / "tests" / "peer_smsc" / "smsc.js"
MOS = 5000
WINDOW = 10


def run(records: int = MOS) -> dict[str, float]:
    """``records`` CXYE MOs, then one KT+Y pair per seeded subscriber, ``WINDOW`` in flight."""
    node = shutil.which("node")
    if node is None or not (PEER.parent / "node_modules").is_dir():
        raise RuntimeError("needs node and `npm ci` in tests/peer_smsc")
    with _pg_schema() as url, _database(url) as db:
        everyone = _numbers(db)
        numbers = everyone[:WINDOW]
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
            before = _orders(db)
            pairs = _blast(peer, everyone, len(everyone), ["KTG3YH", "Y"])
            orders = _orders(db) - before
        finally:
            gateway.stop(10)
            peer.stdin.close()
            peer.wait(10)
    return {
        "cxye_per_s": done["count"] / done["seconds"],
        "mo_to_mt_p99_ms": float(done["p99_ms"]),
        "order_pairs_per_s": pairs["count"] / pairs["seconds"],
        "order_p99_ms": float(pairs["p99_ms"]),
        "orders": orders,
        "stray_mts": done["stray"] + pairs["stray"],
        "window": WINDOW,
    }


def _blast(
    peer: subprocess.Popen[str], senders: list[str], n: int, texts: list[str] | None = None
) -> dict[str, Any]:
    """``n`` sequences of ``texts`` (default ``CXYE``), each from the next free sender."""
    assert peer.stdin is not None
    command = {"op": "blast", "n": n, "window": WINDOW, "senders": senders}
    command |= {"recipient": "10086", "texts": texts or ["CXYE"]}
    peer.stdin.write(json.dumps(command) + "\n")
    peer.stdin.flush()
    return _event(peer, "blast")


def _orders(db: Database) -> int:
    with db.uow() as uow:
        return (
            uow.session.scalar(select(func.count()).where(m.Subscription.product_code == "G3YH"))
            or 0
        )


def _event(peer: subprocess.Popen[str], kind: str) -> dict[str, Any]:
    assert peer.stdout is not None
    for line in peer.stdout:
        event: dict[str, Any] = json.loads(line)
        if event["ev"] == kind:
            return event
    raise RuntimeError(f"the peer SMSC ended before {kind!r}")
