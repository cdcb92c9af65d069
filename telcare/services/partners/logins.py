"""SP portal logins: setting an SP's password and authenticating an SP (portal and API)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from telcare.domain.access import Kind, Principal
from telcare.domain.errors import WrongSecret
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.services import auth
from telcare.services.hashing import hash_secret, needs_rehash, verify_or_dummy
from telcare.services.partners.registry import _sp
from telcare.store import partner_models as pm
from telcare.store.uow import Database


def set_sp_password(db: Database, access_code: str, password: str) -> None:
    with db.uow() as uow:
        s = uow.session
        _sp(s, access_code)
        row = s.get(pm.SpLogin, access_code)
        if row is None:
            s.add(pm.SpLogin(access_code=access_code, password_hash=hash_secret(password)))
        else:
            row.password_hash = hash_secret(password)
            row.token_version += 1  # older tokens die
        uow.commit()


def authenticate_sp(
    db: Database,
    access_code: str,
    password: str,
    *,
    address: str = "",
    now: datetime | None = None,
) -> Principal:
    """The SP principal (its subject is the access code) for the portal and the API
    (throttled like staff logins; an unknown code costs the same hashing work)."""
    code = access_code.strip()[:20]

    def check(s: Session) -> Principal | None:
        row = s.get(pm.SpLogin, code)
        right = verify_or_dummy(password, row.password_hash if row is not None else None)
        if row is None or not right:
            return None
        if needs_rehash(row.password_hash):  # an old scrypt hash: Argon2id from now on
            row.password_hash = hash_secret(password)
        return Principal(Kind.SP, code, HQ, "sp", row.token_version)

    return auth.throttle.password_login(
        db, "sp", code, address, check, WrongSecret(N_("sp.login_wrong")), now=now
    )
