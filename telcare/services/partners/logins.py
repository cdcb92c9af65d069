"""SP portal logins: setting an SP's password and authenticating an SP (portal and API)."""

from __future__ import annotations

from telcare.domain.access import Kind, Principal
from telcare.domain.errors import WrongSecret
from telcare.domain.inputs import has_control
from telcare.domain.provinces import HQ
from telcare.services.hashing import hash_secret, verify_secret
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
        uow.commit()


def authenticate_sp(db: Database, access_code: str, password: str) -> Principal:
    """The SP principal (its subject is the access code) for the portal and the API."""
    with db.uow() as uow:
        row = None if has_control(access_code) else uow.session.get(pm.SpLogin, access_code)
        if row is None or not verify_secret(password, row.password_hash):
            raise WrongSecret("sp.login_wrong")
        return Principal(Kind.SP, access_code, HQ, "sp")
