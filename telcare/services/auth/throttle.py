"""Counting login failures in the database: an account is locked after five failures
in fifteen minutes, a client address refused after twenty (429 with Retry-After);
one-time code requests are counted per number and per address. Unknown account names
are counted like real ones, so a lockout says nothing about who exists.

Counts start after the account's last successful login or an admin's unlock. Two
simultaneous tries may both pass the count (no row lock): the limit holds to within
the number of concurrent requests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError, InvalidInput, TooManyAttempts
from telcare.domain.inputs import has_control
from telcare.domain.messages import N_
from telcare.ops.metrics import LOCKOUTS, LOGIN_FAILURES
from telcare.services import audit
from telcare.store import security_models as sm
from telcare.store.uow import Database

T = TypeVar("T")

WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
OTP_INTERVAL = timedelta(seconds=60)
OTP_WINDOW = timedelta(hours=1)
OTP_PER_NUMBER = 5
OTP_PER_ADDRESS = 20
KINDS = ("staff", "sp", "merchant")
_LA = sm.LoginAttempt


def _add(s: Session, kind: str, account: str, address: str, now: datetime, outcome: str) -> None:
    s.add(_LA(at=now, kind=kind, account=account[:60], address=address[:60], outcome=outcome))


def _retry(times: list[datetime], limit: int, window: timedelta, now: datetime) -> int:
    """Seconds until fewer than ``limit`` of ``times`` (oldest first) are in the window."""
    return int((times[-limit] + window - now).total_seconds()) + 1


def _account_failures(s: Session, kind: str, account: str, now: datetime) -> list[datetime]:
    reset = s.scalar(
        select(func.max(_LA.at)).where(
            _LA.kind == kind, _LA.account == account, _LA.outcome.in_(("ok", "unlocked"))
        )
    )
    since = max(now - WINDOW, reset) if reset is not None else now - WINDOW
    return list(
        s.scalars(
            select(_LA.at)
            .where(_LA.kind == kind, _LA.account == account, _LA.outcome == "failed")
            .where(_LA.at > since)
            .order_by(_LA.at)
        )
    )


def _address_failures(s: Session, address: str, now: datetime) -> list[datetime]:
    if not address:
        return []
    reset = s.scalar(
        select(func.max(_LA.at)).where(
            _LA.kind == "address", _LA.address == address, _LA.outcome == "unlocked"
        )
    )
    since = max(now - WINDOW, reset) if reset is not None else now - WINDOW
    return list(
        s.scalars(
            select(_LA.at)
            .where(_LA.address == address, _LA.outcome == "failed", _LA.at > since)
            .order_by(_LA.at)
        )
    )


def _blocked(
    s: Session, kind: str, account: str, address: str, now: datetime
) -> DomainError | None:
    by_address = _address_failures(s, address, now)
    if len(by_address) >= ADDRESS_FAILURES:
        retry = _retry(by_address, ADDRESS_FAILURES, WINDOW, now)
        return TooManyAttempts(N_("login.address_blocked"), retry_after=retry)
    by_account = _account_failures(s, kind, account, now)
    if len(by_account) >= ACCOUNT_FAILURES:
        retry = _retry(by_account, ACCOUNT_FAILURES, WINDOW, now)
        return TooManyAttempts(N_("login.locked"), retry_after=retry)
    return None


def _failed(s: Session, kind: str, account: str, address: str, now: datetime) -> None:
    """Count a failure; the one that locks the account or blocks the address is audited."""
    _add(s, kind, account, address, now, "failed")
    s.flush()
    LOGIN_FAILURES.labels(kind).inc()
    if len(_account_failures(s, kind, account, now)) == ACCOUNT_FAILURES:
        audit.record(
            s, N_("login.locked"), actor=account, now=now, address=address, account_kind=kind
        )
        LOCKOUTS.labels(kind, "account").inc()
    if address and len(_address_failures(s, address, now)) == ADDRESS_FAILURES:
        LOCKOUTS.labels(kind, "address").inc()
        audit.record(
            s,
            N_("login.address_blocked"),
            actor=account,
            now=now,
            address=address,
            account_kind=kind,
        )


def password_login(
    db: Database,
    kind: str,
    account: str,
    address: str,
    check: Callable[[Session], T | None],
    wrong: DomainError,
    *,
    now: datetime | None = None,
) -> T:
    """Run ``check`` (which does the hashing, also for unknown accounts, and returns
    ``None`` for a wrong secret) unless the account or address is blocked; count the
    outcome. Raises ``wrong`` or :class:`TooManyAttempts`."""
    if has_control(account):  # never an account's name; nothing to count or look up
        raise wrong
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        refusal = _blocked(s, kind, account, address, now)
        if refusal is None:
            result = check(s)
            if result is not None:
                _add(s, kind, account, address, now, "ok")
                uow.commit()
                return result
        _failed(s, kind, account, address, now)
        uow.commit()
        raise refusal or wrong


def count_code_request(s: Session, number: str, address: str, now: datetime) -> None:
    """Count a one-time code request for ``number`` (subscriber or not: the same answer),
    or raise :class:`TooManyAttempts` (one a minute and five an hour a number, twenty an
    hour an address)."""
    recent = list(
        s.scalars(
            select(_LA.at)
            .where(_LA.kind == "otp", _LA.account == number, _LA.at > now - OTP_WINDOW)
            .order_by(_LA.at)
        )
    )
    if recent and recent[-1] > now - OTP_INTERVAL:
        raise TooManyAttempts(
            N_("login.too_many_codes"), retry_after=_retry(recent, 1, OTP_INTERVAL, now)
        )
    if len(recent) >= OTP_PER_NUMBER:
        raise TooManyAttempts(
            N_("login.too_many_codes"), retry_after=_retry(recent, OTP_PER_NUMBER, OTP_WINDOW, now)
        )
    if address:
        by_address = list(
            s.scalars(
                select(_LA.at)
                .where(_LA.kind == "otp", _LA.address == address, _LA.at > now - OTP_WINDOW)
                .order_by(_LA.at)
            )
        )
        if len(by_address) >= OTP_PER_ADDRESS:
            raise TooManyAttempts(
                N_("login.too_many_codes"),
                retry_after=_retry(by_address, OTP_PER_ADDRESS, OTP_WINDOW, now),
            )
    _add(s, "otp", number, address, now, "sent")


def unlock(
    db: Database,
    who: Principal,
    kind: str,
    account: str,
    *,
    address: str = "",
    now: datetime | None = None,
) -> None:
    """Lift an account's lockout (HQ admin): its failures so far no longer count."""
    audit.require_admin(who, "login.unlock")
    if kind not in KINDS:  # a form's odd value: 4xx, never a 500
        raise InvalidInput(N_("login.kind_unknown"), account_kind=kind[:10])
    now = now or clock.now()
    with db.uow() as uow:
        _add(uow.session, kind, account, "", now, "unlocked")
        audit.record(
            uow.session,
            "login.unlocked",
            actor=who.subject,
            now=now,
            address=address,
            account_kind=kind,
            account=account,
        )
        uow.commit()


def unblock_address(
    db: Database, who: Principal, blocked: str, *, address: str = "", now: datetime | None = None
) -> None:
    """Lift a client address's block (HQ admin)."""
    audit.require_admin(who, "login.unlock")
    now = now or clock.now()
    with db.uow() as uow:
        _add(uow.session, "address", "", blocked, now, "unlocked")
        audit.record(
            uow.session,
            "login.address_unblocked",
            actor=who.subject,
            now=now,
            address=address,
            blocked=blocked,
        )
        uow.commit()


def is_locked(db: Database, kind: str, account: str, *, now: datetime | None = None) -> bool:
    """Whether ``account`` is locked now (the console, tests)."""
    now = now or clock.now()
    with db.read() as uow:
        return len(_account_failures(uow.session, kind, account, now)) >= ACCOUNT_FAILURES
