"""ASGI guards in front of every route: a request body limit (413) and URLs without control
characters (400), both answered before any route reads the request."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from telcare.channels.api.problems import error_page, language, problem, wants_page
from telcare.domain.inputs import has_control
from telcare.domain.messages import render

# Complaint attachments (one per request, up to 5 MiB) are posted here.
UPLOAD_PATHS = (
    re.compile(r"/hall/complaints"),
    re.compile(r"/staff/complaints/t/[^/]+/attach"),
)


class _TooLarge(Exception):
    """The body grew past the limit while it was streamed."""


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


class BodyLimit:
    """Refuse a request body over ``limit`` bytes (``upload_limit`` on ``upload_paths``)
    with 413 and a problem body: at once when Content-Length says so, otherwise as soon
    as the streamed body passes the limit. Nothing is buffered here."""

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        upload_limit: int,
        upload_paths: Sequence[re.Pattern[str]] = UPLOAD_PATHS,
    ) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit
        self.upload_paths = upload_paths

    def limit_for(self, path: str) -> int:
        if any(p.fullmatch(path) for p in self.upload_paths):
            return max(self.limit, self.upload_limit)
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        lang = language(_header(scope, b"accept-language"))
        declared = _header(scope, b"content-length")
        if declared:
            if not (declared.isascii() and declared.isdigit()):
                answer = problem(400, "bad-request", "bad request", render("http.bad_length", lang))
                await answer(scope, receive, send)
                return
            if int(declared) > limit:
                await self._too_large(limit, lang)(scope, receive, send)
                return

        received = 0
        started = False
        refused = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    raise _TooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if refused and not started:
                return  # the 413 goes out below, whatever the app tried to answer
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except _TooLarge:
            pass
        except Exception:
            if not refused:
                raise
        if refused and not started:
            await self._too_large(limit, lang)(scope, receive, send)

    @staticmethod
    def _too_large(limit: int, lang: str) -> ASGIApp:
        text = render("http.body_too_large", lang, limit=limit)
        return problem(413, "body-too-large", "request body too large", text, limit=limit)


class CleanUrl:
    """Refuse a path or query string holding a control character (``%00`` and the like)
    with 400: a problem body for the API, a page with the message for a browser."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = unquote(bytes(scope.get("query_string", b"")).decode("latin-1"))
            if has_control(scope["path"]) or has_control(query):
                lang = language(_header(scope, b"accept-language"))
                text = render("input.control_chars", lang)
                if wants_page(scope["path"], _header(scope, b"accept")):
                    answer = error_page(400, text)
                else:
                    answer = problem(400, "invalid-request", "invalid request", text)
                await answer(scope, receive, send)
                return
        await self.app(scope, receive, send)
