"""Who consumes what: per-node appliers (by subject) and local subscribers (by type).

An applier takes a batch of decoded events and returns one outcome per event:
``applied`` / ``duplicate`` (acknowledge) or ``gap`` (an earlier event of the same
aggregate is missing: leave it for redelivery). Local subscribers — e.g. the
satisfaction survey on ``ticket.closed`` — are called by the relay of the node
that wrote the event, after the bus has it: at least once, so they must be
idempotent by ``event_id``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telcare.domain.provinces import HQ
from telcare.services import complaints
from telcare.store.uow import Database

Event = Mapping[str, Any]
Applier = Callable[[Database, Sequence[Event]], Sequence[str]]
Subscriber = Callable[[Database, Event], None]

_subscribers: dict[str, list[Subscriber]] = {}


def subscribe(event_type: str, handler: Subscriber) -> None:
    """Call ``handler(db, event)`` for each ``event_type`` event this node publishes.

    Subscribing the same handler twice has no further effect.
    """
    handlers = _subscribers.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe_all() -> None:
    _subscribers.clear()


def notify_local(db: Database, events: Sequence[Event]) -> None:
    for event in events:
        for handler in _subscribers.get(str(event.get("type")), ()):
            handler(db, event)


@dataclass(frozen=True, slots=True)
class Consumer:
    """A durable JetStream consumer: its stream, subject filter and applier."""

    durable: str
    stream: str
    subject: str
    apply: Applier


def consumers_for(province: str) -> list[Consumer]:
    """Headquarters applies every province's ticket events; a province applies the
    re-assignments addressed to it and every taxonomy version."""
    if province == HQ:
        return [
            Consumer("hq-tickets", "TICKETS", "telcare.tickets.>", complaints.apply_ticket_events)
        ]

    def send_back(db: Database, events: Sequence[Event]) -> Sequence[str]:
        return complaints.apply_send_back_events(db, events, node=province)

    return [
        Consumer(f"{province}-assign", "ASSIGNMENTS", f"telcare.assignments.{province}", send_back),
        Consumer(
            f"{province}-taxonomy", "TAXONOMY", "telcare.taxonomy", complaints.apply_taxonomy_events
        ),
    ]


def local_appliers() -> dict[str, Applier]:
    """The in-process bus: one node is every role, so it applies everything itself."""

    def send_back(db: Database, events: Sequence[Event]) -> Sequence[str]:
        return complaints.apply_send_back_events(db, events, node=HQ)

    return {
        "telcare.tickets.": complaints.apply_ticket_events,
        "telcare.assignments.": send_back,
        "telcare.taxonomy": complaints.apply_taxonomy_events,
    }
