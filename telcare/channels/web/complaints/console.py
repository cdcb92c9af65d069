"""The staff console's queue (/staff/complaints/): filters, SLA countdowns, filing for a caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from telcare import clock
from telcare.channels.guards import requires
from telcare.channels.web.complaints.common import (
    CONSOLE,
    CSRF,
    PAGE_SIZE,
    Db,
    Staff,
    _context,
    _error,
    _node,
    _ticket_url,
)
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import FormKey
from telcare.domain import complaints as dc
from telcare.domain.errors import DomainError
from telcare.domain.provinces import PROVINCES
from telcare.services import complaints as svc

router = APIRouter(include_in_schema=False)


@router.get(
    CONSOLE + "/", response_class=HTMLResponse, dependencies=[requires("complaint.queue.view")]
)
def queue(
    request: Request,
    db: Db,
    who: Staff,
    status: Annotated[str, Query(max_length=12)] = "",
    category: Annotated[str, Query(max_length=40)] = "",
    severity: Annotated[str, Query(max_length=10)] = "",
    queue: Annotated[str, Query(max_length=10)] = "",
    province: Annotated[str, Query(max_length=2)] = "",
    breached: Annotated[str, Query(max_length=1)] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> Response:
    """Tickets of the staff member's province (all provinces at HQ), most urgent first."""
    now = clock.now()
    flt = svc.TicketFilter(
        province=province or None,
        status=status or None,
        category=category or None,
        severity=severity or None,
        queue=queue or None,
        overdue_at=now if breached else None,
    )
    result = svc.list_tickets(db, who, flt, offset=(page_no - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    tax = svc.taxonomy(db)
    return page(
        request,
        "complaints/queue.html",
        {
            **_context(request),
            "staff": who,
            "result": result,
            "clocks": svc.countdowns(db, result.items, now),
            "filters": {
                "status": status,
                "category": category,
                "severity": severity,
                "queue": queue,
                "province": province,
                "breached": breached,
            },
            "statuses": [s.value for s in dc.Status],
            "severities": [s.value for s in dc.Severity],
            "queues": [q.value for q in dc.Queue],
            "categories": [(c.code, tax.path(c.code)) for c in tax.categories],
            "leaves": [(c.code, tax.path(c.code)) for c in tax.leaves()],
            "provinces": PROVINCES if who.is_headquarters else (),
            "page_no": page_no,
            "pages": max(1, -(-result.total // PAGE_SIZE)),
        },
    )


@router.post(CONSOLE + "/new", dependencies=[*CSRF, requires("complaint.file_for_caller")])
def file_for_caller(
    request: Request,
    db: Db,
    who: Staff,
    msisdn: Annotated[str, Form(max_length=20)],
    category: Annotated[str, Form(max_length=40)],
    key: FormKey,
    severity: Annotated[str, Form(pattern="^(low|normal|high|critical)$")] = "normal",
    summary: Annotated[str, Form(max_length=dc.MAX_SUMMARY)] = "",
    description: Annotated[str, Form(max_length=dc.MAX_TEXT)] = "",
) -> Response:
    """A 10086 agent files a complaint for a caller (once per form key)."""
    try:
        ticket_id, _replayed = svc.file_ticket_once(
            db, who, key=key, node=_node(), category=category, summary=summary,
            description=description, channel="console", msisdn=msisdn, severity=severity,
        )  # fmt: skip
    except DomainError as err:
        _error(request, err)
        return redirect(CONSOLE + "/")
    if ticket_id is None:
        flash(request, "ok", "web.cmp.in_flight")
        return redirect(CONSOLE + "/")
    flash(request, "ok", "web.cmp.filed", id=ticket_id)
    return redirect(_ticket_url(ticket_id))
