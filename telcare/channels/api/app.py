"""The ASGI application: API routers and pages over one database; in demo mode also the
SMS simulator (its page and ``POST /sms/mo``) and a demo banner on every page."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from telcare import __version__, wiring
from telcare.channels import process, startup, web
from telcare.channels.api import (
    antispam,
    docs,
    knowledge,
    limits,
    ops,
    partners,
    problems,
    quality,
    sms_simulator,
    sms_state,
    surveys,
    tmf,
)
from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.web import antispam as web_antispam
from telcare.channels.web import firewall as web_firewall
from telcare.channels.web.headers import SecurityHeaders
from telcare.config import get_settings
from telcare.ops import health, tracing
from telcare.services import backlogs
from telcare.store.uow import Database

STATIC = Path(__file__).parent.parent / "web" / "static"


def create_app(db: Database | None = None, demo: bool | None = None) -> FastAPI:
    """Build the app; ``db`` defaults to ``TELCARE_DATABASE_URL``, ``demo`` to ``TELCARE_DEMO``.

    Only a demo app mounts the SMS simulator, which lets anyone read any line's login
    code and send SMS as any number. Raises ``RuntimeError`` without a usable signing key.
    """
    settings = get_settings()
    demo = settings.demo if demo is None else demo
    refusal = startup.secret_refusal()
    if refusal is not None:
        raise RuntimeError(refusal)
    db = db or Database(settings.database_url)
    app = FastAPI(
        title="Telcare",
        version=__version__,
        description="Customer service and service quality for a mobile operator.",
        docs_url=None,  # /docs and /redoc come from docs.install, with bundled assets
        redoc_url=None,
    )
    app.state.db = db
    app.state.demo = demo
    app.state.dispatcher = SmsDispatcher(db)
    app.state.health = health.for_node(db, settings.bus_url)
    app.state.refresh_gauges = lambda: backlogs.refresh_gauges(db)
    app.include_router(ops.router)  # /api/health, /api/health/live|ready, /metrics
    problems.install(app)
    docs.install(app)  # before /static, which would otherwise shadow /static/docs
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    web.install(app, demo=demo)  # session cookie + pages: home, business hall, …
    if demo:  # POST /sms/mo: any sender, no login
        app.include_router(sms_simulator.router)
    app.include_router(antispam.router)  # /api/antispam
    app.include_router(web_antispam.router)  # /hall/spam, /staff/antispam
    app.include_router(web_firewall.router)  # /staff/antispam/firewall
    for router in tmf.ROUTERS:  # TMF Open APIs under /tmf-api
        app.include_router(router)
    app.include_router(partners.router)  # /api/partners (SP governance)
    app.include_router(knowledge.router)  # /api/knowledge (search is public)
    app.include_router(sms_state.router)  # /api/sms/outbound (MT delivery state, staff)
    app.include_router(quality.router)  # /api/quality (the quality loop)
    for router in surveys.ROUTERS:  # /api/surveys (surveys, club, opinions)
        app.include_router(router)
    # Outermost: a URL with control characters, or a body over the limit, never reaches a route.
    settings = get_settings()
    app.add_middleware(limits.CleanUrl)
    app.add_middleware(
        limits.BodyLimit, limit=settings.max_body_bytes, upload_limit=settings.max_upload_bytes
    )
    app.add_middleware(SecurityHeaders)  # CSP, frame, referrer, nosniff on every answer
    app.add_middleware(ops.Observe)  # request id, latency by route, one log line per request
    tracing.setup("telcare-web", app=app, engine=db.engine)  # no-op unless TELCARE_OTEL_ENABLED
    wiring.connect()  # survey triggers from closed tickets and G3 orders; the spam model

    return app


def production_app() -> FastAPI:
    """The app as ``telcare serve`` runs it in each worker: structured logs, then the app."""
    process.configure_logs()
    return create_app()
