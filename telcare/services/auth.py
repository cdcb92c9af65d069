"""Logging in: one-time SMS codes for subscribers, passwords for staff, signed tokens.

Codes are six digits, hashed, valid five minutes, single use, with at most five
wrong tries each; a line may ask for one code a minute and five an hour. The code
goes out through the SMS outbox like every other notification.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from telcare import clock
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Locked, WrongSecret
from telcare.domain.inputs import has_control
from telcare.domain.messages import render
from telcare.services import lookups
from telcare.services.hashing import hash_secret, verify_secret
from telcare.services.notify import queue_sms
from telcare.store import models as m
from telcare.store.uow import Database

CODE_TTL = timedelta(minutes=5)
CODE_INTERVAL = timedelta(seconds=60)
CODES_PER_HOUR = 5
TRIES_PER_CODE = 5
TOKEN_TTL = timedelta(hours=12)


def request_login_code(db: Database, msisdn: str, *, now: datetime | None = None) -> str:
    """Send a login code to ``msisdn`` by SMS; returns it (tests and the demo use it)."""
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        recent = s.scalars(
            select(m.OneTimeCode.created_at).where(
                m.OneTimeCode.msisdn == sub.msisdn,
                m.OneTimeCode.created_at > now - timedelta(hours=1),
            )
        ).all()
        if len(recent) >= CODES_PER_HOUR or any(t > now - CODE_INTERVAL for t in recent):
            raise Locked("login.too_many_codes")
        code = f"{secrets.randbelow(10**6):06d}"
        row = m.OneTimeCode(
            msisdn=sub.msisdn,
            code_hash=hash_secret(code),
            created_at=now,
            expires_at=now + CODE_TTL,
            failures=0,
        )
        s.add(row)
        s.flush()
        queue_sms(
            s,
            sub.msisdn,
            render("login.code_sms", sub.language, code=code),
            dedupe_key=f"otp:{row.id}",
            now=now,
        )
        uow.commit()
        return code


def verify_login_code(
    db: Database, msisdn: str, code: str, *, now: datetime | None = None
) -> Principal:
    """The subscriber, if ``code`` is their latest unexpired, unused code."""
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        row = s.scalars(
            select(m.OneTimeCode)
            .where(m.OneTimeCode.msisdn == sub.msisdn)
            .order_by(m.OneTimeCode.id.desc())
            .limit(1)
            .with_for_update()
        ).one_or_none()
        if row is None or row.used_at is not None or now >= row.expires_at:
            raise WrongSecret("login.code_expired")
        if row.failures >= TRIES_PER_CODE:
            raise Locked("login.code_locked")
        if not verify_secret(code.strip(), row.code_hash):
            row.failures += 1
            uow.commit()
            raise WrongSecret("login.code_wrong", left=TRIES_PER_CODE - row.failures)
        row.used_at = now
        uow.commit()
        return Principal(Kind.SUBSCRIBER, sub.msisdn, sub.province_code)


def authenticate_staff(db: Database, username: str, password: str) -> Principal:
    with db.uow() as uow:
        user = None if has_control(username) else uow.session.get(m.StaffUser, username)
        if user is None or not verify_secret(password, user.password_hash):
            raise WrongSecret("login.staff_wrong")
        return Principal(Kind.STAFF, user.username, user.province_code, user.role)


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="telcare-token")


def issue_token(who: Principal, secret: str) -> str:
    return _serializer(secret).dumps([who.kind.value, who.subject, who.province, who.role])


def read_token(token: str, secret: str) -> Principal:
    try:
        kind, subject, province, role = _serializer(secret).loads(
            token, max_age=int(TOKEN_TTL.total_seconds())
        )
    except (BadSignature, SignatureExpired, ValueError, TypeError) as exc:
        raise WrongSecret("login.token_invalid") from exc
    return Principal(Kind(kind), subject, province, role)
