"""Customer club and opinion pages: ``/hall/club`` (join or leave, member events with
sign-up, opinions and essays to open campaigns) and ``/staff/club`` (events and
attendance, campaigns, moderation, the counts).

Thin: every rule is in :mod:`telcare.services.club` and :mod:`telcare.domain.club`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.api.deps import get_db
from telcare.channels.guards import requires
from telcare.channels.web import staff
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import RowId, require_csrf, require_msisdn, require_staff
from telcare.domain import club as dc
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError, InvalidInput
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import club, selfcare
from telcare.store.uow import Database

router = APIRouter(include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
Staff = Annotated[Principal, Depends(require_staff)]
CSRF = [Depends(require_csrf)]
HALL = "/hall/club"
STAFF = "/staff/club"

staff.CONSOLES.append((f"{STAFF}/", N_("web.staff.console.club")))


def _when(value: str) -> datetime | None:
    """A ``datetime-local`` form value, in Beijing time; None when empty."""
    if not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=OPERATOR_TZ)
    except ValueError:
        raise InvalidInput(N_("web.club.bad_time")) from None


def _required_when(value: str) -> datetime:
    """:func:`_when` for a field that must be filled in."""
    when = _when(value)
    if when is None:
        raise InvalidInput(N_("web.club.bad_time"))
    return when


def _done(request: Request, to: str, key: str, **params: object) -> Response:
    flash(request, "ok", key, **params)
    return redirect(to)


def _failed(request: Request, to: str, err: DomainError) -> Response:
    flash(request, "error", err.key, **err.params)
    return redirect(to)


# --- the business hall ----------------------------------------------------------------------


@router.get(HALL, response_class=HTMLResponse)
def club_page(request: Request, db: Db, msisdn: Msisdn) -> Response:
    province = selfcare.overview(db, msisdn).province
    mine, _ = club.submissions(db, msisdn=msisdn, limit=20)
    return page(
        request,
        "club/hall.html",
        {
            "member": club.is_member(db, msisdn),
            "events": club.events(db, msisdn=msisdn, province=province),
            "campaigns": club.campaigns(db, open_only=True),
            "mine": mine,
            "kinds": [k.value for k in dc.SubmissionKind],
            "categories": [c.value for c in dc.Category],
        },
    )


@router.post(f"{HALL}/join", dependencies=CSRF)
def join(request: Request, db: Db, msisdn: Msisdn) -> Response:
    try:
        changed = club.join(db, msisdn)
    except DomainError as err:
        return _failed(request, HALL, err)
    return _done(request, HALL, N_("web.club.joined") if changed else N_("web.club.unchanged"))


@router.post(f"{HALL}/leave", dependencies=CSRF)
def leave(request: Request, db: Db, msisdn: Msisdn) -> Response:
    changed = club.leave(db, msisdn)
    return _done(request, HALL, N_("web.club.left") if changed else N_("web.club.unchanged"))


@router.post(f"{HALL}/events/{{event_id}}", dependencies=CSRF)
def sign_up(request: Request, db: Db, msisdn: Msisdn, event_id: RowId) -> Response:
    try:
        changed = club.register_for_event(db, event_id, msisdn)
    except DomainError as err:
        return _failed(request, HALL, err)
    return _done(request, HALL, N_("web.club.registered") if changed else N_("web.club.unchanged"))


@router.post(f"{HALL}/opinions", dependencies=CSRF)
def submit(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    campaign: Annotated[str, Form(max_length=30)],
    kind: Annotated[str, Form(max_length=10)],
    category: Annotated[str, Form(max_length=10)],
    text: Annotated[str, Form(max_length=dc.MAX_ESSAY)] = "",
    title: Annotated[str, Form(max_length=dc.MAX_TITLE)] = "",
) -> Response:
    try:
        club.submit(db, campaign, msisdn, kind, category, text, title)
    except DomainError as err:
        return _failed(request, HALL, err)
    return _done(request, HALL, N_("web.club.sent"))


# --- staff ----------------------------------------------------------------------------------


@router.get(f"{STAFF}/", response_class=HTMLResponse, dependencies=[requires("club.console.view")])
def staff_page(request: Request, db: Db, who: Staff) -> Response:
    events = club.events(db, province=who.province)
    scope = None if who.province == HQ else who.province
    pending, _ = club.submissions(db, state="pending", province=scope, limit=100)
    featured, _ = club.submissions(db, state="approved", province=scope, limit=50)
    return page(
        request,
        "club/staff.html",
        {
            "staff": who,
            "events": [
                (e, club.registrations(db, who, e.id) if who.province in (HQ, e.province) else [])
                for e in events
            ],
            "campaigns": club.campaigns(db),
            "pending": pending,
            "approved": featured,
            "report": club.report(db),
            "event_kinds": [k.value for k in dc.EventKind],
        },
    )


@router.post(f"{STAFF}/events", dependencies=[*CSRF, requires("club.event.manage")])
def create_event(
    request: Request,
    db: Db,
    who: Staff,
    kind: Annotated[str, Form(max_length=20)],
    title: Annotated[str, Form(max_length=dc.MAX_TITLE)],
    starts_at: Annotated[str, Form(max_length=30)],
    capacity: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    try:
        when = _required_when(starts_at)
        places = int(capacity) if capacity.strip().isdigit() else None
        club.create_event(db, who, kind, title, when, capacity=places)
    except DomainError as err:
        return _failed(request, f"{STAFF}/", err)
    return _done(request, f"{STAFF}/", N_("web.staff.club.created"))


@router.post(
    f"{STAFF}/events/{{event_id}}/attendance",
    dependencies=[*CSRF, requires("club.attendance.record")],
)
def attendance(
    request: Request,
    db: Db,
    who: Staff,
    event_id: RowId,
    msisdn: Annotated[str, Form(max_length=20)],
) -> Response:
    try:
        club.record_attendance(db, who, event_id, msisdn)
    except DomainError as err:
        return _failed(request, f"{STAFF}/", err)
    return _done(request, f"{STAFF}/", N_("web.staff.club.marked"))


@router.post(f"{STAFF}/campaigns", dependencies=[*CSRF, requires("club.campaign.manage")])
def create_campaign(
    request: Request,
    db: Db,
    who: Staff,
    code: Annotated[str, Form(max_length=30)],
    title: Annotated[str, Form(max_length=dc.MAX_TITLE)],
    starts_at: Annotated[str, Form(max_length=30)],
    ends_at: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    try:
        start = _required_when(starts_at)
        club.create_campaign(db, who, code, title, start, _when(ends_at))
    except DomainError as err:
        return _failed(request, f"{STAFF}/", err)
    return _done(request, f"{STAFF}/", N_("web.staff.club.created"))


@router.post(
    f"{STAFF}/submissions/{{submission_id}}",
    dependencies=[*CSRF, requires("club.submission.moderate")],
)
def moderate(
    request: Request,
    db: Db,
    who: Staff,
    submission_id: RowId,
    action: Annotated[str, Form(max_length=10)],
) -> Response:
    try:
        state = club.moderate(db, who, submission_id, action)
    except DomainError as err:
        return _failed(request, f"{STAFF}/", err)
    return _done(request, f"{STAFF}/", N_("web.staff.club.moderated"), state=state)
