"""Live chat delivery on one node (issue #21's load target): one feed per chat whatever
its number of sockets, messages handed on by their writer without a read, a read only for
a gap, and one poll for every watched chat at rest (not one read per socket)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from telcare.channels.web.chat import live
from telcare.services.chat import Message
from tests import aio

AT = datetime(2026, 12, 2, 4, tzinfo=UTC)


def msg(seq: int) -> Message:
    return Message(seq, "subscriber", "13800138000", f"m{seq}", AT)


class Store:
    """What the database holds, and every read made of it."""

    def __init__(self, seqs: dict[int, int]) -> None:
        self.seqs = seqs
        self.reads: list[tuple[str, Any]] = []

    def since(self, _db: object, chat_id: int, after: int) -> list[Message]:
        self.reads.append(("since", (chat_id, after)))
        return [msg(s) for s in range(after + 1, self.seqs[chat_id] + 1)]

    def last_numbers(self, _db: object, ids: list[int]) -> dict[int, int]:
        self.reads.append(("poll", sorted(ids)))
        return {i: self.seqs[i] for i in ids}


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Store:
    db = Store({1: 3, 2: 5, 3: 0})
    monkeypatch.setattr(live.reads, "since", db.since)
    monkeypatch.setattr(live.reads, "last_numbers", db.last_numbers)
    monkeypatch.setattr(live, "POLL_SECONDS", 0.05)
    return db


def drain(outlet: live.Outlet) -> list[int]:
    out = []
    while not outlet.empty():
        out += [m.seq for m in outlet.get_nowait()]
    return out


def test_written_messages_reach_every_socket_of_the_chat_without_a_read(store: Store) -> None:
    async def run() -> None:
        hub = live.Hub(object())  # type: ignore[arg-type]
        feed, subscriber = hub.join(1)
        _, agent = hub.join(1)
        assert len(hub.feeds) == 1  # one feed for the chat, not one reader per socket
        feed.known(3)
        store.seqs[1] = 5
        hub.written(1, [msg(4)])
        hub.written(1, [msg(4), msg(5)])  # seen before: handed on once
        assert drain(subscriber) == drain(agent) == [4, 5]
        assert store.reads == []

    aio.run(run())


def test_a_gap_between_two_writers_is_read_once_and_delivered_in_order(store: Store) -> None:
    async def run() -> None:
        hub = live.Hub(object())  # type: ignore[arg-type]
        feed, outlet = hub.join(1)
        feed.known(3)
        store.seqs[1] = 6
        hub.written(1, [msg(6)])  # 4 and 5 were written by another process
        await asyncio.sleep(0.2)
        assert drain(outlet) == [4, 5, 6]
        assert [r for r in store.reads if r[0] == "since"] == [("since", (1, 3))]
        hub.written(1, [msg(5)])  # the crossing writer's message arrives late: nothing new
        assert drain(outlet) == []

    aio.run(run())


def test_at_rest_one_poll_asks_for_every_watched_chat(store: Store) -> None:
    async def run() -> None:
        hub = live.Hub(object())  # type: ignore[arg-type]
        joined = [hub.join(chat_id) for chat_id in (1, 2, 2, 3)]
        for (feed, _), seq in zip(joined, (3, 5, 5, 0), strict=True):
            feed.known(seq)
        await asyncio.sleep(0.3)
        polls = [r for r in store.reads if r[0] == "poll"]
        assert polls and all(r == ("poll", [1, 2, 3]) for r in polls)
        assert [r for r in store.reads if r[0] == "since"] == []  # nothing new: no reads
        store.seqs[2] = 6  # another process wrote
        await asyncio.sleep(0.3)
        assert drain(joined[1][1]) == drain(joined[2][1]) == [6]
        for feed, outlet in joined:
            hub.part(feed, outlet)
        assert hub.feeds == {}

    aio.run(run())
