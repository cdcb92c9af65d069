"""The agent desk in the staff console (``/staff/chat``): the queue (the G3 desk first),
the agent's chats, a supervisor's view, and one chat with the subscriber's overview beside
it, canned replies from the knowledge base, transfer, leave, close and "file a ticket"."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Depends, Form, Path, Query, Request, WebSocket
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from telcare.channels.api.deps import get_db
from telcare.channels.guards import requires, socket_checks
from telcare.channels.web.chat import live
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import current_staff, lang_of, require_csrf, require_staff
from telcare.channels.web.staff import CONSOLES
from telcare.domain import chat as dc
from telcare.domain import roles
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError
from telcare.domain.messages import N_
from telcare.services import chat, knowledge, selfcare
from telcare.store.uow import Database

router = APIRouter(prefix="/staff/chat", include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Staff = Annotated[Principal, Depends(require_staff)]
CSRF = [Depends(require_csrf)]
ChatId = Annotated[int, Path(ge=1, le=2**62)]

CONSOLES.append(("/staff/chat/", N_("web.chat.console")))


def _back(request: Request, chat_id: int, err: DomainError | None = None) -> Response:
    if err is not None:
        flash(request, "error", err.key, **err.params)
    return redirect(f"/staff/chat/{chat_id}")


@router.get("/", response_class=HTMLResponse, dependencies=[requires("chat.desk.view")])
def desk(request: Request, db: Db, who: Staff) -> Response:
    return page(
        request,
        "chat/desk.html",
        {
            "waiting": chat.queue(db, who),
            "mine": chat.mine(db, who),
            "everyone": chat.supervise(db, who) if who.role == "admin" else None,
        },
    )


@router.post("/{chat_id}/take", dependencies=[*CSRF, requires("chat.handle")])
def take(request: Request, db: Db, who: Staff, chat_id: ChatId) -> Response:
    try:
        chat.take(db, who, chat_id)
        live.announce(request.app, chat_id)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
        return redirect("/staff/chat/")
    return redirect(f"/staff/chat/{chat_id}")


@router.get("/{chat_id}", response_class=HTMLResponse, dependencies=[requires("chat.desk.view")])
def one(request: Request, db: Db, who: Staff, chat_id: ChatId) -> Response:
    history = chat.messages(db, who, chat_id)
    session = chat.view_of(db, who, chat_id)
    asked = next((m.text for m in reversed(history) if m.role == dc.Role.SUBSCRIBER), "")
    return page(
        request,
        "chat/agent.html",
        {
            "chat": session,
            "history": history,
            "customer": selfcare.overview(db, session.msisdn),
            "canned": knowledge.search(db, asked, "zh-CN", limit=3) if asked else [],
            "queues": dc.QUEUES,
        },
    )


@router.get("/{chat_id}/messages", dependencies=[requires("chat.desk.view")])
def poll(
    db: Db, who: Staff, chat_id: ChatId, after: Annotated[int, Query(ge=0)] = 0
) -> JSONResponse:
    fresh = chat.messages(db, who, chat_id, after)
    return JSONResponse({"chat": chat_id, "messages": [live.message_json(m) for m in fresh]})


@router.post("/{chat_id}/reply", dependencies=[*CSRF, requires("chat.handle")])
def reply(
    request: Request, db: Db, who: Staff, chat_id: ChatId, text: Annotated[str, Form()] = ""
) -> Response:
    try:
        live.announce(request.app, chat_id, [chat.reply(db, who, chat_id, text)])
    except DomainError as err:
        return _back(request, chat_id, err)
    return _back(request, chat_id)


@router.post("/{chat_id}/leave", dependencies=[*CSRF, requires("chat.handle")])
def leave(request: Request, db: Db, who: Staff, chat_id: ChatId) -> Response:
    try:
        chat.leave(db, who, chat_id)
        live.announce(request.app, chat_id)
    except DomainError as err:
        return _back(request, chat_id, err)
    return redirect("/staff/chat/")


@router.post("/{chat_id}/transfer", dependencies=[*CSRF, requires("chat.handle")])
def transfer(
    request: Request,
    db: Db,
    who: Staff,
    chat_id: ChatId,
    queue: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        chat.transfer(db, who, chat_id, queue or None)
        live.announce(request.app, chat_id)
    except DomainError as err:
        return _back(request, chat_id, err)
    return redirect("/staff/chat/")


@router.post("/{chat_id}/close", dependencies=[*CSRF, requires("chat.handle")])
def close(request: Request, db: Db, who: Staff, chat_id: ChatId) -> Response:
    try:
        chat.close(db, who, chat_id)
        live.announce(request.app, chat_id)
    except DomainError as err:
        return _back(request, chat_id, err)
    return redirect("/staff/chat/")


@router.post("/{chat_id}/ticket", dependencies=[*CSRF, requires("chat.handle")])
def ticket(
    request: Request,
    db: Db,
    who: Staff,
    chat_id: ChatId,
    category: Annotated[str, Form(max_length=40)] = "SVC.ONLINE.CHAT",
    summary: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        ticket_id = chat.to_ticket(db, who, chat_id, category, summary)
        live.announce(request.app, chat_id)
    except DomainError as err:
        return _back(request, chat_id, err)
    flash(request, "ok", "chat.ticket", ticket=ticket_id)
    return _back(request, chat_id)


@router.websocket(
    "/{chat_id}/ws",
    dependencies=[socket_checks("staff", "staff on the chat, else closed 4401")],
)
async def socket(websocket: WebSocket, chat_id: int, after: int = 0) -> None:
    db: Database = websocket.app.state.db
    who = current_staff(cast(Request, websocket))
    if who is None or not live.same_origin(websocket):
        await websocket.close(code=4401)
        return
    try:
        await run_in_threadpool(chat.view_of, db, who, chat_id)
    except DomainError:
        await websocket.close(code=4404)
        return
    await websocket.accept()
    staff = who

    hub = live.hub_of(websocket.app, db)

    async def on_text(text: str) -> list[chat.Message]:
        if roles.allowed(staff, "chat.handle"):  # else the long way says why not
            said = await hub.person_says(dc.Role.AGENT, staff.subject, chat_id, text)
            if said is not None:  # in the agent's own chat
                return [said]
        return [await live.in_thread(chat.reply, db, staff, chat_id, text)]

    await live.serve(
        websocket, db, who, chat_id, max(after, 0), on_text, lang_of(cast(Request, websocket))
    )
