"""Password and PIN hashes (scrypt from the standard library, salted, self-describing)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

_N, _R, _P = 2**14, 8, 1


def hash_secret(secret: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P)
    return "scrypt$" + "$".join(base64.b64encode(x).decode() for x in (salt, digest))


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    salt, digest = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
    candidate = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P)
    return hmac.compare_digest(candidate, digest)


DUMMY_HASH = (
    "scrypt$HZQHhPNBnkQHezSdSob38g==$7fGMJL7JheTwUaNuB/RyMQFrV6XcIjAbO3TwDArnKKdxSH1t8pFDb"
    "sXinL6TIwTcLPShDbkPxT3SLp0Y/zE6DA=="
)
"""The hash of a random secret nobody knows: an unknown account is checked against it,
so that it costs the same hashing work (and time) as a real one."""


def verify_or_dummy(secret: str, stored: str | None) -> bool:
    """``verify_secret`` against ``stored``, or the same work against :data:`DUMMY_HASH`
    (and ``False``) when there is no account."""
    if stored is None:
        verify_secret(secret, DUMMY_HASH)
        return False
    return verify_secret(secret, stored)
