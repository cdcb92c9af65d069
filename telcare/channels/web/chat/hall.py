"""Online chat in the business hall (``/hall/chat``), around the clock.

The page talks over a WebSocket (``/hall/chat/ws``) and falls back to a form and polling
(``/hall/chat/messages``) without one. A message to the bot runs 10086 commands through
the SMS command engine (an order still waits for the subscriber's ``Y``) and answers
questions from the knowledge base; ``人工`` / ``agent`` asks for a person.
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Depends, Form, Query, Request, WebSocket
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from telcare.channels.api.deps import get_db
from telcare.channels.guards import socket_checks
from telcare.channels.web.chat import live
from telcare.channels.web.chat.bot import bot_for
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import current_msisdn, lang_of, require_csrf, require_msisdn
from telcare.config import secret_key
from telcare.domain.access import Kind, Principal
from telcare.domain.chat import Role
from telcare.domain.errors import DomainError
from telcare.services import auth, chat, selfcare
from telcare.store.uow import Database

router = APIRouter(prefix="/hall/chat", include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
CSRF = [Depends(require_csrf)]
After = Annotated[int, Query(ge=0, le=1_000_000)]


def _me(msisdn: str) -> Principal:
    return Principal(Kind.SUBSCRIBER, msisdn, "")


def _bot(request: Request | WebSocket, db: Database, msisdn: str) -> chat.Bot:
    language = selfcare.overview(db, msisdn).language
    return bot_for(db, request.app.state.dispatcher, msisdn, language)


@router.get("", response_class=HTMLResponse)
def chat_page(request: Request, db: Db, msisdn: Msisdn) -> Response:
    session = chat.start(db, msisdn)
    history = chat.messages(db, _me(msisdn), session.id)
    return page(request, "chat/hall.html", {"chat": session, "history": history})


@router.post("", dependencies=CSRF)
def send(request: Request, db: Db, msisdn: Msisdn, text: Annotated[str, Form()] = "") -> Response:
    """The form without JavaScript: say it, then show the chat again."""
    session = chat.start(db, msisdn)
    try:
        said = chat.say(db, msisdn, session.id, text, _bot(request, db, msisdn))
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
        said = []
    live.announce(request.app, session.id, said)
    return redirect("/hall/chat")


@router.get("/messages")
def poll(db: Db, msisdn: Msisdn, after: After = 0) -> JSONResponse:
    """The open chat's messages after ``after`` (JSON), for polling without a socket."""
    session = chat.start(db, msisdn)
    fresh = chat.messages(db, _me(msisdn), session.id, after)
    return JSONResponse(
        {
            "chat": session.id,
            "state": session.state,
            "messages": [live.message_json(m) for m in fresh],
        }
    )


@router.post("/close", dependencies=CSRF)
def close(request: Request, db: Db, msisdn: Msisdn) -> Response:
    ended = chat.close(db, _me(msisdn), chat.start(db, msisdn).id)
    live.announce(request.app, ended.id)
    flash(request, "ok", "chat.ended")
    return redirect("/hall/survey")  # the online satisfaction survey


def _socket_msisdn(websocket: WebSocket) -> str | None:
    """The page session's subscriber, or (API clients) a subscriber bearer token's."""
    msisdn = current_msisdn(cast(Request, websocket))
    header = websocket.headers.get("authorization", "")
    if msisdn is None and header.lower().startswith("bearer "):
        try:
            who = auth.verify_token(websocket.app.state.db, header[7:].strip(), secret_key())
        except DomainError:
            return None
        msisdn = who.subject if who.kind is Kind.SUBSCRIBER else None
    return msisdn


@router.websocket(
    "/ws",
    dependencies=[socket_checks("subscriber", "the session's subscriber, else closed 4401")],
)
async def socket(websocket: WebSocket, after: int = 0) -> None:
    db: Database = websocket.app.state.db
    msisdn = _socket_msisdn(websocket)
    if msisdn is None or not live.same_origin(websocket):
        await websocket.close(code=4401)
        return
    await websocket.accept()
    session = await run_in_threadpool(chat.start, db, msisdn)
    bot = await run_in_threadpool(_bot, websocket, db, msisdn)
    lang = lang_of(cast(Request, websocket))

    hub = live.hub_of(websocket.app, db)

    async def on_text(text: str) -> list[chat.Message]:
        said = await hub.person_says(Role.SUBSCRIBER, msisdn, session.id, text)
        if said is not None:  # to a person
            return [said]
        return await live.in_thread(chat.say, db, msisdn, session.id, text, bot)

    await live.serve(websocket, db, _me(msisdn), session.id, max(after, 0), on_text, lang)
