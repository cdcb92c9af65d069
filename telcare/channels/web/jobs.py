"""The periodic jobs in the staff console (``/staff/jobs``): each job's last run, its
result and its next run, as ``telcare jobs`` lists them. Any staff member may look;
the jobs run in ``telcare worker``, never from a page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from telcare.channels.api.deps import get_db
from telcare.channels.guards import requires
from telcare.channels.web.render import page
from telcare.channels.web.security import require_staff
from telcare.channels.web.staff import CONSOLES
from telcare.domain.access import Principal
from telcare.domain.messages import N_
from telcare.services import cycle
from telcare.store.uow import Database

PATH = "/staff/jobs"
router = APIRouter(prefix=PATH, include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Staff = Annotated[Principal, Depends(require_staff)]
CONSOLES.append((PATH + "/", N_("web.jobs.console")))


@router.get("/", response_class=HTMLResponse, dependencies=[requires("console.view")])
def jobs(
    request: Request, db: Db, who: Staff, format: Annotated[str, Query(max_length=10)] = ""
) -> Response:
    """Every periodic job: last run, result, next run."""
    rows = cycle.status(db)
    if format == "json" or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse(
            [
                {
                    "job": s.name,
                    "cadence": s.cadence,
                    "last_period": s.last_period,
                    "last_status": s.last_status,
                    "last_result": s.last_result,
                    "last_error": s.last_error,
                    "next_run": s.next_run.isoformat(),
                }
                for s in rows
            ]
        )
    return page(request, "staff/jobs.html", {"rows": rows})
