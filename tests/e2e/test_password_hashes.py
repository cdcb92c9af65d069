"""Password hashes (issue #15): Argon2id with its parameters in the hash, OWASP's by
default; scrypt hashes of earlier versions still verify and become Argon2id at the next
successful login (staff, SP and merchant, through the API)."""

from __future__ import annotations

import base64
import hashlib
import os

import pytest
from argon2 import Type, extract_parameters
from fastapi.testclient import TestClient
from sqlalchemy import update

from telcare.channels.api.app import create_app
from telcare.config import Settings, get_settings
from telcare.demo.loyalty import seed_loyalty
from telcare.demo.partners import seed_partners
from telcare.services import hashing, loyalty, partners
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database

PASSWORD = "pw-123456"


def old_scrypt_hash(secret: str) -> str:
    """A hash as Telcare made them before Argon2id."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=2**14, r=8, p=1)
    return "scrypt$" + "$".join(base64.b64encode(x).decode() for x in (salt, digest))


def test_production_defaults_meet_owasp(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MEMORY_KIB", "TIME_COST", "PARALLELISM"):
        monkeypatch.delenv(f"TELCARE_PASSWORD_HASH_{name}", raising=False)
    get_settings.cache_clear()
    try:
        assert Settings().password_hash_memory_kib >= 19 * 1024
        stored = hashing.hash_secret(PASSWORD)
    finally:
        get_settings.cache_clear()
    params = extract_parameters(stored)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert params.type is Type.ID and params.memory_cost >= 19456
    assert params.time_cost >= 2 and params.parallelism >= 1
    assert hashing.verify_secret(PASSWORD, stored)  # the parameters come from the hash
    assert not hashing.verify_secret("wrong", stored)


def test_hashes_are_argon2id_and_old_scrypt_ones_still_verify() -> None:
    stored = hashing.hash_secret(PASSWORD)
    assert stored.startswith("$argon2id$") and hashing.verify_secret(PASSWORD, stored)
    assert stored != hashing.hash_secret(PASSWORD)  # salted
    old = old_scrypt_hash(PASSWORD)
    assert hashing.verify_secret(PASSWORD, old) and not hashing.verify_secret("x", old)
    assert hashing.needs_rehash(old) and not hashing.needs_rehash(stored)
    other = hashing.PasswordHasher(memory_cost=512, time_cost=1, parallelism=1).hash(PASSWORD)
    assert hashing.verify_secret(PASSWORD, other) and hashing.needs_rehash(other)
    for junk in ("", "scrypt$", "scrypt$!!$!!", "$argon2id$v=19$junk", "plain"):
        assert not hashing.verify_secret(PASSWORD, junk)
    dummy = hashing.dummy_hash()  # what an unknown account is checked against
    assert dummy.startswith("$argon2id$") and not hashing.needs_rehash(dummy)
    assert hashing.verify_or_dummy(PASSWORD, None) is False


def test_new_passwords_are_argon2id(sqlite_db: Database) -> None:
    seed_partners(sqlite_db)
    seed_loyalty(sqlite_db)
    merchant = loyalty.merchants(sqlite_db)[0].code
    partners.set_sp_password(sqlite_db, "1066000001", PASSWORD)
    loyalty.set_merchant_password(sqlite_db, merchant, PASSWORD)
    with sqlite_db.read() as uow:
        s = uow.session
        hashes = [
            s.get(pm.SpLogin, "1066000001").password_hash,  # type: ignore[union-attr]
            s.get(lm.Merchant, merchant).password_hash,  # type: ignore[union-attr]
            s.get(m.StaffUser, "bj-agent").password_hash,  # type: ignore[union-attr]
        ]
    assert all(h.startswith("$argon2id$") for h in hashes), hashes


def _stored(db: Database, merchant: str) -> dict[str, str]:
    with db.read() as uow:
        s = uow.session
        return {
            "staff": s.get(m.StaffUser, "bj-agent").password_hash,  # type: ignore[union-attr]
            "sp": s.get(pm.SpLogin, "1066000001").password_hash,  # type: ignore[union-attr]
            "merchant": s.get(lm.Merchant, merchant).password_hash,  # type: ignore[union-attr]
        }


def test_scrypt_hashes_become_argon2id_at_the_next_successful_login(
    sqlite_db: Database,
) -> None:
    seed_partners(sqlite_db)
    seed_loyalty(sqlite_db)
    merchant = loyalty.merchants(sqlite_db)[0].code
    partners.set_sp_password(sqlite_db, "1066000001", "unused-pw")
    with sqlite_db.uow() as uow:
        s = uow.session
        s.execute(update(m.StaffUser).values(password_hash=old_scrypt_hash(PASSWORD)))
        s.execute(update(pm.SpLogin).values(password_hash=old_scrypt_hash(PASSWORD)))
        s.execute(update(lm.Merchant).values(password_hash=old_scrypt_hash(PASSWORD)))
        uow.commit()
    client = TestClient(create_app(sqlite_db))

    def login(kind: str, password: str) -> int:
        if kind == "staff":
            body = {"grant_type": "password", "username": "bj-agent", "password": password}
            return client.post("/tmf-api/auth/token", json=body).status_code
        if kind == "sp":
            body = {"access_code": "1066000001", "password": password}
            return client.post("/api/partners/token", json=body).status_code
        body = {"merchant": merchant, "password": password}
        url = "/tmf-api/loyaltyManagement/v4/merchant/token"
        return client.post(url, json=body).status_code

    before = _stored(sqlite_db, merchant)
    for kind in before:
        assert login(kind, "wrong-password") in (401, 403)
    assert _stored(sqlite_db, merchant) == before  # a wrong password changes nothing
    for kind in before:
        assert login(kind, PASSWORD) in (200, 201), kind
    after = _stored(sqlite_db, merchant)
    for kind, stored in after.items():
        assert stored.startswith("$argon2id$"), kind
        assert hashing.verify_secret(PASSWORD, stored) and not hashing.needs_rehash(stored)
    for kind in after:  # and the new hash logs in, and stays as it is
        assert login(kind, PASSWORD) in (200, 201), kind
    assert _stored(sqlite_db, merchant) == after
