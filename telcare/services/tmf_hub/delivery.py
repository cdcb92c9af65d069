"""Delivering TMF events: the deliverer (a worker step, ``telcare tmf hub deliver``),
the dead letters and their replay.

At least once: a delivery stays ``pending`` until a listener answers 2xx; each
attempt is claimed first (``next_at`` moves past the timeout), so two deliverers do
not post the same one at once. In order per resource: only the oldest undelivered
delivery of a (listener, resource) pair is attempted, so a later event never
overtakes an earlier one. After ``TELCARE_TMF_HUB_MAX_ATTEMPTS`` failures the
delivery is dead-lettered, and the pair's later deliveries with it (they would
otherwise overtake it); a replay queues them again, in their order.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update

from telcare import clock
from telcare.config import get_settings
from telcare.domain import tmf_hub as rules
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError, NotFound
from telcare.services.tmf_hub import listeners
from telcare.store.hub_models import HubDelivery, HubEvent, HubListener
from telcare.store.uow import Database

log = logging.getLogger(__name__)
Sender = Callable[[str, bytes, dict[str, str]], int]  # (url, body, headers) -> HTTP status
DOMAIN = "telcare"
PASSES = 20  # rounds a call makes, each one event further down every resource's queue


@dataclass(frozen=True, slots=True)
class DeadLetter:
    id: int
    listener_id: int
    event_id: str
    event_type: str
    resource_key: str
    attempts: int
    last_status: int | None
    last_error: str | None
    dead_since: datetime


@dataclass(slots=True)
class Figures:
    delivered: int = 0
    failed: int = 0
    dead: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"delivered": self.delivered, "failed": self.failed, "dead": self.dead}


def http_sender(timeout: float) -> tuple[Sender, Callable[[], None]]:
    """A sender over one httpx client (no redirects followed) and its closer."""
    client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)

    def send(url: str, body: bytes, headers: dict[str, str]) -> int:
        return client.post(url, content=body, headers=headers).status_code

    return send, client.close


def _heads(s: Any, now: datetime, limit: int) -> list[int]:
    """Due deliveries that are the oldest undelivered one of their (listener, resource)."""
    d = HubDelivery
    open_ = (
        select(d.listener_id, d.resource_key, func.min(d.id).label("head"))
        .where(d.status.in_(("pending", "dead")))
        .group_by(d.listener_id, d.resource_key)
        .subquery()
    )
    rows = s.scalars(
        select(d.id)
        .join(open_, open_.c.head == d.id)
        .join(HubListener, HubListener.id == d.listener_id)
        .where(d.status == "pending", d.next_at <= now, HubListener.deleted_at.is_(None))
        .order_by(d.id)
        .limit(limit)
    )
    return list(rows)


def _claim(db: Database, delivery_id: int, now: datetime, hold: timedelta) -> bool:
    with db.uow() as uow:
        done = uow.session.execute(
            update(HubDelivery)
            .where(
                HubDelivery.id == delivery_id,
                HubDelivery.status == "pending",
                HubDelivery.next_at <= now,
            )
            .values(next_at=now + hold)
        )
        uow.commit()
        return int(getattr(done, "rowcount", 0) or 0) == 1


def _message(
    delivery: HubDelivery, event: HubEvent, listener: HubListener, now: datetime
) -> tuple[bytes, dict[str, str]]:
    resource = rules.resource_of(event.api)
    doc = rules.envelope(
        event_id=event.event_id,
        event_type=event.event_type,
        resource=resource,
        body=event.body,
        occurred=event.occurred_at,
        sent=now,
        correlation_id=event.resource_key,
        domain=DOMAIN,
        title=event.event_type,
    )
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    stamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        rules.SIGNATURE_HEADER: rules.sign(listener.secret, stamp, body),
        rules.TIMESTAMP_HEADER: str(stamp),
        rules.EVENT_ID_HEADER: event.event_id,
        "X-Telcare-Delivery": f"{delivery.id}/{delivery.attempts + 1}",
        "User-Agent": "telcare-tmf-hub/1",
    }
    return body, headers


def _attempt(
    db: Database, delivery_id: int, send: Sender, now: datetime, rand: Callable[[], float]
) -> str:
    """One attempt: ``delivered``, ``failed`` or ``dead``."""
    settings = get_settings()
    with db.uow() as uow:
        s = uow.session
        delivery = s.get_one(HubDelivery, delivery_id)
        event = s.get_one(HubEvent, delivery.event_id)
        listener = s.get_one(HubListener, delivery.listener_id)
        body, headers = _message(delivery, event, listener, now)
        callback = listener.callback
    status: int | None = None
    error: str | None = None
    try:
        listeners.check_callback(callback)  # the name may point elsewhere by now
        status = send(callback, body, headers)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except DomainError as err:
        error = f"refused: {err.key}"
    except httpx.HTTPError as err:
        error = f"{type(err).__name__}: {err}"[:500]
    with db.uow() as uow:
        s = uow.session
        delivery = s.get_one(HubDelivery, delivery_id)
        delivery.attempts += 1
        delivery.last_status, delivery.last_error, delivery.updated_at = status, error, now
        if error is None:
            delivery.status, delivery.delivered_at = "delivered", now
            outcome = "delivered"
        elif delivery.attempts >= settings.tmf_hub_max_attempts:
            delivery.status = "dead"
            s.execute(
                update(HubDelivery)
                .where(
                    HubDelivery.listener_id == delivery.listener_id,
                    HubDelivery.resource_key == delivery.resource_key,
                    HubDelivery.status == "pending",
                    HubDelivery.id > delivery.id,
                )
                .values(
                    status="dead", last_error=f"behind dead letter {delivery.id}", updated_at=now
                )
            )
            outcome = "dead"
        else:
            wait = rules.backoff(
                delivery.attempts,
                timedelta(seconds=settings.tmf_hub_retry_base_seconds),
                timedelta(seconds=settings.tmf_hub_retry_cap_seconds),
                rand(),
            )
            delivery.next_at = now + wait
            outcome = "failed"
        uow.commit()
    return outcome


def deliver_due(
    db: Database,
    *,
    now: datetime | None = None,
    send: Sender | None = None,
    rand: Callable[[], float] = random.random,
    limit: int = 200,
) -> Figures:
    """Attempt every due delivery, each resource's in order; the figures."""
    settings = get_settings()
    hold = timedelta(seconds=settings.tmf_hub_timeout_seconds * 2 + 5)
    close: Callable[[], None] = lambda: None  # noqa: E731
    if send is None:
        send, close = http_sender(settings.tmf_hub_timeout_seconds)
    figures = Figures()
    try:
        for _ in range(PASSES):
            at = now or clock.now()
            with db.uow() as uow:
                due = _heads(uow.session, at, limit)
            progressed = False
            for delivery_id in due:
                if not _claim(db, delivery_id, at, hold):
                    continue
                outcome = _attempt(db, delivery_id, send, at, rand)
                setattr(figures, outcome, getattr(figures, outcome) + 1)
                progressed |= outcome == "delivered"
            if not progressed:
                break
    finally:
        close()
    return figures


