"""Web pages: the home page, the online business hall and (demo mode) the SMS simulator page."""

from __future__ import annotations

from fastapi import FastAPI

from telcare.channels.web import (
    chat,
    club,
    complaints,
    errors,
    hall,
    jobs,
    ledger,
    logins,
    loyalty,
    pages,
    partners,
    quality,
    quality_loop,
    security,
    simulator,
    staff,
    statement,
    surveys,
    tmf_hub,
    van,
)


def install(app: FastAPI, demo: bool = False) -> None:
    """Add the session cookie and every page router to ``app``; the simulator only in demo."""
    security.install_session(app)
    errors.install(app)  # HTML error pages for browsers (API routes keep problem bodies)
    app.include_router(pages.router)
    app.include_router(hall.router)
    app.include_router(ledger.router)  # /hall/ledger, its CSV, receipts
    if demo:  # reads any number's SMS (login codes) and sends as any number
        app.include_router(simulator.router)
    app.include_router(staff.router)
    app.include_router(loyalty.router)  # /hall/points, /merchant, /staff/loyalty
    app.include_router(surveys.router)  # /hall/survey, /staff/surveys
    app.include_router(club.router)  # /hall/club, /staff/club (club and opinions)
    app.include_router(complaints.router)  # /hall/complaints, /staff/complaints
    app.include_router(van.router)  # /hall/van, /staff/van
    app.include_router(quality.router)  # /staff/quality
    for router in chat.ROUTERS:  # /hall/chat, /staff/chat (online service, agent desk)
        app.include_router(router)
    app.include_router(statement.router)  # /hall/statement, /hall/statement.csv
    app.include_router(jobs.router)  # /staff/jobs (the worker's periodic jobs)
    app.include_router(quality_loop.router)  # /staff/quality/actions, launch, discipline …
    app.include_router(logins.router)  # /staff/logins (HQ admins: audit log, lockouts)
    app.include_router(tmf_hub.router)  # /staff/tmf-hub (admins: TMF listeners, dead letters)
    app.include_router(partners.router)  # /partners/disclosed, /sp, /hall/sp, /staff/partners
