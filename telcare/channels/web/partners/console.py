"""The staff console for partners (``/staff/partners``): every SP, violations and
inspections, the headquarters' monthly runs, the audit trail and the yearly report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from telcare import clock
from telcare.channels.guards import requires
from telcare.channels.web import staff as staff_console
from telcare.channels.web.partners.common import (
    CSRF,
    STAFF,
    Db,
    Key,
    MonthField,
    Staff,
    _denied,
    _error,
)
from telcare.channels.web.render import flash, page, redirect
from telcare.domain import partners as rules
from telcare.domain.errors import DomainError
from telcare.domain.messages import N_
from telcare.domain.money import fen_to_yuan
from telcare.domain.months import month_of
from telcare.services import partners
from telcare.services.idempotency import check_key

router = APIRouter(include_in_schema=False)


if (STAFF + "/", N_("web.staff.console.partners")) not in staff_console.CONSOLES:
    staff_console.CONSOLES.append((STAFF + "/", N_("web.staff.console.partners")))


def _this_month() -> str:
    return month_of(clock.now())


@router.get(STAFF + "/", response_class=HTMLResponse, dependencies=[requires("sp.report.view")])
def console(request: Request, db: Db, who: Staff) -> Response:
    """Every SP with its latest tier and score, the inspection form and the runs."""
    return page(
        request,
        "partners/staff_sps.html",
        {
            "staff": who,
            "sps": partners.all_sps(db, who),
            "types": [t.value for t in rules.ViolationType],
            "month": _this_month(),
        },
    )


@router.get(
    STAFF + "/violations", response_class=HTMLResponse, dependencies=[requires("sp.report.view")]
)
def violations(request: Request, db: Db, who: Staff) -> Response:
    rows = sorted(
        ((sp.name, v) for sp in partners.all_sps(db, who) for v in sp.violations),
        key=lambda r: r[1].occurred_at,
        reverse=True,
    )
    return page(request, "partners/staff_violations.html", {"rows": rows})


@router.post(STAFF + "/inspections", dependencies=[*CSRF, requires("sp.violation.record")])
def inspect(
    request: Request,
    db: Db,
    who: Staff,
    access_code: Annotated[str, Form(max_length=20)],
    type: Annotated[str, Form(max_length=30)],
    evidence: Annotated[str, Form(min_length=1, max_length=2000)],
    key: Key,
) -> Response:
    """Record a violation found by staff; the form key is its source reference (once)."""
    try:
        check_key(key)
        v = partners.record_inspection(db, who, access_code, type, evidence, ref=key)
        flash(request, "ok", "web.sp.recorded", sp=v.access_code, points=v.penalty_points)
    except DomainError as err:
        _error(request, err)
    return redirect(STAFF + "/")


@router.post(STAFF + "/run-month", dependencies=[*CSRF, requires("sp.month.run")])
def run_month(request: Request, db: Db, who: Staff, month: MonthField) -> Response:
    """Headquarters: score the month, disclose tier A, apply the policy (idempotent)."""
    if not who.is_headquarters:
        return _denied(request)
    results = partners.run_month(db, month)
    a = sum(1 for r in results if r.tier == "A")
    flash(request, "ok", "web.sp.month_done", month=month, n=len(results), a=a)
    return redirect(STAFF + "/")


@router.post(STAFF + "/run-fees", dependencies=[*CSRF, requires("sp.month.run")])
def run_fees(request: Request, db: Db, who: Staff, month: MonthField) -> Response:
    """Headquarters: charge the month to confirmed subscriptions, once each."""
    if not who.is_headquarters:
        return _denied(request)
    r = partners.run_fees(db, month)
    flash(
        request,
        "ok",
        "web.sp.fees_done",
        month=month,
        charged=r.charged,
        amount=fen_to_yuan(r.charged_fen),
        already=r.already,
        held=r.held_reconfirm,
        short=r.insufficient,
    )
    return redirect(STAFF + "/")


@router.get(
    STAFF + "/actions", response_class=HTMLResponse, dependencies=[requires("sp.report.view")]
)
def actions(request: Request, db: Db, who: Staff) -> Response:
    """The governance audit trail (headquarters)."""
    try:
        rows = partners.actions(db, who)
    except DomainError:
        return _denied(request)
    return page(request, "partners/staff_actions.html", {"rows": rows})


@router.get(
    STAFF + "/report", response_class=HTMLResponse, dependencies=[requires("sp.report.view")]
)
def report(
    request: Request,
    db: Db,
    who: Staff,
    year: Annotated[int | None, Query(ge=2000, le=2999)] = None,
) -> Response:
    year = year or clock.now().year
    return page(
        request,
        "partners/staff_report.html",
        {"report": partners.yearly_report(db, year), "year": year},
    )
