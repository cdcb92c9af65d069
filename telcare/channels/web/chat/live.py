"""Live delivery of chat messages to the open sockets of this node.

One :class:`Feed` per chat watched here, however many sockets it has (the subscriber, the
agent, a supervisor, a second tab). What this node writes to a chat is handed to its feed
by the writer at once, without reading it back; the feed reads the database only to fill
a gap (two writers crossing) or when told that something changed (a page's form). Once
every :data:`POLL_SECONDS` one statement asks where every watched chat stands, for what
another process wrote. A dropped socket reconnects with ``?after=<last seq>`` and misses
nothing: it first catches up from the database, then follows the feed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from fastapi import WebSocket, WebSocketDisconnect

from telcare import clock
from telcare.domain import chat as dc
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError
from telcare.domain.messages import render
from telcare.services import chat
from telcare.services.chat import feed as reads
from telcare.services.chat.common import Said, append_many
from telcare.store.uow import Database

POLL_SECONDS = 2.0
"""How often a node asks whether another process wrote to the chats it watches."""
MAX_FRAME = 8192
GAP_TRIES = 5
"""Reads for a gap that does not fill (a message deleted) before the feed skips it."""

WRITERS = 4
"""Threads for the chat sockets' database work. A few, not Starlette's forty: each thread
holds the interpreter lock while it runs Python, and forty of them crowding a node made
every statement wait its turn many times over (docs/benchmarks.md, "Online chat")."""

log = logging.getLogger(__name__)
Outlet = asyncio.Queue[list[chat.Message]]
_threads = ThreadPoolExecutor(WRITERS, thread_name_prefix="chat")
_writer = ThreadPoolExecutor(1, thread_name_prefix="chat-writer")
"""The people's messages have a thread of their own: never queued behind catching up."""
T = TypeVar("T")


