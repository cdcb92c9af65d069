"""Login throttling and the security audit log (append-only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import BIG_ID, Base


class LoginAttempt(Base):
    """One login try, OTP request or lockout lift; the throttle counts these rows.

    ``kind`` is ``staff``, ``sp``, ``merchant``, ``otp`` (a code request) or ``address``
    (a lift of a client address's block); ``account`` is the name as typed (unknown
    names are counted like real ones), ``address`` the client address.
    """

    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(10))
    account: Mapped[str] = mapped_column(String(60))
    address: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[str] = mapped_column(String(10))
    __table_args__ = (
        CheckConstraint("outcome in ('failed','ok','sent','unlocked')", name="outcome"),
        Index("ix_login_attempt_account", "kind", "account", "at"),
        Index("ix_login_attempt_address", "address", "at"),
    )


class AuditLog(Base):
    """Append-only: logins, lockouts, failed-login bursts, revocations (nothing updates it)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    address: Mapped[str] = mapped_column(String(60))
    __table_args__ = (Index("ix_audit_log_kind_at", "kind", "at"),)


class EndedWebSession(Base):
    """A page session ended by its logout: a copy of its cookie opens nothing any more.

    ``sid`` is the random id kept in the signed session cookie. Rows older than the
    cookie's own lifetime are pruned (such a cookie is refused anyway)."""

    __tablename__ = "ended_web_session"
    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    ended_at: Mapped[datetime] = mapped_column(index=True)
