"""Live delivery of chat messages to open sockets on this node.

Every socket sends what the database holds after the last message it sent: woken at once
by :class:`Hub` when this node wrote to the chat, and every :data:`POLL_SECONDS` anyway
(another node, or another worker process, may have written). A dropped socket reconnects
with ``?after=<last seq>`` and misses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from fastapi import WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from telcare.domain.errors import DomainError
from telcare.domain.messages import render
from telcare.services import chat
from telcare.store.uow import Database

POLL_SECONDS = 2.0
MAX_FRAME = 8192


class Hub:
    """Per chat, an event set whenever this node wrote to it."""

    def __init__(self) -> None:
        self._events: dict[int, asyncio.Event] = {}

    def event(self, chat_id: int) -> asyncio.Event:
        return self._events.setdefault(chat_id, asyncio.Event())

    def notify(self, chat_id: int) -> None:
        event = self._events.get(chat_id)
        if event is not None:
            event.set()


def hub_of(websocket: WebSocket) -> Hub:
    app = websocket.app
    if not hasattr(app.state, "chat_hub"):
        app.state.chat_hub = Hub()
    hub: Hub = app.state.chat_hub
    return hub


def same_origin(websocket: WebSocket) -> bool:
    """Refuse cross-site sockets (the session cookie would go with them)."""
    origin = websocket.headers.get("origin")
    host = websocket.headers.get("host", "")
    return origin is None or origin.split("://", 1)[-1] == host


def message_json(m: chat.Message) -> dict[str, Any]:
    return {**asdict(m), "at": m.at.isoformat()}


async def serve(
    websocket: WebSocket,
    db: Database,
    who: Any,
    chat_id: int,
    after: int,
    on_text: Callable[[str], Awaitable[None]],
    lang: str,
) -> None:
    """Run one socket: send new messages as they come, hand each text frame to ``on_text``."""
    hub = hub_of(websocket)
    event = hub.event(chat_id)
    last = after

    async def pump() -> None:
        nonlocal last
        while True:
            event.clear()
            fresh = await run_in_threadpool(chat.messages, db, who, chat_id, last)
            if fresh:
                last = fresh[-1].seq
                try:
                    await websocket.send_json({"messages": [message_json(m) for m in fresh]})
                except (RuntimeError, OSError, WebSocketDisconnect):
                    return  # the client went away; receive() sees it and ends the socket
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), POLL_SECONDS)

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
                await on_text(said)
            except DomainError as err:
                await _send_error(render(err.key, lang, **err.params))
            hub.notify(chat_id)

    async def _send_error(text: str) -> None:
        with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
            await websocket.send_json({"error": text})

    sender = asyncio.create_task(pump())
    try:
        await receive()
    finally:
        sender.cancel()
