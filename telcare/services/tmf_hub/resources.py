"""The events of each resource, as the services report their changes (each call is
inside the change's transaction): a ticket filed or moved, an order placed or
answered, a top-up, a usage record rated. The bodies are the resource's TMF
representation in short (``id``, ``href``, ``@type``, the state and the key fields);
a listener fetches the full resource by ``href``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from telcare.services.tmf_hub.events import emit, href, iso, listening, party
from telcare.store import complaint_models as cm

TT = "troubleTicket"
PO = "productOrderingManagement"
BALANCE = "prepayBalanceManagement"
USAGE = "usageManagement"


def ticket_changed(
    s: Session, ticket: cm.Ticket, kind: str, changes: dict[str, Any], now: datetime
) -> None:
    """``TroubleTicketCreateEvent`` when filed, ``TroubleTicketStateChangeEvent`` when
    its status moved."""
    if kind == "ticket.filed":
        event = "TroubleTicketCreateEvent"
    elif "status" in changes:
        event = "TroubleTicketStateChangeEvent"
    else:
        return
    body = {
        "id": ticket.id,
        "href": href(TT, "troubleTicket", ticket.id),
        "@type": "TroubleTicket",
        "name": ticket.summary,
        "ticketType": ticket.ticket_type or ticket.category,
        "severity": ticket.severity,
        "status": ticket.status,
        "creationDate": iso(ticket.created_at),
        "lastUpdate": iso(now),
        "relatedParty": party(ticket.msisdn),
    }
    emit(s, TT, event, ticket.id, _clean(body), now, province=ticket.province)


def order_id(subscriber_id: int, placed_at: datetime) -> str:
    """The id of a pending order (as ``api_queries.product_orders`` names it)."""
    return f"{subscriber_id}-" + f"{placed_at.timestamp():.6f}".replace(".", "")


def order_changed(
    s: Session,
    subscriber_id: int,
    oid: str,
    state: str,
    offer: dict[str, Any],
    now: datetime,
    *,
    created: bool,
    action: str = "add",
) -> None:
    """``ProductOrderCreateEvent`` for a new order, else ``ProductOrderStateChangeEvent``."""
    if not listening(s, PO):
        return
    body = {
        "id": oid,
        "href": href(PO, "productOrder", oid),
        "@type": "ProductOrder",
        "state": state,
        "orderDate": iso(now) if created else None,
        "completionDate": iso(now) if state in ("completed", "cancelled") else None,
        "productOrderItem": [
            {
                "id": "1",
                "action": action,
                "state": state,
                "productOffering": {"id": offer.get("code"), "name": offer.get("name_zh")},
            }
        ],
    }
    event = "ProductOrderCreateEvent" if created else "ProductOrderStateChangeEvent"
    emit(s, PO, event, oid, _clean(body), now, subscriber_id=subscriber_id)


def topup_created(
    s: Session, entry_id: int, subscriber_id: int, amount_fen: int, reason: str, now: datetime
) -> None:
    """``TopupBalanceCreateEvent`` for a recharge's ledger entry."""
    if not listening(s, BALANCE):
        return
    body = {
        "id": str(entry_id),
        "href": href(BALANCE, "topupBalance", entry_id),
        "@type": "TopupBalance",
        "status": "completed",
        "amount": {"amount": amount_fen / 100, "units": "CNY"},
        "bucket": {"id": str(subscriber_id), "href": href(BALANCE, "bucket", subscriber_id)},
        "reason": reason or None,
        "requestedDate": iso(now),
        "confirmationDate": iso(now),
    }
    emit(s, BALANCE, "TopupBalanceCreateEvent", str(entry_id), _clean(body), now,
         subscriber_id=subscriber_id)  # fmt: skip


def usage_created(
    s: Session, record_id: str, msisdn: str, service: str, started_at: datetime, now: datetime
) -> None:
    """``UsageCreateEvent`` for a usage record posted by API and rated."""
    if not listening(s, USAGE):
        return
    from telcare.services import lookups

    holder = lookups.holder(s, msisdn)
    body = {
        "id": record_id,
        "href": href(USAGE, "usage", record_id),
        "@type": "Usage",
        "status": "rated",
        "usageDate": iso(started_at),
        "usageType": service,
        "relatedParty": party(msisdn),
    }
    emit(s, USAGE, "UsageCreateEvent", record_id, _clean(body), now, subscriber_id=holder.id)


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}
