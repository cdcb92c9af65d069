"""Survey pages: the online survey in the business hall (``/hall/survey``) and the staff
console (``/staff/surveys``): scores, templates (new versions without a release) and
follow-ups (open a ticket from a low score in one click).

Thin: every rule is in :mod:`telcare.services.surveys` and the domain.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.api.deps import get_db
from telcare.channels.guards import requires
from telcare.channels.web import staff
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import (
    RowId,
    new_form_key,
    require_csrf,
    require_msisdn,
    require_staff,
)
from telcare.domain import surveys as sv
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.services import surveys
from telcare.store.uow import Database

router = APIRouter(include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
Staff = Annotated[Principal, Depends(require_staff)]
CSRF = [Depends(require_csrf)]
HALL = "/hall/survey"
STAFF = "/staff/surveys"

staff.CONSOLES.append((f"{STAFF}/", N_("web.staff.console.surveys")))


# --- the online survey (subscriber) -----------------------------------------------------


@router.get(HALL, response_class=HTMLResponse)
def survey_page(request: Request, db: Db, msisdn: Msisdn) -> Response:
    return page(request, "surveys/answer.html", {"offer": surveys.web_survey(db, msisdn)})


@router.post(HALL, dependencies=CSRF)
async def answer(request: Request, db: Db, msisdn: Msisdn) -> Response:
    form = await request.form()
    fields = {k: str(v)[:2000] for k, v in form.items() if isinstance(v, str)}
    raw_id = fields.pop("survey_id", "")
    try:
        survey_id = int(raw_id) if raw_id.isdigit() else None
        got = surveys.answer_web(db, msisdn, survey_id, fields)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
        return redirect(HALL)
    flash(request, "ok", N_("survey.thanks_low") if got.low else N_("survey.thanks"))
    return redirect(HALL)


# --- staff console --------------------------------------------------------------------


@router.get(
    f"{STAFF}/", response_class=HTMLResponse, dependencies=[requires("survey.results.view")]
)
def scores_page(
    request: Request,
    db: Db,
    who: Staff,
    by: Annotated[str, Query(max_length=80)] = "province",
    month: Annotated[str, Query(max_length=7)] = "",
) -> Response:
    dims = [d for d in by.split(",") if d in sv.DIMENSIONS] or ["province"]
    province = None if who.province == HQ else who.province
    rows = surveys.scores(db, dims, month=month or None, province=province)
    return page(
        request,
        "surveys/scores.html",
        {"rows": rows, "dims": dims, "by": ",".join(dims), "month": month, "all": sv.DIMENSIONS},
    )


@router.get(
    f"{STAFF}/templates",
    response_class=HTMLResponse,
    dependencies=[requires("survey.results.view")],
)
def templates_page(request: Request, db: Db, who: Staff) -> Response:
    items = [
        (t, json.dumps(sv.template_to_dict(t), ensure_ascii=False, indent=2))
        for t in surveys.templates(db)
        if who.province in (HQ, t.owner) or t.covers(who.province)
    ]
    return page(request, "surveys/templates.html", {"items": items, "staff": who})


@router.post(f"{STAFF}/templates", dependencies=[*CSRF, requires("survey.template.edit")])
def save_template(
    request: Request,
    db: Db,
    who: Staff,
    code: Annotated[str, Form(max_length=30)],
    spec: Annotated[str, Form(max_length=20_000)],
) -> Response:
    try:
        data = json.loads(spec)
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        flash(request, "error", "web.staff.surveys.bad_json")
        return redirect(f"{STAFF}/templates")
    try:
        t = surveys.save_template(db, who, code, data)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
        return redirect(f"{STAFF}/templates")
    flash(request, "ok", "web.staff.surveys.saved", code=t.code, version=t.version)
    return redirect(f"{STAFF}/templates")


@router.get(
    f"{STAFF}/follow-ups",
    response_class=HTMLResponse,
    dependencies=[requires("survey.results.view")],
)
def follow_ups_page(request: Request, db: Db, who: Staff) -> Response:
    return page(request, "surveys/follow_ups.html", {"items": surveys.follow_ups(db, who)})


@router.post(f"{STAFF}/{{survey_id}}/ticket", dependencies=[*CSRF, requires("survey.follow_up")])
def open_ticket(request: Request, db: Db, who: Staff, survey_id: RowId) -> Response:
    try:
        ticket_id = surveys.open_ticket(db, who, survey_id, node=who.province)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
    else:
        flash(request, "ok", "web.staff.surveys.ticket_opened", id=ticket_id)
    return redirect(f"{STAFF}/follow-ups")


# --- staff: record a shop visit or a closed 10086 call (survey triggers) -----------------


@router.get(
    f"{STAFF}/contacts",
    response_class=HTMLResponse,
    dependencies=[requires("survey.contact.record")],
)
def contacts_page(request: Request, who: Staff) -> Response:
    """Shop staff record a visit, 10086 agents a closed call; each form carries a fresh
    id (the visit or call id), so a double submit is recorded once."""
    return page(
        request,
        "surveys/contacts.html",
        {"staff": who, "visit_id": new_form_key(), "call_id": new_form_key()},
    )


def _recorded(request: Request, sent: surveys.Sent) -> Response:
    flash(
        request,
        "ok",
        f"web.staff.surveys.outcome.{sent.outcome}",
        template=sent.template or "",
        version=sent.version or "",
    )
    return redirect(f"{STAFF}/contacts")


@router.post(f"{STAFF}/visits", dependencies=[*CSRF, requires("survey.contact.record")])
def record_visit(
    request: Request,
    db: Db,
    who: Staff,
    msisdn: Annotated[str, Form(max_length=20)],
    shop: Annotated[str, Form(min_length=1, max_length=20)],
    visit_id: Annotated[str, Form(min_length=1, max_length=60)],
) -> Response:
    province = "" if who.province == HQ else who.province
    try:
        sent = surveys.record_visit(db, msisdn, shop.strip().upper(), province, visit_id=visit_id)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
        return redirect(f"{STAFF}/contacts")
    return _recorded(request, sent)


@router.post(f"{STAFF}/calls", dependencies=[*CSRF, requires("survey.contact.record")])
def record_call(
    request: Request,
    db: Db,
    who: Staff,
    msisdn: Annotated[str, Form(max_length=20)],
    call_id: Annotated[str, Form(min_length=1, max_length=60)],
) -> Response:
    province = None if who.province == HQ else who.province
    try:
        sent = surveys.record_call(db, msisdn, who.subject, call_id=call_id, province=province)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
        return redirect(f"{STAFF}/contacts")
    return _recorded(request, sent)
