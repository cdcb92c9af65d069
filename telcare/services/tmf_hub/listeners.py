"""Registering, reading and deleting hub listeners (``POST/GET/DELETE …/hub``).

Who: the role-matrix action ``tmf.hub.manage`` (HQ and provincial admins, the
accounts of the operator's partner systems). A provincial listener hears only its
province's resources and is seen only by its province's staff; HQ's hear and see all.
The callback must be an http(s) URL whose host resolves, and to none of the refused
addresses (loopback, private, link-local…) unless ``TELCARE_TMF_HUB_ALLOW_PRIVATE``.
The HMAC secret is returned once, at registration.
"""

from __future__ import annotations

import secrets
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from telcare import clock
from telcare.config import get_settings
from telcare.domain import roles
from telcare.domain import tmf_hub as rules
from telcare.domain.access import Principal
from telcare.domain.errors import InvalidInput, NotFound
from telcare.domain.inputs import check_plain
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.store.hub_models import HubListener
from telcare.store.uow import Database

ACTION = "tmf.hub.manage"


@dataclass(frozen=True, slots=True)
class ListenerView:
    id: int
    api: str
    callback: str
    query: str | None
    event_types: list[str]
    owner: str
    province: str
    created_at: datetime
    secret: str | None = None  # only in the answer to the registration


def _view(row: HubListener, *, with_secret: bool = False) -> ListenerView:
    return ListenerView(
        row.id,
        row.api,
        row.callback,
        row.query,
        sorted(row.event_types or []),
        row.owner,
        row.province,
        row.created_at,
        row.secret if with_secret else None,
    )


def resolve(host: str) -> list[str]:
    """The host's addresses (a name server lookup; tests may replace it)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as err:
        raise InvalidInput(N_("hub.unresolvable"), host=host[:80]) from err
    return sorted({str(info[4][0]) for info in infos})


def check_callback(url: str) -> None:
    """Refuse a callback that is malformed, does not resolve, or reaches a refused
    address while private ones are not allowed."""
    host = rules.check_callback(url)
    addresses = resolve(host)
    if not addresses:
        raise InvalidInput(N_("hub.unresolvable"), host=host[:80])
    if get_settings().tmf_hub_allow_private:
        return
    for address in addresses:
        if rules.refused_address(address):
            raise InvalidInput(N_("hub.private"), address=address)


def register(
    db: Database, who: Principal, api: str, callback: str, query: str | None
) -> ListenerView:
    """A new listener of ``api``; its view carries the secret this once."""
    roles.require(who, ACTION)
    rules.resource_of(api)
    check_plain(callback)
    if query is not None:
        check_plain(query)
    types = rules.event_types(api, query)
    check_callback(callback)
    with db.uow() as uow:
        row = HubListener(
            api=api,
            callback=callback,
            query=query or None,
            event_types=sorted(types),
            secret=secrets.token_hex(32),
            owner=who.subject[:60],
            province=who.province,
            created_at=clock.now(),
        )
        uow.session.add(row)
        uow.commit()
        return _view(row, with_secret=True)


def visible(who: Principal, row: HubListener | None) -> HubListener:
    """The listener if the caller may see it (else: not found)."""
    roles.require(who, ACTION)
    if row is None or row.deleted_at is not None:
        raise NotFound("api.not_found")
    if who.province != HQ and row.province != who.province:
        raise NotFound("api.not_found")
    return row


def get(db: Database, who: Principal, api: str | None, listener_id: int) -> ListenerView:
    with db.uow() as uow:
        row = visible(who, uow.session.get(HubListener, listener_id))
        if api is not None and row.api != api:
            raise NotFound("api.not_found")
        return _view(row)


def listeners(db: Database, who: Principal, api: str | None = None) -> list[ListenerView]:
    """The live listeners the caller may see, oldest first."""
    roles.require(who, ACTION)
    where: list[Any] = [HubListener.deleted_at.is_(None)]
    if api is not None:
        where.append(HubListener.api == api)
    if who.province != HQ:
        where.append(HubListener.province == who.province)
    with db.uow() as uow:
        rows = uow.session.scalars(select(HubListener).where(*where).order_by(HubListener.id))
        return [_view(r) for r in rows]


def delete(db: Database, who: Principal, api: str | None, listener_id: int) -> None:
    """Stop a listener: nothing more is queued for it and its pending deliveries are
    not attempted (they stay, with its dead letters, for the record)."""
    with db.uow() as uow:
        row = visible(who, uow.session.get(HubListener, listener_id))
        if api is not None and row.api != api:
            raise NotFound("api.not_found")
        row.deleted_at = clock.now()
        uow.commit()