def next_due(db: Database) -> datetime | None:
    """When the soonest pending delivery falls due (the deliverer's next wake-up)."""
    with db.uow() as uow:
        return uow.session.scalar(
            select(func.min(HubDelivery.next_at)).where(HubDelivery.status == "pending")
        )


def dead_letters(db: Database, who: Principal, listener_id: int) -> list[DeadLetter]:
    """The listener's dead letters, oldest first."""
    with db.uow() as uow:
        s = uow.session
        listeners.visible(who, s.get(HubListener, listener_id))
        rows = s.execute(
            select(HubDelivery, HubEvent)
            .join(HubEvent, HubEvent.id == HubDelivery.event_id)
            .where(HubDelivery.listener_id == listener_id, HubDelivery.status == "dead")
            .order_by(HubDelivery.id)
        )
        return [
            DeadLetter(
                d.id, d.listener_id, e.event_id, e.event_type, d.resource_key,
                d.attempts, d.last_status, d.last_error, d.updated_at,
            )
            for d, e in rows
        ]  # fmt: skip


def replay(
    db: Database, who: Principal, listener_id: int, delivery_ids: list[int] | None = None
) -> int:
    """Queue the listener's dead letters again (all, or ``delivery_ids`` and the older
    dead letters of the same resources, which must go first); how many."""
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        listeners.visible(who, s.get(HubListener, listener_id))
        d = HubDelivery
        where = [d.listener_id == listener_id, d.status == "dead"]
        if delivery_ids is not None:
            chosen = s.execute(
                select(d.id, d.resource_key).where(*where, d.id.in_(delivery_ids))
            ).all()
            if len(chosen) != len(set(delivery_ids)):
                raise NotFound("api.not_found")
            ids = {i for i, _ in chosen}
            for i, key in chosen:
                ids |= set(s.scalars(select(d.id).where(*where, d.resource_key == key, d.id < i)))
            where.append(d.id.in_(ids))
        done = s.execute(
            update(d)
            .where(*where)
            .values(status="pending", attempts=0, next_at=now, last_error=None, updated_at=now)
        )
        uow.commit()
        return int(getattr(done, "rowcount", 0) or 0)


def backlog(db: Database) -> dict[str, int]:
    """Deliveries by status (``/metrics``, ``telcare tmf hub status``)."""
    with db.uow() as uow:
        rows = uow.session.execute(
            select(HubDelivery.status, func.count()).group_by(HubDelivery.status)
        )
        return {str(status): int(n) for status, n in rows}


def counts_by_listener(db: Database) -> dict[int, dict[str, int]]:
    """Pending and dead deliveries of each listener."""
    with db.uow() as uow:
        rows = uow.session.execute(
            select(HubDelivery.listener_id, HubDelivery.status, func.count())
            .where(HubDelivery.status.in_(("pending", "dead")))
            .group_by(HubDelivery.listener_id, HubDelivery.status)
        )
        out: dict[int, dict[str, int]] = {}
        for listener_id, status, n in rows:
            out.setdefault(int(listener_id), {})[str(status)] = int(n)
        return out


def run_deliverer(db: Database, stop: threading.Event) -> None:
    """Deliver until ``stop`` is set: every ``TELCARE_TMF_HUB_POLL_SECONDS`` (sooner
    when a retry falls due). A failure of the database is logged and retried."""
    poll = get_settings().tmf_hub_poll_seconds
    while not stop.is_set():
        try:
            figures = deliver_due(db)
            if figures.delivered or figures.failed or figures.dead:
                log.info("tmf hub: %s", figures.as_dict())
            soonest = next_due(db)
        except Exception:  # the deliverer outlives a bad moment
            log.exception("tmf hub: delivery pass failed")
            soonest = None
        wait = poll
        if soonest is not None:
            wait = min(poll, max(0.05, (soonest - clock.now()).total_seconds()))
        stop.wait(wait)


def start_deliverer(db: Database) -> tuple[threading.Thread, threading.Event]:
    """:func:`run_deliverer` on a daemon thread (``telcare worker``); set the event to stop."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_deliverer, args=(db, stop), name="tmf-hub-deliverer", daemon=True
    )
    thread.start()
    return thread, stop
