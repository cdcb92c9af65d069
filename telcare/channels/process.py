"""What every long-running command shares: ``--log-level``, ``--health-port``, and
:func:`begin`, which configures the logs once and starts the health port.

``telcare serve`` answers health on its own HTTP port; ``telcare smpp``, ``telcare bus
run`` and ``telcare worker`` call ``begin(name, log_level, health_port, health)`` with a
:class:`telcare.ops.health.Health` of their checks (``health.for_node(db, bus_url)``
plus their own, e.g. the SMPP bind).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from telcare.config import get_settings
from telcare.ops import logs, tracing

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

    from sqlalchemy import Engine

    from telcare.ops.health import Health

LogLevel = Annotated[
    str | None,
    typer.Option(
        "--log-level",
        help="DEBUG, INFO, WARNING or ERROR (default TELCARE_LOG_LEVEL, INFO).",
        show_default=False,
    ),
]
HealthPort = Annotated[
    int | None,
    typer.Option(
        "--health-port",
        help="Serve /live, /ready and /metrics on this port (TELCARE_HEALTH_HOST, "
        "127.0.0.1 by default); none when unset.",
        show_default=False,
    ),
]


def configure_logs(level: str | None = None) -> None:
    """Structured logs for this process: JSON, or console lines in demo mode."""
    settings = get_settings()
    fmt = settings.log_format
    json_logs = fmt == "json" or (fmt == "auto" and not settings.demo)
    logs.configure(level or settings.log_level, json_logs=json_logs)


def begin(
    name: str,
    log_level: str | None,
    health_port: int | None,
    health: Health | None,
    engine: Engine | None = None,
) -> ThreadingHTTPServer | None:
    """Configure the logs and tracing (``engine``'s SQL too), start the health port when
    asked; log the start."""
    from telcare.ops.health import serve_health  # alembic and prometheus: not for --help

    configure_logs(log_level)
    tracing.setup(f"telcare-{name}", engine=engine)
    server = None
    if health_port is not None and health is not None:
        server = serve_health(health, health_port, get_settings().health_host)
    logs.get_logger("telcare." + name).info("process.start", process=name, health_port=health_port)
    return server
