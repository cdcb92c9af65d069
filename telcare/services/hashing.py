"""Password and PIN hashes: Argon2id (``argon2-cffi``, salted, its parameters kept in
the hash). Hashes of earlier versions (scrypt) still verify; :func:`needs_rehash` says
when a stored hash should be replaced at the next successful login.

The parameters come from ``TELCARE_PASSWORD_HASH_MEMORY_KIB``, ``…_TIME_COST`` and
``…_PARALLELISM`` (defaults: OWASP's recommendation, m=19 MiB, t=2, p=1); the test suite
lowers them to stay fast."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from telcare.config import get_settings

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


@lru_cache
def _hasher(memory_kib: int, time_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


def hasher() -> PasswordHasher:
    """The Argon2id hasher with the configured parameters."""
    s = get_settings()
    return _hasher(
        s.password_hash_memory_kib, s.password_hash_time_cost, s.password_hash_parallelism
    )


def hash_secret(secret: str) -> str:
    """An Argon2id hash of ``secret`` (``$argon2id$v=19$m=…,t=…,p=…$salt$digest``)."""
    return hasher().hash(secret)


def verify_secret(secret: str, stored: str) -> bool:
    """Whether ``secret`` matches ``stored`` (Argon2id, or an older scrypt hash)."""
    if stored.startswith("scrypt$"):
        return _verify_scrypt(secret, stored)
    try:
        return hasher().verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` is not an Argon2id hash with the configured parameters (an old
    scrypt hash, or other parameters): replace it after a successful check."""
    if not stored.startswith("$argon2id$"):
        return True
    try:
        return hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return True


def _verify_scrypt(secret: str, stored: str) -> bool:
    try:
        _scheme, salt_b64, digest_b64 = stored.split("$")
        salt, digest = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
    except ValueError:
        return False
    candidate = hashlib.scrypt(secret.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return hmac.compare_digest(candidate, digest)


@lru_cache
def _dummy(memory_kib: int, time_cost: int, parallelism: int) -> str:
    return _hasher(memory_kib, time_cost, parallelism).hash(secrets.token_urlsafe(32))


def dummy_hash() -> str:
    """The Argon2id hash (configured parameters) of a random secret nobody knows: an unknown
    account is checked against it, so that it costs the same hashing work (and time) as a
    real one."""
    s = get_settings()
    return _dummy(
        s.password_hash_memory_kib, s.password_hash_time_cost, s.password_hash_parallelism
    )


def verify_or_dummy(secret: str, stored: str | None) -> bool:
    """``verify_secret`` against ``stored``, or the same work against :func:`dummy_hash`
    (and ``False``) when there is no account."""
    if stored is None:
        verify_secret(secret, dummy_hash())
        return False
    return verify_secret(secret, stored)
