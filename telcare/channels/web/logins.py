"""Logins in the staff console (``/staff/logins``), for headquarters admins: the audit
log (filtered by kind and actor) and the buttons that lift an account's lockout or a
client address's block. ``?format=json`` (or a non-HTML ``Accept``) answers JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from telcare.channels.api.deps import client_address, get_db
from telcare.channels.guards import requires
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import require_csrf, require_staff
from telcare.channels.web.staff import CONSOLES
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError, Forbidden
from telcare.domain.messages import N_
from telcare.services import audit, auth
from telcare.store.uow import Database

PATH = "/staff/logins"
router = APIRouter(prefix=PATH, include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Staff = Annotated[Principal, Depends(require_staff)]
CSRF = [Depends(require_csrf)]
CONSOLES.append((PATH + "/", N_("web.logins.console")))


def _wants_json(request: Request, fmt: str) -> bool:
    return fmt == "json" or "text/html" not in request.headers.get("accept", "")


@router.get("/", response_class=HTMLResponse, dependencies=[requires("audit.view")])
def audit_log(
    request: Request,
    db: Db,
    who: Staff,
    kind: Annotated[str, Query(max_length=40)] = "",
    actor: Annotated[str, Query(max_length=60)] = "",
    limit: Annotated[int, Query(ge=1, le=audit.MAX_ROWS)] = 100,
    format: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """The newest audit-log rows (HQ admins)."""
    try:
        rows = audit.entries(db, who, kind=kind or None, actor=actor or None, limit=limit)
    except Forbidden:
        if _wants_json(request, format):
            return JSONResponse({"status": 403, "title": "forbidden"}, status_code=403)
        return page(request, "staff/logins.html", {"denied": True}, status=403)
    if _wants_json(request, format):
        return JSONResponse(
            [
                {
                    "at": r.at.isoformat(),
                    "actor": r.actor,
                    "kind": r.kind,
                    "detail": r.detail,
                    "address": r.address,
                }
                for r in rows
            ]
        )
    context = {"rows": rows, "kind": kind, "actor": actor, "kinds": auth.throttle.KINDS}
    return page(request, "staff/logins.html", context)


@router.post("/unlock", dependencies=[*CSRF, requires("login.unlock")])
def unlock(
    request: Request,
    db: Db,
    who: Staff,
    kind: Annotated[str, Form(max_length=10)] = "staff",
    account: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    """Lift an account's lockout (HQ admins)."""
    try:
        auth.unlock(db, who, kind, account.strip(), address=client_address(request))
        flash(request, "ok", "web.logins.unlocked", account=account.strip())
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
    return redirect(PATH + "/")


@router.post("/unblock", dependencies=[*CSRF, requires("login.unlock")])
def unblock(
    request: Request,
    db: Db,
    who: Staff,
    address: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    """Lift a client address's block (HQ admins)."""
    try:
        auth.unblock_address(db, who, address.strip(), address=client_address(request))
        flash(request, "ok", "web.logins.unlocked", account=address.strip())
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
    return redirect(PATH + "/")
