"""`telcare bench chat`: concurrent online chats against one node on PostgreSQL.

``records`` subscribers (500 by default) each have a chat answered by an agent (four
chats per agent, as on the desk). Every subscriber's WebSocket and every agent's chat
socket is open at once against a real uvicorn node (a process of its own, as ``telcare
serve`` runs it: the clients here do not share its interpreter); each subscriber sends
``MESSAGES`` messages, and the figure is the time from sending to the agent's socket
receiving it: ``p99_ms`` (target < 200 ms), ``messages_per_s`` delivered, ``lost``.
Runs at noon Beijing time (agents at their desks) on the process clock.
"""

from __future__ import annotations

import asyncio
import json
import math
import multiprocessing
import os
import secrets
import socket
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from telcare import clock
from telcare.benchmarks.sms import _database, _p99_ms, _pg_schema
from telcare.domain.access import Kind, Principal
from telcare.store import models as m
from telcare.store.uow import Database

SESSIONS = 500
MESSAGES = 10
PER_AGENT = 4


def run(records: int = SESSIONS) -> dict[str, float]:
    """``records`` concurrent chats on PostgreSQL."""
    os.environ.setdefault("TELCARE_SECRET_KEY", secrets.token_urlsafe(32))
    from telcare.config import get_settings

    get_settings.cache_clear()
    noon = (clock.local_now() + timedelta(days=1)).replace(hour=12, minute=0, second=0)
    clock.start_at(noon)
    try:
        with _pg_schema() as url, _database(url) as db:
            return asyncio.run(_measure(db, url, records))
    except OSError as exc:
        print(f"chat benchmark skipped: {exc}")
        return {"sessions": 0, "messages_per_s": math.nan, "p99_ms": math.nan, "lost": math.nan}
    finally:
        clock.start_at(None)


def _prepare(db: Database, n: int) -> list[tuple[str, int, Principal, int]]:
    """``n`` lines, each with a chat taken by one of ``n / PER_AGENT`` agents."""
    from telcare.services import chat

    with db.uow() as uow:
        s = uow.session
        lines = list(s.scalars(select(m.Subscriber.msisdn).order_by(m.Subscriber.id).limit(n)))
        agents = [f"bench-{i:04d}" for i in range(math.ceil(n / PER_AGENT))]
        for name in agents:
            s.add(m.StaffUser(username=name, role="agent", province_code="HQ",
                              password_hash="-", created_at=clock.now()))  # fmt: skip
        uow.commit()
    out = []
    for i, msisdn in enumerate(lines):
        view = chat.start(db, msisdn)
        chat.sessions.hand_over(db, view.id)
        who = Principal(Kind.STAFF, agents[i // PER_AGENT], "HQ", "agent")
        chat.take(db, who, view.id)
        last = chat.messages(db, who, view.id)[-1].seq
        out.append((msisdn, view.id, who, last))
    return out


def _serve(url: str) -> tuple[Any, int]:
    """One uvicorn node in a process of its own (as ``telcare serve`` runs one), so that
    the clients' work in this process does not count against it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    node = multiprocessing.get_context("spawn").Process(
        target=_node, args=(url, port, clock.now().isoformat()), daemon=True
    )
    node.start()
    deadline = time.monotonic() + 120
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return node, port
        if not node.is_alive() or time.monotonic() > deadline:
            raise OSError("the chat node did not start")
        time.sleep(0.1)


def _node(url: str, port: int, instant: str) -> None:
    import uvicorn

    from telcare.channels.api.app import create_app

    clock.start_at(clock.parse_instant(instant))
    uvicorn.run(
        create_app(Database(url)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws_max_queue=64,
        ws_per_message_deflate=False,  # as `telcare serve`
    )


async def _measure(db: Database, url: str, n: int) -> dict[str, float]:
    import websockets

    from telcare.config import secret_key
    from telcare.services import auth

    chats = _prepare(db, n)
    node, port = _serve(url)
    base = f"ws://127.0.0.1:{port}"
    sent: dict[str, float] = {}
    latencies: list[float] = []
    ready = asyncio.Event()
    opened = 0

    def settled() -> None:
        """One more agent socket open, or failed to: the subscribers start when all are."""
        nonlocal opened
        opened += 1
        if opened == len(chats):
            ready.set()

    async def agent(chat_id: int, who: Principal, after: int) -> None:
        token = auth.issue_token(who, secret_key())
        headers = {"Authorization": f"Bearer {token}"}
        try:
            ws = await websockets.connect(f"{base}/staff/chat/{chat_id}/ws?after={after}",
                                          additional_headers=headers, open_timeout=120)  # fmt: skip
        finally:
            settled()
        async with ws:
            got = 0
            while got < MESSAGES:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
                for msg in frame.get("messages", []):
                    at = sent.pop(msg["text"], None)
                    if at is not None:
                        latencies.append(time.perf_counter() - at)
                        got += 1

    async def subscriber(msisdn: str, chat_id: int, after: int) -> None:
        token = auth.issue_token(Principal(Kind.SUBSCRIBER, msisdn, ""), secret_key())
        headers = {"Authorization": f"Bearer {token}"}
        hall = f"{base}/hall/chat/ws?after={after}"
        async with websockets.connect(hall, additional_headers=headers, open_timeout=120) as ws:
            await ready.wait()
            for k in range(MESSAGES):
                await asyncio.sleep(0.5 + (hash((chat_id, k)) % 1000) / 1000)
                text = f"bench {chat_id} {k}"
                sent[text] = time.perf_counter()
                await ws.send(json.dumps({"text": text}))
            await asyncio.sleep(2)

    start = time.perf_counter()
    tasks = [agent(c, w, a) for _, c, w, a in chats] + [
        subscriber(n_, c, a) for n_, c, _, a in chats
    ]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    elapsed = time.perf_counter() - start
    node.terminate()
    node.join(10)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        print(f"{len(errors)} sockets failed, e.g. {errors[0]!r}")
    return {
        "sessions": float(len(chats)),
        "messages_per_s": len(latencies) / elapsed,
        "p99_ms": _p99_ms(latencies) if latencies else math.nan,
        "lost": float(len(chats) * MESSAGES - len(latencies)),
    }
