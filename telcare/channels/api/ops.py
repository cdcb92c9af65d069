"""Operations endpoints of the web node: liveness, readiness, ``/metrics``, and the
middleware that times each request by route template and gives it a request id.

``/metrics`` is not an open door: with ``TELCARE_METRICS_TOKEN`` set it asks for
``Authorization: Bearer <token>``; without it, it answers loopback clients only (a
Prometheus on the same machine, or behind a proxy that passes the client address with
``serve --proxy-headers``). Anyone else gets 404.
"""

from __future__ import annotations

import hmac
import os
import time
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from telcare import __version__
from telcare.channels.guards import public
from telcare.config import get_settings
from telcare.ops import logs
from telcare.ops.health import Health
from telcare.ops.metrics import HTTP_LATENCY

router = APIRouter(tags=["operations"])
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
log = logs.get_logger("telcare.http")


@router.get("/api/health", dependencies=[public("health check")])
def health() -> dict[str, str]:
    """Kept for old probes: the process answers (same as ``/api/health/live``)."""
    return {"status": "ok", "version": __version__}


@router.get("/api/health/live", dependencies=[public("health check")])
def live() -> dict[str, str]:
    """Liveness: the process answers requests."""
    return {"status": "ok", "version": __version__}


@router.get("/api/health/ready", dependencies=[public("health check")])
def ready(request: Request) -> JSONResponse:
    """Readiness: database reachable, migrations at head, NATS when the bus is NATS (503 if not)."""
    checks: Health = request.app.state.health
    ok, results = checks.ready()
    body = {"status": "ok" if ok else "fail", "version": __version__, "checks": results}
    return JSONResponse(body, status_code=200 if ok else 503)


def metrics_allowed(request: Request) -> bool:
    """Whether this request may read ``/metrics`` (a bearer token, or a loopback client)."""
    token = get_settings().metrics_token
    if token is not None and token.get_secret_value():
        given = request.headers.get("authorization", "")
        expected = f"Bearer {token.get_secret_value()}"
        return hmac.compare_digest(given.encode(), expected.encode())
    return request.client is not None and request.client.host in LOOPBACK


@router.get("/metrics", include_in_schema=False, dependencies=[public("monitoring scrape")])
def metrics(request: Request) -> Response:
    """Prometheus exposition of this process (refreshing the outbox gauges first)."""
    if not metrics_allowed(request):
        return Response("not found", status_code=404, media_type="text/plain")
    refresh = getattr(request.app.state, "refresh_gauges", None)
    if refresh is not None:
        refresh()
    return Response(_exposition(), media_type=CONTENT_TYPE_LATEST)


def _exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # serve --workers N: sum the workers
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()


class Observe:
    """Pure ASGI middleware: a request id (``X-Request-ID``, kept if the client sent a sane
    one) bound to every log line and echoed in the response, the request timed by route
    template into ``telcare_http_request_duration_seconds``, and one log line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _sane(given) else logs.new_id()
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        with logs.bound(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - started
                route = _route(scope)
                HTTP_LATENCY.labels(scope["method"], route, str(status)).observe(elapsed)
                log.info(
                    "http.request",
                    method=scope["method"],
                    route=route,
                    status=status,
                    ms=round(elapsed * 1000, 1),
                )


def _sane(value: str) -> bool:
    return 0 < len(value) <= 128 and all(c.isalnum() or c in "-_.:" for c in value)


def _route(scope: dict[str, Any]) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"
