"""One node's bus loop: relay its outbox, run its durable consumers, sweep SLAs.

``TELCARE_BUS_URL`` chooses the bus: ``nats://…`` for JetStream, anything else for
the in-process bus (one node plays every role). The loop survives the bus going
away: unpublished rows stay in the outbox and are sent again, in order, once it is
back; consumers pick up where their durable state left them.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime
from typing import Any

from telcare import clock
from telcare.bus import handlers, outbox
from telcare.bus.publishers import (
    InProcessPublisher,
    NatsPublisher,
    Publisher,
    connect,
    ensure_streams,
)
from telcare.domain.provinces import HQ
from telcare.ops import tracing
from telcare.ops.metrics import BUS_APPLIED, BUS_CONSUME_LAG, BUS_PUBLISH_LAG, BUS_PUBLISHED
from telcare.services import complaints
from telcare.store.uow import Database

log = logging.getLogger("telcare.bus")


class Node:
    def __init__(
        self,
        db: Database,
        province: str,
        bus_url: str,
        *,
        batch: int = 500,
        poll_s: float = 0.02,
        sweep_every_s: float = 60.0,
    ) -> None:
        self.db = db
        self.province = province
        self.bus_url = bus_url
        self.batch = batch
        self.poll_s = poll_s
        self.sweep_every_s = sweep_every_s
        self.relayed = 0
        self.applied = 0

    @property
    def uses_nats(self) -> bool:
        return self.bus_url.startswith(("nats://", "tls://"))

    async def run(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set."""
        complaints.ensure_taxonomy(self.db)
        tasks: list[asyncio.Task[None]] = []
        publisher: Publisher
        if self.uses_nats:
            nc = await self._connect(stop)
            if nc is None:
                return
            js = nc.jetstream()
            await self._retry(stop, lambda: ensure_streams(js))
            publisher = NatsPublisher(nc)
            for consumer in handlers.consumers_for(self.province):
                tasks.append(asyncio.create_task(self._consume(js, consumer, stop)))
        else:
            publisher = InProcessPublisher(self.db, handlers.local_appliers())
        tasks.append(asyncio.create_task(self._relay(publisher, stop)))
        if not (self.uses_nats and self.province == HQ):
            # Owners sweep their own tickets; HQ's replicas change only through events.
            tasks.append(asyncio.create_task(self._sweep(stop)))
        try:
            await stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await publisher.close()

    async def _connect(self, stop: asyncio.Event) -> Any:
        while not stop.is_set():
            try:
                return await connect(self.bus_url, f"telcare-{self.province}")
            except Exception as exc:  # the server is not up yet
                log.warning("bus: cannot connect to %s (%s); retrying", self.bus_url, exc)
                await asyncio.sleep(0.5)
        return None

    async def _retry(self, stop: asyncio.Event, step: Any) -> None:
        while not stop.is_set():
            try:
                await step()
                return
            except Exception as exc:
                log.warning("bus: %s; retrying", exc)
                await asyncio.sleep(0.5)

    async def _relay(self, publisher: Publisher, stop: asyncio.Event) -> None:
        """Publish outbox rows in order; stamp them only once the bus holds them."""
        backoff = self.poll_s
        while not stop.is_set():
            try:
                messages = await asyncio.to_thread(outbox.pending, self.db, self.batch)
                if messages:
                    with tracing.span("bus.publish", node=self.province, events=len(messages)):
                        await publisher.publish(messages)
                    events = [json.loads(m.data) for m in messages]
                    BUS_PUBLISHED.inc(len(events))
                    for event in events:
                        BUS_PUBLISH_LAG.observe(_age_s(event))
                    await asyncio.to_thread(handlers.notify_local, self.db, events)
                    await asyncio.to_thread(
                        outbox.mark_published, self.db, [m.row_id for m in messages]
                    )
                    self.relayed += len(messages)
                    backoff = self.poll_s
                    if len(messages) == self.batch:
                        continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("bus: relay failed (%s: %s); will retry", type(exc).__name__, exc)
                backoff = min(max(backoff * 2, 0.1), 1.0)
            await asyncio.sleep(backoff)

    async def _consume(self, js: Any, consumer: handlers.Consumer, stop: asyncio.Event) -> None:
        """Fetch, apply (one transaction per batch), then ack; a gap is NAKed for later."""
        from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

        config = ConsumerConfig(
            durable_name=consumer.durable,
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=30,
            max_deliver=-1,
            max_ack_pending=20000,
            filter_subject=consumer.subject,
        )
        sub = None
        while not stop.is_set():
            try:
                if sub is None:
                    sub = await js.pull_subscribe(
                        consumer.subject,
                        durable=consumer.durable,
                        stream=consumer.stream,
                        config=config,
                    )
                msgs = await sub.fetch(self.batch, timeout=1.0)
            except asyncio.CancelledError:
                raise
            except TimeoutError:
                continue
            except Exception as exc:
                log.warning(
                    "bus: %s fetch failed (%s: %s)", consumer.durable, type(exc).__name__, exc
                )
                await asyncio.sleep(0.25)
                continue
            try:
                events = [json.loads(m.data) for m in msgs]
                with tracing.span("bus.apply", msgs[0].headers, consumer=consumer.durable):
                    outcomes = await asyncio.to_thread(consumer.apply, self.db, events)
                for msg, outcome in zip(msgs, outcomes, strict=True):
                    if outcome == "gap":
                        await msg.nak(delay=0.1)
                    else:
                        await msg.ack()
                applied = [e for e, o in zip(events, outcomes, strict=True) if o == "applied"]
                self.applied += len(applied)
                BUS_APPLIED.labels(consumer.durable).inc(len(applied))
                for event in applied:
                    BUS_CONSUME_LAG.labels(consumer.durable).observe(_age_s(event))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # not acked: redelivered after ack_wait
                log.warning(
                    "bus: %s apply failed (%s: %s)", consumer.durable, type(exc).__name__, exc
                )
                await asyncio.sleep(0.25)

    async def _sweep(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.to_thread(complaints.sweep_escalations, self.db, node=self.province)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("bus: SLA sweep failed (%s)", exc)
            await asyncio.sleep(self.sweep_every_s)


def _age_s(event: dict[str, Any]) -> float:
    """Seconds since the event was written at its node (0 when unknown or in the future)."""
    try:
        occurred = datetime.fromisoformat(event["occurred_at"])
    except (KeyError, TypeError, ValueError):
        return 0.0
    return max(0.0, (clock.now() - occurred).total_seconds())
