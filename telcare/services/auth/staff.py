"""Staff passwords and accounts: sign-in (throttled, the same hashing work for unknown
names), password changes, disabling, deleting and "log out everywhere"; each moves the
account's credential version on, so that its older tokens stop working at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden, InvalidInput, NotFound, WrongSecret
from telcare.domain.messages import N_
from telcare.services import audit
from telcare.services.auth import throttle
from telcare.services.hashing import hash_secret, needs_rehash, verify_or_dummy
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database


def authenticate_staff(
    db: Database, username: str, password: str, *, address: str = "", now: datetime | None = None
) -> Principal:
    """The staff principal for a right password; the login is audited. Five failures in
    fifteen minutes lock the name (known or not) until an HQ admin unlocks it or the
    failures age out."""
    now = now or clock.now()
    name = username.strip()[:40]

    def check(s: Session) -> Principal | None:
        user = s.get(m.StaffUser, name)
        right = verify_or_dummy(password, user.password_hash if user is not None else None)
        if user is None or not right or not user.active:
            return None
        if needs_rehash(user.password_hash):  # an old scrypt hash: Argon2id from now on
            user.password_hash = hash_secret(password)
        audit.record(s, "login.staff", actor=name, now=now, address=address, role=user.role)
        return Principal(
            Kind.STAFF, user.username, user.province_code, user.role, user.token_version
        )

    return throttle.password_login(
        db, "staff", name, address, check, WrongSecret(N_("login.staff_wrong")), now=now
    )


def _staff(s: Session, username: str) -> m.StaffUser:
    user = s.get(m.StaffUser, username)
    if user is None:
        raise NotFound(N_("login.staff_unknown"), user=username[:40])
    return user


def set_staff_password(
    db: Database, username: str, password: str, *, actor: str = "", now: datetime | None = None
) -> None:
    """A new password (operator CLI, tests); the account's older tokens die."""
    if len(password) < 8:
        raise InvalidInput(N_("login.password_short"))
    now = now or clock.now()
    with db.uow() as uow:
        user = _staff(uow.session, username)
        user.password_hash = hash_secret(password)
        user.token_version += 1
        audit.record(
            uow.session,
            "account.password",
            actor=actor or username,
            now=now,
            account_kind="staff",
            account=username,
        )
        uow.commit()


def set_staff_active(
    db: Database,
    who: Principal,
    username: str,
    active: bool,
    *,
    address: str = "",
    now: datetime | None = None,
) -> None:
    """Disable (tokens die at once) or enable a staff account (HQ admin)."""
    audit.require_admin(who, "account.manage")
    now = now or clock.now()
    with db.uow() as uow:
        user = _staff(uow.session, username)
        user.active = active
        user.token_version += 1
        kind = "account.enabled" if active else "account.disabled"
        audit.record(
            uow.session,
            kind,
            actor=who.subject,
            now=now,
            address=address,
            account_kind="staff",
            account=username,
        )
        uow.commit()


def delete_staff(
    db: Database, who: Principal, username: str, *, address: str = "", now: datetime | None = None
) -> None:
    """Delete a staff account (HQ admin, not oneself); its tokens die at once."""
    audit.require_admin(who, "account.manage")
    if who.kind is Kind.STAFF and who.subject == username:
        raise Forbidden(N_("access.denied"))
    now = now or clock.now()
    with db.uow() as uow:
        uow.session.delete(_staff(uow.session, username))
        audit.record(
            uow.session,
            "account.deleted",
            actor=who.subject,
            now=now,
            address=address,
            account_kind="staff",
            account=username,
        )
        uow.commit()


def log_out_everywhere(
    db: Database,
    who: Principal,
    kind: str,
    subject: str,
    *,
    address: str = "",
    now: datetime | None = None,
) -> None:
    """Every token of a staff, SP or merchant account stops working (the account itself
    for a staff or SP principal, or an HQ admin for any account)."""
    if not (who.kind.value == kind and who.subject == subject):
        audit.require_admin(who, "account.manage")
    model = {"staff": m.StaffUser, "sp": pm.SpLogin, "merchant": lm.Merchant}.get(kind)
    if model is None:
        raise InvalidInput(N_("login.kind_unknown"), account_kind=kind[:20])
    now = now or clock.now()
    with db.uow() as uow:
        row = uow.session.get(model, subject)
        if row is None:
            raise NotFound(N_("login.account_unknown"), account=subject[:40])
        row.token_version += 1
        audit.record(
            uow.session,
            "account.logged_out",
            actor=who.subject,
            now=now,
            address=address,
            account_kind=kind,
            account=subject,
        )
        uow.commit()
