"""FastAPI dependencies shared by the routers."""

from __future__ import annotations

from fastapi import Request

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.store.uow import Database


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_dispatcher(request: Request) -> SmsDispatcher:
    dispatcher: SmsDispatcher = request.app.state.dispatcher
    return dispatcher
