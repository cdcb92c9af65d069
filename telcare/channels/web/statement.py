"""The monthly statement in the business hall (``/hall/statement``): the month's opening
and closing balance, fees, usage by kind, recharges, refunds and adjustments, every
ledger entry, the month's ledger as CSV (``/hall/statement.csv``) and the statement as
a PDF printed from the same template part (``/hall/statement.pdf``); staff download a
line's PDF within their scope (``/staff/statement.pdf?msisdn=``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from telcare import clock
from telcare.channels.api.deps import get_db
from telcare.channels.documents import statement as document
from telcare.channels.guards import requires
from telcare.channels.web.render import flash, page
from telcare.channels.web.security import lang_of, require_msisdn, require_staff
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError
from telcare.domain.ledger_reasons import say
from telcare.domain.months import month_of
from telcare.services import api_queries, cycle
from telcare.store.uow import Database

router = APIRouter(include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
Staff = Annotated[Principal, Depends(require_staff)]
Month = Annotated[str, Query(max_length=7)]
Line = Annotated[str, Query(min_length=11, max_length=11, pattern=r"^1\d{10}$")]


@router.get("/hall/statement", response_class=HTMLResponse)
def statement_page(request: Request, db: Db, msisdn: Msisdn, month: Month = "") -> Response:
    """The statement of ``month`` (default: last month)."""
    chosen = month or _last_month()
    try:
        st = cycle.statement(db, msisdn, chosen)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
        st = cycle.statement(db, msisdn, _last_month())
    lang = lang_of(request)
    return page(
        request,
        "hall/statement.html",
        {"st": st, "reason": lambda i: say(i.reason, i.kind, lang)},  # in the reader's language
    )


@router.get("/hall/statement.csv")
def statement_csv(db: Db, msisdn: Msisdn, month: Month = "") -> Response:
    """The month's ledger as CSV (a bad month is a 422 problem)."""
    st = cycle.statement(db, msisdn, month or _last_month())
    return Response(
        cycle.ledger_csv(st),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="statement-{st.month}.csv"'},
    )


@router.get("/hall/statement.pdf")
def statement_pdf(request: Request, db: Db, msisdn: Msisdn, month: Month = "") -> Response:
    """The statement as a PDF, printed from the page's own template part (a bad month is
    a 422 problem)."""
    st = cycle.statement(db, msisdn, month or _last_month())
    return _pdf(st, lang_of(request))


@router.get("/staff/statement.pdf", dependencies=[requires("console.view")])
def staff_statement_pdf(
    request: Request, db: Db, who: Staff, msisdn: Line, month: Month = ""
) -> Response:
    """A line's statement as a PDF for staff: their province's lines (HQ: every line)."""
    line = api_queries.line_by_msisdn(db, who, msisdn)
    return _pdf(cycle.statement(db, line.msisdn, month or _last_month()), lang_of(request))


def _pdf(st: cycle.Statement, lang: str) -> Response:
    return Response(
        document.render_pdf(st, lang),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="statement-{st.msisdn}-{st.month}.pdf"',
            "Cache-Control": "no-store",
        },
    )


def _last_month() -> str:
    first = clock.local_now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return month_of(first - timedelta(days=1))
