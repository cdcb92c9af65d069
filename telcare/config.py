"""Configuration from the environment (``TELCARE_*``).

Demo mode (``TELCARE_DEMO=1``, what ``telcare serve --demo`` sets) mounts the SMS
simulator and shows a banner on every page. It is the only mode that runs without a
real ``TELCARE_SECRET_KEY``: it then signs with a random key made once and kept in
``.telcare-demo-secret`` beside the SQLite database (or in the working folder), so
sessions survive a restart. Outside demo mode the entry points refuse to start
without a key of at least 32 characters (:func:`secret_problem`).
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

OLD_DEFAULT_SECRET = "dev-only-change-me"  # the default of earlier versions: never accepted
MIN_SECRET_LENGTH = 32
DEMO_SECRET_FILE = ".telcare-demo-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TELCARE_")

    database_url: str = "sqlite:///telcare.db"
    bus_url: str = "inprocess://"
    province: str = "HQ"
    secret_key: SecretStr = SecretStr("")
    demo: bool = False
    reminders_default_on: bool = True
    token_ttl_minutes: int = 60
    """Lifetime of login tokens and page sessions (staff, SPs, merchants, subscribers)."""
    # The largest request body (413 above it); complaint uploads (one attachment of up
    # to 5 MiB plus the form) may send up to max_upload_bytes.
    max_body_bytes: int = 1 << 20
    max_upload_bytes: int = 6 << 20
    # Argon2id parameters of new password hashes (OWASP: m=19 MiB, t=2, p=1 at least);
    # the test suite lowers them to stay fast.
    password_hash_memory_kib: int = 19 * 1024
    password_hash_time_cost: int = 2
    password_hash_parallelism: int = 1
    cookie_secure: Literal["auto", "always", "never"] = "auto"
    """``Secure`` on the page session cookie: ``auto`` when the request came over HTTPS
    (directly or, with ``telcare serve --proxy-headers``, through a trusted proxy)."""
    # The category of a TMF621 ticket whose ticketType is not a taxonomy code ("device"):
    # the ticket keeps its ticketType and is filed here until staff reclassify it.
    tmf_ticket_category: str = "SVC.HOTLINE.WAIT"


def secret_problem(key: SecretStr | str) -> str | None:
    """Why ``key`` cannot sign sessions and tokens: ``missing``, ``default`` or ``short``;
    None when it can."""
    value = key.get_secret_value() if isinstance(key, SecretStr) else key
    if not value.strip():
        return "missing"
    if value == OLD_DEFAULT_SECRET:
        return "default"
    if len(value) < MIN_SECRET_LENGTH:
        return "short"
    return None


def demo_secret_path(database_url: str) -> Path:
    """Where demo mode keeps its key: beside a SQLite database file, else the working folder."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent / DEMO_SECRET_FILE
    return Path(DEMO_SECRET_FILE)


def demo_secret(path: Path) -> str:
    """The demo key kept in ``path`` (mode 0600), made with ``secrets.token_urlsafe(32)`` the
    first time (or when the file holds no usable key)."""
    kept = _read_key(path)
    if kept is not None:
        return kept
    key = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    try:
        if path.exists():
            os.replace(tmp, path)  # an unusable key: replaced
        else:
            os.link(tmp, path)  # whole or nothing, and a concurrent start's key wins
    except FileExistsError:
        key = _read_key(path) or key
    finally:
        tmp.unlink(missing_ok=True)
    return key


def _read_key(path: Path) -> str | None:
    try:
        kept = path.read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return kept if secret_problem(kept) is None else None


def load_settings() -> Settings:
    """The settings from the environment; in demo mode without a usable key, the kept demo key."""
    settings = Settings()
    if settings.demo and secret_problem(settings.secret_key) is not None:
        key = demo_secret(demo_secret_path(settings.database_url))
        settings = settings.model_copy(update={"secret_key": SecretStr(key)})
    return settings


@lru_cache
def get_settings() -> Settings:
    return load_settings()


def secret_key() -> str:
    """The key that signs sessions and tokens (``TELCARE_SECRET_KEY`` or the demo key)."""
    return get_settings().secret_key.get_secret_value()
