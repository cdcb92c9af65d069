"""The composition root: what every process connects once when it starts.

Each entry point (the ASGI app, ``telcare sms``, ``telcare smpp``, ``telcare bus run``
and the other database commands) calls :func:`connect`, so a closed ticket or a
confirmed G3 order triggers its satisfaction survey whichever channel caused it, and
the anti-spam services classify with the packaged model. Only this module knows both
the services and the adapters they are connected to (the bus, the classifier), so the
services never import upwards. Connecting twice changes nothing.
"""

from __future__ import annotations

from telcare.antispam import classifier as spam_classifier
from telcare.bus import handlers
from telcare.services import antispam, surveys


def connect() -> None:
    """Connect the capabilities' reactions and the spam classifier (idempotent)."""
    antispam.use_classifier(spam_classifier)  # the packaged model, loaded on first use
    subscribe_surveys()


def subscribe_surveys() -> None:
    """Survey triggers that arrive as events: ``ticket.closed`` on this node's relay, and
    new G3 subscriptions through ``orders.hooks.on_subscribed`` (idempotent)."""
    handlers.subscribe("ticket.closed", surveys.ticket_closed_subscriber)
    surveys.hook_orders()
