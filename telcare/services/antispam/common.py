"""What every anti-spam use case needs: the time, a retried transaction, a sender's standing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import antispam_rules as r
from telcare.store import antispam_models as am
from telcare.store.uow import Database

log = logging.getLogger(__name__)

T = TypeVar("T")


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


def _retry(db: Database, work: Callable[[Session], T], attempts: int = 3) -> T:
    """Run ``work`` in one committed transaction; retry when a concurrent insert won."""
    for attempt in range(attempts):
        with db.uow() as uow:
            try:
                result = work(uow.session)
                uow.commit()
                return result
            except IntegrityError:
                if attempt == attempts - 1:
                    raise
                log.info("antispam: concurrent insert, retrying")
    raise AssertionError("unreachable")


def _sender_status(session: Session, sender: str) -> r.SenderStatus:
    status = session.scalar(select(am.SpamSender.status).where(am.SpamSender.sender == sender))
    return r.SenderStatus(status) if status else r.SenderStatus.CLEAR
