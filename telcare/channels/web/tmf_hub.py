"""The TMF hub in the staff console (``/staff/tmf-hub``), for admins: the live event
listeners they may see, their pending and dead deliveries, each dead letter, and a
button that replays a listener's dead letters (as ``POST …/hub/{id}/deadLetter/replay``
and ``telcare tmf hub replay``). ``?format=json`` (or a non-HTML ``Accept``) answers JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from telcare.channels.api.deps import get_db
from telcare.channels.guards import requires
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import require_csrf, require_staff
from telcare.channels.web.staff import CONSOLES
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError
from telcare.domain.messages import N_
from telcare.services.tmf_hub import delivery, listeners
from telcare.store.uow import Database

PATH = "/staff/tmf-hub"
ACTION = listeners.ACTION
router = APIRouter(prefix=PATH, include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Staff = Annotated[Principal, Depends(require_staff)]
CONSOLES.append((PATH + "/", N_("web.hub.console")))


@router.get("/", response_class=HTMLResponse, dependencies=[requires(ACTION)])
def hub(
    request: Request, db: Db, who: Staff, format: Annotated[str, Query(max_length=10)] = ""
) -> Response:
    """The listeners the caller may see, their counts and dead letters."""
    rows = listeners.listeners(db, who)
    counts = delivery.counts_by_listener(db)
    dead = {
        v.id: delivery.dead_letters(db, who, v.id) for v in rows if counts.get(v.id, {}).get("dead")
    }
    if format == "json" or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse(
            [
                {
                    "id": v.id,
                    "api": v.api,
                    "callback": v.callback,
                    "owner": v.owner,
                    "province": v.province,
                    "pending": counts.get(v.id, {}).get("pending", 0),
                    "dead": [d.id for d in dead.get(v.id, [])],
                }
                for v in rows
            ]
        )
    context = {"rows": rows, "counts": counts, "dead": dead}
    return page(request, "staff/tmf_hub.html", context)


@router.post("/replay", dependencies=[Depends(require_csrf), requires(ACTION)])
def replay(
    request: Request, db: Db, who: Staff, listener: Annotated[int, Form(ge=1, le=2**62)]
) -> Response:
    """Queue a listener's dead letters again."""
    try:
        count = delivery.replay(db, who, listener)
        flash(request, "ok", "web.hub.replayed", count=count)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
    return redirect(PATH + "/")
