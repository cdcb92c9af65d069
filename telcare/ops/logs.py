"""Structured logs for every process: ``structlog`` over the standard ``logging``.

:func:`configure` is called once by each entry point (``serve``, ``smpp``, ``bus run``,
``worker``). Lines are JSON in production and readable console lines in demo mode
(``TELCARE_LOG_FORMAT`` overrides: ``json``, ``console``). Libraries' and Telcare's
``logging.getLogger`` lines go through the same formatter, so every line carries the
context bound with :func:`bind`: ``request_id`` for a web request (the
``X-Request-ID`` header, made when absent), ``message_id`` for an SMS from its MO to its
MT replies. The context lives in :mod:`contextvars`, so it follows threads started with
``contextvars.copy_context`` and asyncio tasks.
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog

_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def _default() -> None:
    """Before :func:`configure` (tests, library use): hand structlog's lines to ``logging``
    as they are, so nothing reaches stdout and the usual WARNING threshold holds."""
    structlog.configure(
        processors=[structlog.contextvars.merge_contextvars, structlog.stdlib.render_to_log_kwargs],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


_default()


def configure(level: str = "INFO", *, json_logs: bool = True) -> None:
    """Send every log line to stderr as JSON (or console lines), at ``level`` and above."""
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json_logs
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            *_SHARED,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    if level.upper() == "DEBUG":  # each statement, with the request or message id it serves
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
    else:  # alembic names each of its plugins at every readiness probe
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    for noisy in ("uvicorn.access",):  # the request middleware logs each request itself
        logging.getLogger(noisy).handlers[:] = []
        logging.getLogger(noisy).propagate = False
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def get_logger(name: str) -> Any:
    """A structlog logger: ``log.info("event", key=value)``."""
    return structlog.stdlib.get_logger(name)


def new_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bound(**values: str) -> Iterator[None]:
    """Bind ``values`` (``request_id``, ``message_id``…) to every log line in the block."""
    with structlog.contextvars.bound_contextvars(**values):
        yield


def current(key: str) -> str | None:
    """The value bound to ``key`` in this context, if any."""
    value = structlog.contextvars.get_contextvars().get(key)
    return None if value is None else str(value)