async def in_thread(func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` on one of the chat threads."""
    return await asyncio.get_running_loop().run_in_executor(_threads, func, *args)


class Feed:
    """One chat's messages on this node, in order and once each, to every socket on it."""

    def __init__(self, hub: Hub, chat_id: int) -> None:
        self.hub, self.chat_id = hub, chat_id
        self.last: int | None = None  # the last number handed on (None: not known yet)
        self.outlets: set[Outlet] = set()
        self._pending: dict[int, chat.Message] = {}
        self._reader: asyncio.Task[None] | None = None
        self._again = False

    def push(self, messages: Iterable[chat.Message]) -> None:
        """Messages written (committed) to the chat, in any order, maybe seen before."""
        for m in messages:
            if self.last is None or m.seq > self.last:
                self._pending[m.seq] = m
        self._hand_on()

    def known(self, seq: int) -> None:
        """The chat's last number as the database has it."""
        if self.last is None:
            self.last = seq
            self._hand_on()
        elif seq > self.last:
            self.refresh()

    def refresh(self) -> None:
        """Read what the database has after :attr:`last` (one read at a time)."""
        if self.last is None:
            return  # the first socket's catch-up sets it
        if self._reader is not None and not self._reader.done():
            self._again = True
            return
        self._reader = asyncio.get_running_loop().create_task(self._read())

    def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()

    def _hand_on(self) -> None:
        if self.last is None:
            return
        out = []
        while (m := self._pending.pop(self.last + 1, None)) is not None:
            out.append(m)
            self.last = m.seq
        for seq in [s for s in self._pending if s <= self.last]:
            del self._pending[seq]
        if out:
            for outlet in self.outlets:
                outlet.put_nowait(out)
        if self._pending:
            self.refresh()  # a gap: another writer's message is on its way or elsewhere

    async def _read(self) -> None:
        tries = 0
        while self.last is not None:
            self._again = False
            try:
                fresh = await in_thread(reads.since, self.hub.db, self.chat_id, self.last)
            except Exception:  # the database is away: the next poll tries again
                log.exception("chat %s: reading new messages failed", self.chat_id)
                return
            tries = 0 if fresh else tries + 1
            if self._pending and tries >= GAP_TRIES:
                self.last = min(self._pending) - 1  # never filled: skip the gap
            self.push(fresh)
            if not self._again:
                return
            if not fresh:
                await asyncio.sleep(0.02 * tries)


class Hub:
    """The feeds of one event loop, their poll for other processes' writes, and the
    writer of the people's messages that its sockets receive."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.loop = asyncio.get_running_loop()
        self.feeds: dict[int, Feed] = {}
        self._poller: asyncio.Task[None] | None = None
        self._said: list[tuple[Said, asyncio.Future[chat.Message | None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def person_says(
        self, role: dc.Role, who: str, chat_id: int, text: str
    ) -> chat.Message | None:
        """A person's message the short way (:func:`append_many`): the messages that
        arrive while a batch is written go together in the next one. None: the chat is in
        no state for it (the caller takes the long way)."""
        said: Said = (role, who, chat_id, dc.check_text(text), clock.now())
        done: asyncio.Future[chat.Message | None] = self.loop.create_future()
        self._said.append((said, done))
        if self._writer is None or self._writer.done():
            self._writer = self.loop.create_task(self._write())
        return await done

    async def _write(self) -> None:
        while self._said:
            batch, self._said = self._said, []
            try:
                said = [s for s, _ in batch]
                written = await self.loop.run_in_executor(_writer, append_many, self.db, said)
            except Exception as exc:  # the database is away: each sender hears of it
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for (_, done), message in zip(batch, written, strict=True):
                if not done.done():
                    done.set_result(message)

    def join(self, chat_id: int) -> tuple[Feed, Outlet]:
        feed = self.feeds.get(chat_id)
        if feed is None:
            feed = self.feeds[chat_id] = Feed(self, chat_id)
        outlet: Outlet = asyncio.Queue()
        feed.outlets.add(outlet)
        if self._poller is None or self._poller.done():
            self._poller = self.loop.create_task(self._poll())
        return feed, outlet

    def part(self, feed: Feed, outlet: Outlet) -> None:
        feed.outlets.discard(outlet)
        if not feed.outlets and self.feeds.get(feed.chat_id) is feed:
            del self.feeds[feed.chat_id]
            feed.stop()

    def written(self, chat_id: int, messages: Sequence[chat.Message] = ()) -> None:
        """This node wrote ``messages`` to the chat (none given: read what changed)."""
        feed = self.feeds.get(chat_id)
        if feed is None:
            return
        if messages:
            feed.push(messages)
        else:
            feed.refresh()

    async def _poll(self) -> None:
        while self.feeds:
            await asyncio.sleep(POLL_SECONDS)
            try:
                seqs = await in_thread(reads.last_numbers, self.db, list(self.feeds))
            except Exception:
                log.exception("chat poll failed")
                continue
            for chat_id, seq in seqs.items():
                if (feed := self.feeds.get(chat_id)) is not None:
                    feed.known(seq)


def hub_of(app: Any, db: Database) -> Hub:
    """The running loop's hub (a test client runs one loop per connection)."""
    hubs: dict[asyncio.AbstractEventLoop, Hub] = getattr(app.state, "chat_hubs", {})
    loop = asyncio.get_running_loop()
    if loop not in hubs:
        hubs = {k: h for k, h in hubs.items() if not k.is_closed()}
        hubs[loop] = Hub(db)
        app.state.chat_hubs = hubs
    return hubs[loop]


def announce(app: Any, chat_id: int, messages: Sequence[chat.Message] = ()) -> None:
    """From a request's thread: tell every hub this node wrote to ``chat_id``."""
    for loop, hub in list(getattr(app.state, "chat_hubs", {}).items()):
        with contextlib.suppress(RuntimeError):  # the loop has closed
            loop.call_soon_threadsafe(hub.written, chat_id, tuple(messages))


def same_origin(websocket: WebSocket) -> bool:
    """Refuse cross-site sockets (the session cookie would go with them)."""
    origin = websocket.headers.get("origin")
    host = websocket.headers.get("host", "")
    return origin is None or origin.split("://", 1)[-1] == host


def message_json(m: chat.Message) -> dict[str, Any]:
    at = m.at.isoformat()
    return {"seq": m.seq, "role": m.role, "author": m.author, "text": m.text, "at": at}


async def serve(
    websocket: WebSocket,
    db: Database,
    who: Principal,
    chat_id: int,
    after: int,
    on_text: Callable[[str], Awaitable[Sequence[chat.Message]]],
    lang: str,
) -> None:
    """Run one socket: send the chat's messages after ``after`` and then every new one as
    it comes; hand each text frame to ``on_text`` (which returns what it wrote)."""
    hub = hub_of(websocket.app, db)
    feed, outlet = hub.join(chat_id)

    async def pump() -> None:
        last = after
        try:
            batch, seq = await in_thread(reads.catch_up, db, who, chat_id, after)
        except DomainError:
            await websocket.close(code=4404)
            return
        feed.known(seq)
        while True:
            fresh = [m for m in batch if m.seq > last]
            if fresh:
                last = fresh[-1].seq
                try:
                    await websocket.send_json({"messages": [message_json(m) for m in fresh]})
                except (RuntimeError, OSError, WebSocketDisconnect):
                    return  # the client went away; receive() sees it and ends the socket
            batch = await outlet.get()

    async def receive() -> None:
        """Every frame the client sent, in order, until it disconnects: a message sent
        just before closing is still said."""
        while True:
            frame = await websocket.receive()
            if frame["type"] == "websocket.disconnect":
                return
            text = frame.get("text")
            if text is None or len(text) > MAX_FRAME:  # binary or oversized: refused, not fatal
                await _send_error(render("chat.too_long", lang, limit=1000))
                continue
            try:
                body = json.loads(text)
                said = str(body["text"]) if isinstance(body, dict) else ""
            except (ValueError, KeyError):
                said = ""
            try:
                written = await on_text(said)
            except DomainError as err:
                hub.written(chat_id)  # the bot's path may have written before refusing
                await _send_error(render(err.key, lang, **err.params))
                continue
            hub.written(chat_id, written)

    async def _send_error(text: str) -> None:
        with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
            await websocket.send_json({"error": text})

    sender = asyncio.create_task(pump())
    try:
        await receive()
    finally:
        sender.cancel()
        hub.part(feed, outlet)
