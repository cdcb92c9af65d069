"""Shared by the complaint pages: their texts (zh/en), paths, form types and helpers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, UploadFile

from telcare.channels.api.deps import get_db
from telcare.channels.web.complaints.timeline import actor_name, channel_name, countdown, local
from telcare.channels.web.render import flash
from telcare.channels.web.security import lang_of, require_csrf, require_msisdn, require_staff
from telcare.channels.web.staff import CONSOLES
from telcare.config import get_settings
from telcare.domain import complaints as dc
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError
from telcare.domain.messages import N_, render
from telcare.store.uow import Database

Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
Staff = Annotated[Principal, Depends(require_staff)]
CSRF = [Depends(require_csrf)]
HALL = "/hall/complaints"
CONSOLE = "/staff/complaints"
PAGE_SIZE = 20
MAX_UPLOAD = dc.MAX_ATTACHMENT_BYTES + 1

CONSOLES.append((f"{CONSOLE}/", N_("web.cmp.console")))


def _node() -> str:
    """This node's province (``TELCARE_PROVINCE``; HQ plays every role on a single node)."""
    return get_settings().province.upper()


def _error(request: Request, err: DomainError) -> None:
    flash(request, "error", err.key, **err.params)


def _context(request: Request) -> dict[str, Any]:
    lang = lang_of(request)
    return {
        "countdown": lambda left, business=False: countdown(left, lang, business),
        "due": lambda when: render("web.cmp.due_at", lang, when=local(when)),
        "cat_name": lambda path: " > ".join(c.name(lang) for c in path),
        "channel_name": lambda channel: channel_name(channel, lang),
        "actor": lambda who: actor_name(who, lang),
    }


async def _upload(file: UploadFile | None) -> tuple[str, str, bytes] | None:
    """The uploaded file as (name, type, content), read at most 5 MB + 1 byte."""
    if file is None or not file.filename:
        return None
    content = await file.read(MAX_UPLOAD)
    return file.filename, file.content_type or "application/octet-stream", content


def _ticket_url(ticket_id: str) -> str:
    return f"{CONSOLE}/t/{ticket_id}"
