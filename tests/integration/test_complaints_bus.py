"""The in-process bus: the relay publishes in order, stamps rows, and calls local subscribers."""

from __future__ import annotations

import asyncio
import time

from telcare.bus import handlers, outbox
from telcare.bus.node import Node
from telcare.domain.access import Kind, Principal
from telcare.services import complaints as svc
from telcare.store.uow import Database
from tests import aio

AGENT = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")


def test_in_process_relay_delivers_ticket_closed(sqlite_db: Database) -> None:
    closed: list[str] = []
    handlers.subscribe("ticket.closed", lambda db, event: closed.append(event["key"]))
    try:
        t = svc.file_ticket(sqlite_db, AGENT, node="HQ", msisdn="13800138000",
                            category="BIL.DISPUTE.DATA", summary="流量费争议")  # fmt: skip
        for action in ("start", "resolve", "close"):
            svc.transition(sqlite_db, AGENT, t.id, action, node="HQ")
        assert outbox.backlog(sqlite_db) == 4

        async def main() -> None:
            stop = asyncio.Event()
            node = Node(sqlite_db, "HQ", "inprocess://", poll_s=0.01)
            task = asyncio.create_task(node.run(stop))
            deadline = time.monotonic() + 5
            while outbox.backlog(sqlite_db) and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            stop.set()
            await task

        aio.run(main())
        assert outbox.backlog(sqlite_db) == 0
        assert closed == [t.id]
        assert t.province == "BJ"  # a single node files for the caller's province
    finally:
        handlers.unsubscribe_all()
