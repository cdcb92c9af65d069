"""The security audit log: append a row (logins, lockouts, failed-login bursts,
revocations) and read it back for headquarters admins. Nothing updates or deletes a row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import roles
from telcare.domain.access import Principal
from telcare.store import security_models as sm
from telcare.store.uow import Database

MAX_ROWS = 1000


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    at: datetime
    actor: str
    kind: str
    detail: dict[str, Any]
    address: str


def record(
    session: Session,
    kind: str,
    *,
    actor: str,
    now: datetime,
    address: str = "",
    **detail: Any,
) -> None:
    """Append one row in the caller's transaction (it commits or rolls back with it)."""
    session.add(
        sm.AuditLog(at=now, actor=actor[:60], kind=kind[:40], detail=detail, address=address[:60])
    )


def require_admin(who: Principal, action: str = "audit.view") -> None:
    """Only a headquarters admin reads the log, lifts lockouts or revokes accounts
    (``action`` of the role matrix: ``audit.view``, ``login.unlock``, ``account.manage``)."""
    roles.require(who, action)


def entries(
    db: Database,
    who: Principal,
    *,
    kind: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[Entry]:
    """The newest rows first, filtered by kind (prefix ``login.`` matches every login
    kind), actor and time (HQ admins only)."""
    require_admin(who)
    q = select(sm.AuditLog).order_by(sm.AuditLog.id.desc()).limit(max(1, min(limit, MAX_ROWS)))
    if kind:
        q = q.where(
            sm.AuditLog.kind.startswith(kind) if kind.endswith(".") else sm.AuditLog.kind == kind
        )
    if actor:
        q = q.where(sm.AuditLog.actor == actor)
    if since is not None:
        q = q.where(sm.AuditLog.at >= since)
    with db.read() as uow:
        return [
            Entry(r.id, r.at, r.actor, r.kind, dict(r.detail), r.address)
            for r in uow.session.scalars(q)
        ]
