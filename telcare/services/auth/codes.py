"""One-time SMS login codes for subscribers.

Codes are six digits, hashed, valid five minutes, single use, with at most five wrong
tries each. Any well-formed number may ask (one request a minute and five an hour a
number, twenty an hour a client address) and gets the same answer; only a subscriber's
number is sent a code, through the SMS outbox like every other notification.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from telcare import clock
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Locked, UnknownSubscriber, WrongSecret
from telcare.domain.messages import N_, render
from telcare.domain.msisdn import normalise_msisdn
from telcare.services import lookups
from telcare.services.auth import throttle
from telcare.services.hashing import dummy_hash, hash_secret, verify_secret
from telcare.services.notify import queue_sms
from telcare.store import models as m
from telcare.store.uow import Database

CODE_TTL = timedelta(minutes=5)
CODE_INTERVAL = throttle.OTP_INTERVAL
CODES_PER_HOUR = throttle.OTP_PER_NUMBER
TRIES_PER_CODE = 5


def request_login_code(
    db: Database, msisdn: str, *, address: str = "", now: datetime | None = None
) -> str | None:
    """Send a login code to ``msisdn`` by SMS if it is a subscriber's; returns the code
    (tests and the demo use it), or ``None`` for a number that is not a subscriber's.
    The caller answers the same either way. A malformed number is :class:`InvalidMsisdn`,
    too many requests :class:`TooManyAttempts`."""
    now = now or clock.now()
    number = normalise_msisdn(msisdn)
    with db.uow() as uow:
        s = uow.session
        throttle.count_code_request(s, number, address, now)
        code = f"{secrets.randbelow(10**6):06d}"
        code_hash = hash_secret(code)  # the same work whether or not the number is known
        try:
            sub = lookups.subscriber(s, number)
        except UnknownSubscriber:
            uow.commit()  # the request still counts
            return None
        row = m.OneTimeCode(
            msisdn=sub.msisdn,
            code_hash=code_hash,
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
    """The subscriber, if ``code`` is their latest unexpired, unused code (a number
    that is not a subscriber's gets the answer of one without a code)."""
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        try:
            sub = lookups.subscriber(s, msisdn)
        except UnknownSubscriber:
            verify_secret(code.strip(), dummy_hash())
            raise WrongSecret(N_("login.code_expired")) from None
        row = s.scalars(
            select(m.OneTimeCode)
            .where(m.OneTimeCode.msisdn == sub.msisdn)
            .order_by(m.OneTimeCode.id.desc())
            .limit(1)
            .with_for_update()
        ).one_or_none()
        if row is None or row.used_at is not None or now >= row.expires_at:
            raise WrongSecret(N_("login.code_expired"))
        if row.failures >= TRIES_PER_CODE:
            raise Locked(N_("login.code_locked"))
        if not verify_secret(code.strip(), row.code_hash):
            row.failures += 1
            uow.commit()
            raise WrongSecret(N_("login.code_wrong"), left=TRIES_PER_CODE - row.failures)
        row.used_at = now
        uow.commit()
        return Principal(Kind.SUBSCRIBER, sub.msisdn, sub.province_code)
