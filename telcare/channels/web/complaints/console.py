"""The staff console's queue (/staff/complaints/): filters, SLA countdowns, filing for a caller."""

from __future__ import annotations

from typing import Annotated, Any

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
    _node,
    _ticket_url,
)
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import FormKey, lang_of
from telcare.domain import complaints as dc
from telcare.domain.errors import DomainError
from telcare.domain.messages import N_, render
from telcare.domain.msisdn import normalise_msisdn
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
    q: str = "",
    status: str = "",
    category: str = "",
    severity: str = "",
    queue: str = "",
    province: str = "",
    breached: str = "",
    page_no: Annotated[str, Query(alias="page")] = "1",
) -> Response:
    """Tickets of the staff member's province (all provinces at HQ): open first, nearest
    deadline first; a filter that is not one of the choices is said next to its field."""
    return _queue_page(
        request, db, who, q, status, category, severity, queue, province, breached, page_no
    )


def _queue_page(
    request: Request,
    db: Db,
    who: Staff,
    q: str = "",
    status: str = "",
    category: str = "",
    severity: str = "",
    queue: str = "",
    province: str = "",
    breached: str = "",
    page_no: str = "1",
    caller: dict[str, Any] | None = None,
) -> Response:
    """The queue page; ``caller``: the file-for-a-caller form sent back with its errors."""
    now = clock.now()
    tax = svc.taxonomy(db)
    choices = {
        "status": {s.value for s in dc.Status},
        "severity": {s.value for s in dc.Severity},
        "queue": {x.value for x in dc.Queue},
        "category": {c.code for c in tax.categories},
        "province": {p.code for p in PROVINCES} if who.is_headquarters else {who.province},
    }
    asked = {"status": status, "category": category, "severity": severity, "queue": queue,
             "province": province}  # fmt: skip
    errors = {k: N_("web.cmp.bad_filter") for k, v in asked.items() if v and v not in choices[k]}
    number = int(page_no) if page_no.isdigit() and 1 <= int(page_no) <= 10_000 else None
    if number is None:
        errors["page"] = N_("web.cmp.bad_filter")
    if len(q) > 40:
        errors["q"] = N_("web.cmp.bad_filter")
    ok = {k: v for k, v in asked.items() if k not in errors}
    page_no_ = number or 1
    flt = svc.TicketFilter(
        province=ok.get("province") or None,
        status=ok.get("status") or None,
        category=ok.get("category") or None,
        severity=ok.get("severity") or None,
        queue=ok.get("queue") or None,
        overdue_at=now if breached else None,
        search=q.strip() if "q" not in errors else None,
    )
    result = svc.list_tickets(db, who, flt, offset=(page_no_ - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return page(
        request,
        "complaints/queue.html",
        {
            **_context(request),
            "staff": who,
            "result": result,
            "clocks": svc.countdowns(db, result.items, now),
            "filters": {**asked, "breached": "1" if breached else "", "q": q[:40]},
            "errors": errors,
            "statuses": [s.value for s in dc.Status],
            "severities": [s.value for s in dc.Severity],
            "queues": [x.value for x in dc.Queue],
            "categories": [(c.code, tax.path(c.code)) for c in tax.categories],
            "leaves": [(c.code, tax.path(c.code)) for c in tax.leaves()],
            "provinces": PROVINCES if who.is_headquarters else (),
            "page_no": page_no_,
            "pages": max(1, -(-result.total // PAGE_SIZE)),
            "caller": caller or {"form": {}, "errors": {}},
        },
        status=422 if errors or caller else 200,
    )


@router.post(CONSOLE + "/new", dependencies=[*CSRF, requires("complaint.file_for_caller")])
def file_for_caller(
    request: Request,
    db: Db,
    who: Staff,
    key: FormKey,
    msisdn: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    severity: Annotated[str, Form()] = "normal",
    summary: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    """A 10086 agent files a complaint for a caller (once per form key); a field that is
    wrong is said next to it on the queue page, the form open and what was typed kept."""
    lang = lang_of(request)
    form = {
        "msisdn": msisdn[:20],
        "category": category[:40],
        "severity": severity[:10],
        "summary": summary[: dc.MAX_SUMMARY],
        "description": description[: dc.MAX_TEXT],
    }
    errors: dict[str, str] = {}
    try:
        normalise_msisdn(msisdn)
    except DomainError as err:
        errors["msisdn"] = render(err.key, lang, **err.params)
    leaves = {c.code for c in svc.taxonomy(db).leaves()}
    if category not in leaves:
        errors["category"] = render("web.cmp.choose_leaf", lang)
    if severity not in {s.value for s in dc.Severity}:
        errors["severity"] = render("web.cmp.choose_leaf", lang)
    if not description.strip() or len(description) > dc.MAX_TEXT:
        errors["description"] = render("web.cmp.need_text", lang)
    if len(summary) > dc.MAX_SUMMARY:
        errors["summary"] = render("web.cmp.too_long", lang, n=dc.MAX_SUMMARY)
    if not errors:
        try:
            ticket_id, _replayed = svc.file_ticket_once(
                db, who, key=key, node=_node(), category=category, summary=summary,
                description=description, channel="console", msisdn=msisdn, severity=severity,
            )  # fmt: skip
        except DomainError as err:
            errors["form"] = render(err.key, lang, **err.params)
    if errors:
        return _queue_page(request, db, who, caller={"form": form, "errors": errors})
    if ticket_id is None:
        flash(request, "ok", "web.cmp.in_flight")
        return redirect(CONSOLE + "/")
    flash(request, "ok", "web.cmp.filed", id=ticket_id)
    return redirect(_ticket_url(ticket_id))
