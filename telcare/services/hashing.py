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
