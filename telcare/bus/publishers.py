"""Publishers: the in-process bus (default) and NATS JetStream.

``publish`` returns only when the bus holds every message (JetStream: each one
acknowledged by the stream) and raises otherwise, so the relay stamps an outbox
row only once it is safe.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from telcare.bus.handlers import Applier
from telcare.bus.outbox import Message
from telcare.config import get_settings
from telcare.ops import tracing
from telcare.store.uow import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Stream:
    name: str
    subjects: tuple[str, ...]


# One stream per purpose.
STREAMS = (
    Stream("TICKETS", ("telcare.tickets.>",)),
    Stream("ASSIGNMENTS", ("telcare.assignments.>",)),
    Stream("TAXONOMY", ("telcare.taxonomy",)),
)
DUPLICATE_WINDOW_S = 600.0


class Publisher(Protocol):
    async def publish(self, messages: Sequence[Message]) -> None: ...

    async def close(self) -> None: ...


class InProcessPublisher:
    """Delivers straight to this node's appliers (subject prefix → applier)."""

    def __init__(self, db: Database, appliers: Mapping[str, Applier]) -> None:
        self.db = db
        self.appliers = dict(appliers)

    async def publish(self, messages: Sequence[Message]) -> None:
        groups: dict[str, list[dict[str, Any]]] = {}
        for message in messages:
            for prefix in self.appliers:
                if message.subject.startswith(prefix):
                    groups.setdefault(prefix, []).append(json.loads(message.data))
        for prefix, events in groups.items():
            await asyncio.to_thread(self.appliers[prefix], self.db, events)

    async def close(self) -> None:
        return None


async def ensure_streams(js: Any) -> None:
    """Create (or align) the streams: file storage, a de-duplication window."""
    from nats.js.api import StorageType, StreamConfig
    from nats.js.errors import BadRequestError

    for stream in STREAMS:
        config = StreamConfig(
            name=stream.name,
            subjects=list(stream.subjects),
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_S,
        )
        try:
            await js.add_stream(config)
        except BadRequestError:
            await js.update_stream(config)


async def connect(url: str, name: str) -> Any:
    """A NATS connection that keeps reconnecting for ever."""
    import nats

    ca_file = get_settings().nats_ca_file
    tls = ssl.create_default_context(cafile=str(ca_file)) if ca_file else None
    return await nats.connect(
        url,
        name=name,
        tls=tls,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.25,
        connect_timeout=2,
        ping_interval=5,
        max_outstanding_pings=2,
    )


class NatsPublisher:
    """JetStream publisher: each message carries ``Nats-Msg-Id`` = its event id, so a
    message published again after a crash is dropped by the stream's de-duplication."""

    def __init__(self, nc: Any, ack_timeout: float = 5.0) -> None:
        self.nc = nc
        self.js = nc.jetstream(publish_async_max_pending=4000)
        self.ack_timeout = ack_timeout

    async def publish(self, messages: Sequence[Message]) -> None:
        futures = [
            await self.js.publish_async(
                m.subject, m.data, headers=dict(tracing.inject({"Nats-Msg-Id": m.event_id}))
            )
            for m in messages
        ]
        try:
            await asyncio.wait_for(asyncio.gather(*futures), self.ack_timeout)
        except BaseException:
            for future in futures:
                future.cancel()
            raise

    async def close(self) -> None:
        await self.nc.close()
