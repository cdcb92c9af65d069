"""TMF event notifications (TMF630 "hub"): which APIs publish which events, the event
envelope, the listener's signature, the retry schedule and which addresses a
listener may not have.

A listener registers ``callback`` (and an optional ``query`` such as
``eventType=TroubleTicketStateChangeEvent``) on one API. Each delivery is a ``POST``
of the envelope, signed ``HMAC-SHA256(secret, "<timestamp>.<body>")``; a failed one
is retried after :func:`backoff` until the configured number of attempts
(``TELCARE_TMF_HUB_MAX_ATTEMPTS``), then dead-lettered.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_

# API (its path segment) -> (the resource its events carry, its event types)
APIS: dict[str, tuple[str, tuple[str, ...]]] = {
    "troubleTicket": (
        "troubleTicket",
        ("TroubleTicketCreateEvent", "TroubleTicketStateChangeEvent"),
    ),
    "productOrderingManagement": (
        "productOrder",
        ("ProductOrderCreateEvent", "ProductOrderStateChangeEvent"),
    ),
    "prepayBalanceManagement": ("topupBalance", ("TopupBalanceCreateEvent",)),
    "usageManagement": ("usage", ("UsageCreateEvent",)),
}
SIGNATURE_HEADER = "X-Telcare-Signature"
TIMESTAMP_HEADER = "X-Telcare-Timestamp"
EVENT_ID_HEADER = "X-Telcare-Event-Id"
MAX_CALLBACK = 500
MAX_QUERY = 500


def resource_of(api: str) -> str:
    """The resource name the API's events carry (``event: {<resource>: …}``)."""
    if api not in APIS:
        raise InvalidInput(N_("hub.api"), api=api)
    return APIS[api][0]


def check_callback(url: str) -> str:
    """The callback's host name, if ``url`` is an absolute http(s) URL without credentials."""
    if not url or len(url) > MAX_CALLBACK or any(c.isspace() for c in url):
        raise InvalidInput(N_("hub.callback"))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as err:
        raise InvalidInput(N_("hub.callback")) from err
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
        raise InvalidInput(N_("hub.callback"))
    return parts.hostname


def refused_address(address: str) -> bool:
    """Whether a listener may not have this address unless private ones are allowed:
    loopback, private, link-local, multicast, reserved or unspecified."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def event_types(api: str, query: str | None) -> frozenset[str]:
    """The event types a listener's ``query`` asks for (all of the API's when empty)."""
    offered = APIS[api][1]
    if not query or not query.strip():
        return frozenset(offered)
    if len(query) > MAX_QUERY:
        raise InvalidInput(N_("hub.query"), value=query[:40])
    asked: set[str] = set()
    for name, values in parse_qs(query.strip(), keep_blank_values=True).items():
        if name != "eventType":
            raise InvalidInput(N_("hub.query"), value=query[:40])
        for value in values:
            asked |= {v.strip() for v in value.split(",") if v.strip()}
    if not asked or not asked <= set(offered):
        raise InvalidInput(N_("hub.query"), value=query[:40])
    return frozenset(asked)


def envelope(
    *,
    event_id: str,
    event_type: str,
    resource: str,
    body: dict[str, Any],
    occurred: datetime,
    sent: datetime,
    correlation_id: str,
    domain: str,
    title: str,
    priority: str = "normal",
) -> dict[str, Any]:
    """The notification a listener receives (TMF630 event structure)."""
    return {
        "eventId": event_id,
        "eventTime": _iso(sent),
        "eventType": event_type,
        "correlationId": correlation_id,
        "domain": domain,
        "title": title,
        "description": f"{event_type} {body.get('id', '')}".strip(),
        "priority": priority,
        "timeOcurred": _iso(occurred),  # sic: the TMF630 attribute name
        "event": {resource: body},
    }


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC of ``"<ts>.<body>"``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: int, body: bytes, signature: str) -> bool:
    """What a listener checks (constant time); it should also refuse an old timestamp."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def backoff(attempt: int, base: timedelta, cap: timedelta, rand: float) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1 = the first): ``base``
    doubled each time up to ``cap``, then "equal jitter" (half fixed, half random by
    ``rand`` in [0, 1)), so listeners that failed together do not retry together."""
    delay: timedelta = min(cap, base * (2 ** max(attempt - 1, 0)))
    half: timedelta = delay / 2
    return half + half * min(max(rand, 0.0), 1.0)
