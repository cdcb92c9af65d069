"""The quality loop in the staff console (``/staff/quality/…``): improvement actions,
monthly quality meetings, incidents, launch checklists and discipline cases. Provincial
staff see and handle their own province; headquarters every one (and the launch gate)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from telcare import clock
from telcare.channels.api.deps import get_db
from telcare.channels.guards import requires
from telcare.channels.sms import launch_test
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import RowId, require_csrf, require_staff
from telcare.domain import discipline as disc_rules
from telcare.domain import launch as launch_rules
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError, Forbidden
from telcare.domain.messages import N_
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services.quality import actions, discipline, incidents, launch, meetings
from telcare.store.uow import Database

BASE = "/staff/quality"
router = APIRouter(prefix=BASE, include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Staff = Annotated[Principal, Depends(require_staff)]
CSRF = [Depends(require_csrf)]
Text = Annotated[str, Form(min_length=1, max_length=2000)]
Short = Annotated[str, Form(min_length=1, max_length=60)]
Province = Annotated[str | None, Query(max_length=2)]


def _safe(request: Request, fn: object, *args: object, **kw: object) -> None:
    try:
        fn(*args, **kw)  # type: ignore[operator]
        flash(request, "ok", "web.ql.saved")
    except DomainError as err:
        flash(request, "error", err.key, **err.params)


def _scoped(fn: object, *args: object, **kw: object) -> object:
    try:
        return fn(*args, **kw)  # type: ignore[operator]
    except Forbidden as err:
        raise HTTPException(403) from err
    except DomainError as err:
        raise HTTPException(422) from err


def _ctx(who: Principal, tab: str, **kw: object) -> dict[str, object]:
    return {"staff": who, "tab": tab, **kw}


# --- improvement actions -------------------------------------------------------------


@router.get("/actions", response_class=HTMLResponse, dependencies=[requires("quality.view")])
def action_list(
    request: Request,
    db: Db,
    who: Staff,
    province: Province = None,
    status: Annotated[str | None, Query(pattern=r"^(open|done|closed)$")] = None,
) -> Response:
    rows = _scoped(actions.list_actions, db, who, province=province, status=status)
    return page(request, "quality/actions.html", _ctx(who, "actions", rows=rows, status=status))


@router.post("/actions/{action_id}/assign", dependencies=[*CSRF, requires("quality.action.handle")])
def action_assign(
    request: Request, db: Db, who: Staff, action_id: RowId, department: Short, owner: Short,
    plan: Text, due_on: Annotated[date | None, Form()] = None,
) -> Response:  # fmt: skip
    _safe(request, actions.assign, db, who, action_id, department=department, owner=owner,
          plan=plan, due_on=due_on)  # fmt: skip
    return redirect(BASE + "/actions")


@router.post(
    "/actions/{action_id}/evidence", dependencies=[*CSRF, requires("quality.action.handle")]
)
def action_evidence(request: Request, db: Db, who: Staff, action_id: RowId, text: Text) -> Response:
    _safe(request, actions.record_evidence, db, who, action_id, text)
    return redirect(BASE + "/actions")


@router.post("/actions/{action_id}/close", dependencies=[*CSRF, requires("quality.action.handle")])
def action_close(request: Request, db: Db, who: Staff, action_id: RowId, text: Text) -> Response:
    _safe(request, actions.close_action, db, who, action_id, text)
    return redirect(BASE + "/actions")


# --- meetings and incidents ------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [x.strip() for x in text.splitlines() if x.strip()]


@router.get("/meetings", response_class=HTMLResponse, dependencies=[requires("quality.view")])
def meeting_list(request: Request, db: Db, who: Staff, province: Province = None) -> Response:
    rows = _scoped(meetings.list_meetings, db, who, province=province)
    return page(request, "quality/meetings.html", _ctx(who, "meetings", rows=rows))


@router.post("/meetings", dependencies=[*CSRF, requires("quality.meeting.record")])
def meeting_record(
    request: Request, db: Db, who: Staff, province: Annotated[str, Form(max_length=2)],
    month: Annotated[str, Form(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")],
    held_on: Annotated[date, Form()], chair: Short, attendees: Text, decisions: Text,
) -> Response:  # fmt: skip
    _safe(request, meetings.record_meeting, db, who, province=province.upper(), month=month,
          held_on=held_on, chair=chair, attendees=_lines(attendees),
          decisions=_lines(decisions))  # fmt: skip
    return redirect(BASE + "/meetings")


@router.get("/incidents", response_class=HTMLResponse, dependencies=[requires("quality.view")])
def incident_list(request: Request, db: Db, who: Staff, province: Province = None) -> Response:
    rows = _scoped(incidents.list_incidents, db, who, province=province)
    return page(request, "quality/incidents.html", _ctx(who, "incidents", rows=rows))


@router.post("/incidents", dependencies=[*CSRF, requires("quality.incident.record")])
def incident_record(
    request: Request, db: Db, who: Staff, province: Annotated[str, Form(max_length=2)],
    title: Annotated[str, Form(min_length=1, max_length=200)],
    occurred_at: Annotated[datetime, Form()], impact: Text, root_cause: Text, unit: Short,
    person: Short, penalty: Text, tickets: Annotated[str, Form(max_length=2000)] = "",
) -> Response:  # fmt: skip
    when = occurred_at if occurred_at.tzinfo else occurred_at.replace(tzinfo=OPERATOR_TZ)
    _safe(request, incidents.record_incident, db, who, province=province.upper(), title=title,
          occurred_at=when, impact=impact, root_cause=root_cause, unit=unit, person=person,
          penalty=penalty, tickets=tickets.split())  # fmt: skip
    return redirect(BASE + "/incidents")


# --- launch checklists ------------------------------------------------------------------


@router.get("/launch", response_class=HTMLResponse, dependencies=[requires("quality.view")])
def launch_list(request: Request, db: Db, who: Staff) -> Response:
    rows = _scoped(launch.checklists, db, who)
    return page(request, "quality/launch.html",
                _ctx(who, "launch", rows=rows, steps=launch_rules.REVIEWS))  # fmt: skip


@router.post("/launch", dependencies=[*CSRF, requires("quality.launch.manage")])
def launch_start(
    request: Request, db: Db, who: Staff,
    kind: Annotated[str, Form(pattern=r"^(product|sp_service|tariff)$")],
    item: Annotated[str, Form(pattern=r"^[A-Za-z0-9:_@-]{1,60}$")],
    lines: Annotated[str, Form(max_length=200)],
) -> Response:  # fmt: skip
    _safe(request, launch.start, db, who, kind, item, lines.split())
    return redirect(BASE + "/launch")


@router.post("/launch/{kind}/{item}/steps", dependencies=[*CSRF, requires("quality.launch.manage")])
def launch_step(
    request: Request, db: Db, who: Staff, kind: str, item: str,
    step: Annotated[str, Form(max_length=30)], ok: Annotated[bool, Form()] = False,
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:  # fmt: skip
    _safe(request, launch.record_step, db, who, kind, item, step, ok=ok, note=note)
    return redirect(BASE + "/launch")


@router.post(
    "/launch/{kind}/{item}/verify", dependencies=[*CSRF, requires("quality.launch.manage")]
)
def launch_verify(request: Request, db: Db, who: Staff, kind: str, item: str) -> Response:
    """Run the test orders on the test lines (SMS and web); each check is recorded."""
    try:
        done = launch_test.run(db, who, kind, item)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
    else:
        verdict = (
            N_("web.ql.run_passed") if done.steps["last_run"]["passed"] else N_("web.ql.run_failed")
        )
        flash(request, "ok" if done.steps["last_run"]["passed"] else "error", verdict)
    return redirect(BASE + "/launch")


@router.post(
    "/launch/{kind}/{item}/approve", dependencies=[*CSRF, requires("quality.launch.manage")]
)
def launch_approve(request: Request, db: Db, who: Staff, kind: str, item: str) -> Response:
    _safe(request, launch.approve, db, who, kind, item)
    return redirect(BASE + "/launch")


# --- discipline ---------------------------------------------------------------------------


@router.get("/discipline", response_class=HTMLResponse, dependencies=[requires("quality.view")])
def case_list(request: Request, db: Db, who: Staff, province: Province = None) -> Response:
    rows = _scoped(discipline.list_cases, db, who, province=province)
    month = clock.local_now().strftime("%Y-%m")
    summary = _scoped(discipline.monthly_summary, db, who, month, province=province)
    return page(request, "quality/discipline.html",
                _ctx(who, "discipline", rows=rows, summary=summary, month=month,
                     rules=disc_rules.BY_CODE))  # fmt: skip


@router.post("/discipline/{case_id}", dependencies=[*CSRF, requires("quality.discipline.handle")])
def case_move(
    request: Request, db: Db, who: Staff, case_id: RowId,
    action: Annotated[str, Form(pattern=r"^(investigate|uphold|dismiss)$")],
    finding: Annotated[str, Form(max_length=2000)] = "",
    penalty: Annotated[str, Form(max_length=2000)] = "",
) -> Response:  # fmt: skip
    _safe(request, discipline.move, db, who, case_id, action, finding=finding, penalty=penalty)
    return redirect(BASE + "/discipline")
