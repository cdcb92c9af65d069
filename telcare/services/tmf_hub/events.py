"""Writing TMF events: called by the services inside the transaction of the change, so
an event exists if and only if its change was committed (the hub's outbox).

An event is written only when some live listener of the API wants its type, with one
``pending`` delivery per such listener (a listener of a province hears only that
province's resources; one at headquarters hears every one).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.store import models as m
from telcare.store.hub_models import HubDelivery, HubEvent, HubListener

BASE = "/tmf-api"
PATHS = {
    "troubleTicket": f"{BASE}/troubleTicket/v4",
    "productOrderingManagement": f"{BASE}/productOrderingManagement/v4",
    "prepayBalanceManagement": f"{BASE}/prepayBalanceManagement/v4",
    "usageManagement": f"{BASE}/usageManagement/v4",
}
HQ = "HQ"


def iso(when: datetime | None) -> str | None:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z") if when else None


def href(api: str, resource: str, rid: object) -> str:
    return f"{PATHS[api]}/{resource}/{rid}"


def party(msisdn: str | None) -> list[dict[str, str]] | None:
    if not msisdn:
        return None
    return [{"id": msisdn, "role": "customer", "@referredType": "Subscriber"}]


def _listeners(s: Session, api: str, event_type: str) -> list[HubListener]:
    rows = s.scalars(
        select(HubListener).where(HubListener.api == api, HubListener.deleted_at.is_(None))
    )
    return [r for r in rows if event_type in (r.event_types or [])]


def emit(
    s: Session,
    api: str,
    event_type: str,
    resource_key: str,
    body: dict[str, Any],
    now: datetime,
    *,
    province: str | None = None,
    subscriber_id: int | None = None,
) -> int:
    """Write ``event_type`` of resource ``resource_key`` for the API's listeners (in
    the caller's transaction); how many deliveries it queued."""
    listeners = _listeners(s, api, event_type)
    if not listeners:
        return 0
    if province is None and subscriber_id is not None:
        province = s.scalar(
            select(m.Subscriber.province_code).where(m.Subscriber.id == subscriber_id)
        )
    wanted = [x for x in listeners if x.province == HQ or x.province == province]
    if not wanted:
        return 0
    event = HubEvent(
        event_id=str(uuid.uuid4()),
        api=api,
        event_type=event_type,
        resource_key=f"{api}:{resource_key}"[:120],
        province=province,
        body=body,
        occurred_at=now,
    )
    s.add(event)
    s.flush()
    for listener in wanted:
        s.add(
            HubDelivery(
                listener_id=listener.id,
                event_id=event.id,
                resource_key=event.resource_key,
                status="pending",
                attempts=0,
                next_at=now,
                created_at=now,
                updated_at=now,
            )
        )
    return len(wanted)


def listening(s: Session, api: str) -> bool:
    """Whether any live listener is registered on the API (cheap pre-check)."""
    return (
        s.scalar(
            select(HubListener.id)
            .where(HubListener.api == api, HubListener.deleted_at.is_(None))
            .limit(1)
        )
        is not None
    )
