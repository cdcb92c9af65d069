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

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

OLD_DEFAULT_SECRET = "dev-only-change-me"  # the default of earlier versions: never accepted
MIN_SECRET_LENGTH = 32
DEMO_SECRET_FILE = ".telcare-demo-secret"


class Settings(BaseSettings):
    """Every setting of every Telcare process, from ``TELCARE_*`` environment variables.

    ``docs/configuration.md`` is generated from this class (``telcare config docs``);
    ``telcare config check`` says which values are unsafe in production.
    """

    model_config = SettingsConfigDict(env_prefix="TELCARE_", use_attribute_docstrings=True)

    # --- the node
    database_url: str = "sqlite:///telcare.db"
    """SQLAlchemy URL of this node's database (PostgreSQL in production:
    ``postgresql://user@host/telcare``)."""
    province: str = "HQ"
    """This node: ``HQ`` for headquarters, else a province code (``BJ``, ``GD``…)."""
    secret_key: SecretStr = SecretStr("")
    """Signs sessions and tokens: at least 32 random characters (required outside demo mode)."""
    demo: bool = False
    """Demo mode: the SMS simulator, a demo banner, a kept random key. Never in production."""
    reminders_default_on: bool = True
    """Whether subscribers receive usage reminders until they opt out."""
    token_ttl_minutes: int = 60
    """Lifetime of login tokens and page sessions (staff, SPs, merchants, subscribers)."""
    max_body_bytes: int = 1 << 20
    """The largest request body (413 above it)."""
    max_upload_bytes: int = 6 << 20
    """The largest complaint upload (one attachment of up to 5 MiB plus the form)."""
    password_hash_memory_kib: int = 19 * 1024
    """Argon2id memory of new password hashes, KiB (OWASP: 19 MiB at least)."""
    password_hash_time_cost: int = 2
    """Argon2id iterations of new password hashes (OWASP: 2 at least)."""
    password_hash_parallelism: int = 1
    """Argon2id lanes of new password hashes."""
    cookie_secure: Literal["auto", "always", "never"] = "auto"
    """``Secure`` on the page session cookie: ``auto`` when the request came over HTTPS
    (directly or, with ``telcare serve --proxy-headers``, through a trusted proxy)."""
    calendar_file: Path | None = None
    """The operator's calendar overrides (YAML: ``days_off``, ``workdays``) on top of
    China's holidays; the packaged, empty one when unset."""
    tmf_ticket_category: str = "SVC.HOTLINE.WAIT"
    """The category of a TMF621 ticket whose ``ticketType`` is not a taxonomy code: it keeps
    its ticketType and is filed here until staff reclassify it."""
    tmf_hub_allow_private: bool = False
    """Let TMF hub listeners (``POST …/hub``) have loopback, private or link-local
    addresses (tests, a listener inside the operator's network). Off: refused."""
    tmf_hub_max_attempts: int = Field(default=8, ge=1, le=50)
    """Attempts at one TMF event delivery before it is dead-lettered."""
    tmf_hub_retry_base_seconds: float = Field(default=30.0, gt=0)
    """Wait after a delivery's first failure; doubled after each further one (with jitter)."""
    tmf_hub_retry_cap_seconds: float = Field(default=3600.0, gt=0)
    """Longest wait between two attempts at one delivery."""
    tmf_hub_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    """How long a listener has to answer one delivery."""
    tmf_hub_poll_seconds: float = Field(default=2.0, gt=0, le=300)
    """How often ``telcare worker`` (and ``telcare tmf hub deliver --loop``) looks for
    TMF events to deliver."""
    clock: str | None = None
    """Start this process's clock at an ISO instant (demos and clock-pinned test runs only)."""

    # --- the bus
    bus_url: str = "inprocess://"
    """``nats://host:4222`` (or ``tls://…``, comma-separated servers) for JetStream between
    nodes; anything else runs the in-process bus of a single node."""
    nats_ca_file: Path | None = None
    """CA bundle that signs the NATS servers' certificates (``tls://`` bus URLs)."""
    nats_server: str = "/usr/sbin/nats-server"
    """The ``nats-server`` binary the multi-node tests and ``bench sync`` start."""

    # --- telcare smpp: the SMSC link (an ESME bound as transceiver)
    smpp_host: str = "127.0.0.1"
    """The SMSC's address."""
    smpp_port: int = 2775
    """The SMSC's SMPP port."""
    smpp_system_id: str = "telcare"
    """The ESME's system_id for bind_transceiver."""
    smpp_password: SecretStr = SecretStr("")
    """The ESME's password for bind_transceiver."""
    smpp_system_type: str = ""
    """The ESME's system_type, if the SMSC wants one."""
    smpp_service_numbers: str | None = None
    """Recipients answered, comma-separated (``1066*`` a prefix); unset: 10086 and the
    registered service numbers."""

    # --- operations: logs, health, metrics, traces
    log_level: str = "INFO"
    """Log threshold of every process (``--log-level`` overrides)."""
    log_format: Literal["auto", "json", "console"] = "auto"
    """Log lines: JSON, console, or ``auto`` (console in demo mode, JSON otherwise)."""
    health_host: str = "127.0.0.1"
    """Address the ``--health-port`` of smpp, bus run and worker listens on."""
    metrics_token: SecretStr | None = None
    """Bearer token for the web node's ``/metrics``; unset, it answers loopback clients only."""
    otel_enabled: bool = False
    """OpenTelemetry tracing (FastAPI, SQLAlchemy, NATS headers); needs ``telcare[otel]``."""
    otel_exporter: Literal["otlp", "console"] = "otlp"
    """Where spans go: OTLP/HTTP (``OTEL_EXPORTER_OTLP_ENDPOINT``) or the console."""

    # --- benchmarks (telcare bench)
    bench_pg_url: str = "postgresql://postgres@127.0.0.1:5432/test"
    """PostgreSQL server where benchmarks grow throwaway schemas."""
    spam_data: Path | None = None
    """Folder of the spam corpus (``zh_train.tsv``, ``en_train.tsv``) for ``bench spam``."""


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


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def production_problems(settings: Settings) -> list[str]:
    """What is unsafe about ``settings`` on a production node (empty when nothing is)."""
    problems = []
    key = secret_problem(settings.secret_key)
    if key is not None:
        problems.append(f"TELCARE_SECRET_KEY is {key}: set {MIN_SECRET_LENGTH}+ random characters")
    if settings.demo:
        problems.append("TELCARE_DEMO is on: the SMS simulator lets anyone send SMS as anyone")
    if settings.cookie_secure == "never":
        problems.append("TELCARE_COOKIE_SECURE is never: session cookies travel over plain HTTP")
    if make_url(settings.database_url).get_backend_name() == "sqlite":
        problems.append("TELCARE_DATABASE_URL is SQLite: use PostgreSQL in production")
    for server in settings.bus_url.split(","):
        scheme, _, rest = server.strip().partition("://")
        host = rest.rsplit("@", 1)[-1].rsplit(":", 1)[0]
        if scheme == "nats" and host not in LOOPBACK_HOSTS:
            problems.append(f"TELCARE_BUS_URL {server.strip()} has no TLS: use tls://")
    if settings.smpp_password.get_secret_value() == "" and settings.smpp_host not in LOOPBACK_HOSTS:
        problems.append("TELCARE_SMPP_PASSWORD is empty for a remote SMSC")
    return problems


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
