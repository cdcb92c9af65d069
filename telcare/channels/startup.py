"""What the entry points check before they start: demo mode and the signing key.

``telcare serve``, ``telcare smpp`` and ``telcare bus run`` call :func:`require_secret`;
outside demo mode they exit with code 2 when ``TELCARE_SECRET_KEY`` is missing, is the
old development default or is shorter than 32 characters. ``create_app`` refuses the
same keys (:func:`secret_refusal`).
"""

from __future__ import annotations

import os
import tempfile

import typer

from telcare.config import MIN_SECRET_LENGTH, get_settings, secret_problem
from telcare.domain.messages import EN, ZH, render


def secret_refusal() -> str | None:
    """Why this process may not start (zh and en lines), or None: in demo mode the kept
    demo key stands in for a missing one."""
    problem = secret_problem(get_settings().secret_key)
    if problem is None:
        return None
    lines = []
    for lang in (ZH, EN):
        lines.append(render(f"startup.secret_{problem}", lang, n=MIN_SECRET_LENGTH))
        lines.append(render("startup.secret_advice", lang, n=MIN_SECRET_LENGTH))
    return "\n".join(lines)


def require_secret() -> None:
    """Exit with code 2 and the reason on stderr unless the signing key will do."""
    refusal = secret_refusal()
    if refusal is not None:
        typer.echo(refusal, err=True)
        raise typer.Exit(2)


def enable_demo() -> None:
    """Put this process in demo mode (``TELCARE_DEMO=1``), as ``telcare serve --demo`` does."""
    os.environ["TELCARE_DEMO"] = "1"
    get_settings.cache_clear()


def share_log_level(level: str | None) -> None:
    """Hand ``--log-level`` to worker processes (``TELCARE_LOG_LEVEL``)."""
    if level:
        os.environ["TELCARE_LOG_LEVEL"] = level
        get_settings.cache_clear()


def share_metrics_folder() -> None:
    """With several workers, prometheus-client sums their figures through files in
    ``PROMETHEUS_MULTIPROC_DIR``: a fresh temporary folder unless one is set."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="telcare-metrics-")
