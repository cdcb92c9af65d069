"""Page sessions that end on the server: a logout records the session's id, and a
cookie carrying an ended id opens nothing any more (even a copy made before)."""

from __future__ import annotations

import secrets
from contextlib import suppress
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from telcare import clock
from telcare.store import security_models as sm
from telcare.store.uow import Database

SESSION_AGE = timedelta(hours=12)
"""The page cookie's lifetime: older cookies are refused by their signature's age, so an
ended id needs keeping no longer than this."""


def new_session_id() -> str:
    """A random id for a new page session (kept in its signed cookie)."""
    return secrets.token_urlsafe(32)


def end_session(db: Database, sid: str, *, now: datetime | None = None) -> None:
    """Record that the page session ``sid`` has ended (idempotent); prune ids older than
    :data:`SESSION_AGE`."""
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        old = sm.EndedWebSession.ended_at < now - SESSION_AGE
        s.execute(delete(sm.EndedWebSession).where(old))
        if s.get(sm.EndedWebSession, sid[:64]) is None:
            s.add(sm.EndedWebSession(sid=sid[:64], ended_at=now))
        with suppress(IntegrityError):  # a concurrent logout of the same session recorded it
            uow.commit()


def session_ended(db: Database, sid: str) -> bool:
    """Whether the page session ``sid`` was ended by a logout."""
    with db.read() as uow:
        found = uow.session.scalar(
            select(sm.EndedWebSession.sid).where(sm.EndedWebSession.sid == sid[:64])
        )
    return found is not None
