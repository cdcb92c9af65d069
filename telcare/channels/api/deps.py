"""FastAPI dependencies shared by the routers."""

from __future__ import annotations

from fastapi import Request

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.store.uow import Database


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def client_address(request: Request) -> str:
    """The client's address (the proxy's ``X-Forwarded-For`` only when uvicorn is told
    to trust it, ``--proxy-headers``): login throttling counts failures per address."""
    return request.client.host if request.client else ""


def get_dispatcher(request: Request) -> SmsDispatcher:
    dispatcher: SmsDispatcher = request.app.state.dispatcher
    return dispatcher
