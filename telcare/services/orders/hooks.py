"""Where other capabilities plug into ordering: on_subscribed hooks, confirmers, menu sources.

:data:`on_subscribed` is read at call time by :func:`_subscribed` here, so append to
``orders.hooks.on_subscribed`` and, in a test, patch this module
(``monkeypatch.setattr(orders.hooks, "on_subscribed", [])``); the package does not
re-export the list, so a patch of ``orders.on_subscribed`` fails instead of doing nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from telcare.services.orders.offers import Cancelled, Offer, Subscribed
from telcare.store import models as m
from telcare.store.uow import Database

SubscribedHook = Callable[[Database, str, Subscribed, datetime], None]
on_subscribed: list[SubscribedHook] = []
"""Called as ``hook(db, msisdn, subscribed, now)`` after a package subscription has
been committed (free ones at once, charged ones on confirmation). Other capabilities
register here (e.g. surveys: a new G3 subscription) so orders imports none of them;
a failing hook is logged and never undoes the order."""

_log = logging.getLogger(__name__)


def _subscribed(db: Database, msisdn: str, done: Subscribed, now: datetime) -> None:
    for hook in list(on_subscribed):
        try:
            hook(db, msisdn, done, now)
        except Exception:
            _log.exception("on_subscribed hook %r failed for %s", hook, done.offer.code)


class Confirmation(Protocol):
    """What another capability's confirmer returns: the reply it wants shown."""

    message_key: str
    message_params: dict[str, Any]


Confirmer = Callable[[Session, m.Subscriber, dict[str, Any], datetime], Confirmation]
_CONFIRMERS: dict[str, Confirmer] = {}


def register_confirmer(action: str, confirmer: Confirmer) -> None:
    """Let ``Y`` carry out pending ``action`` (gift redemption, SP service, ...)."""
    _CONFIRMERS[action] = confirmer


PaidLister = Callable[[Session, int, datetime], list[tuple[int, Offer]]]
MenuCanceller = Callable[[Session, int, list[int], datetime], list[Cancelled]]
_MENU_SOURCES: dict[str, tuple[PaidLister, MenuCanceller]] = {}


def register_menu_source(kind: str, lister: PaidLister, canceller: MenuCanceller) -> None:
    """Add another capability's paid subscriptions (SP services, ...) to ``0000`` / ``QX<n>``.

    ``lister(session, subscriber_id, now)`` gives ``(id, offer)`` pairs; ``canceller``
    cancels some of those ids for the subscriber and says what it cancelled.
    """
    _MENU_SOURCES[kind] = (lister, canceller)
