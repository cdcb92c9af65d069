"""Signed login tokens that name their account and its credential version.

A token lives ``TELCARE_TOKEN_TTL_MINUTES`` (60 by default). A staff or SP token is
checked on every request against its account (one primary-key read): a deleted or
disabled account, or a credential version moved on by a password change, disabling or
"log out everywhere", makes it invalid at once.
"""

from __future__ import annotations

from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from telcare.config import get_settings
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import WrongSecret
from telcare.domain.messages import N_
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database


def token_ttl() -> timedelta:
    """How long a login token (and a page session's login) stays valid."""
    return timedelta(minutes=max(1, get_settings().token_ttl_minutes))


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="telcare-token")


def issue_token(who: Principal, secret: str) -> str:
    return _serializer(secret).dumps(
        [who.kind.value, who.subject, who.province, who.role, who.version]
    )


def read_token(token: str, secret: str) -> Principal:
    """The principal a token names (signature and age only: use :func:`verify_token`)."""
    try:
        kind, subject, province, role, version = _serializer(secret).loads(
            token, max_age=int(token_ttl().total_seconds())
        )
        return Principal(Kind(kind), subject, province, role, int(version))
    except (BadSignature, SignatureExpired, ValueError, TypeError) as exc:
        raise WrongSecret(N_("login.token_invalid")) from exc


def account_version(s: Session, kind: Kind, subject: str) -> int | None:
    """The credential version of a staff or SP account; ``None`` if it is gone or disabled."""
    if kind is Kind.STAFF:
        user = s.get(m.StaffUser, subject)
        return user.token_version if user is not None and user.active else None
    if kind is Kind.SP:
        login = s.get(pm.SpLogin, subject)
        return login.token_version if login is not None else None
    return 0


def verify_token(db: Database, token: str, secret: str) -> Principal:
    """The principal of a valid token whose account still exists, is enabled and has
    the token's credential version; :class:`WrongSecret` otherwise."""
    who = read_token(token, secret)
    if who.kind is Kind.SUBSCRIBER:
        return who
    with db.read() as uow:
        version = account_version(uow.session, who.kind, who.subject)
    if version is None or version != who.version:
        raise WrongSecret(N_("login.token_invalid"))
    return who
