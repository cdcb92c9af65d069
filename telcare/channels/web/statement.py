"""The monthly statement in the business hall (``/hall/statement``): the month's opening
and closing balance, fees, usage by kind, recharges, refunds and adjustments, every
ledger entry, and the month's ledger as CSV (``/hall/statement.csv``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from telcare import clock
from telcare.channels.api.deps import get_db
from telcare.channels.web.render import flash, page
from telcare.channels.web.security import require_msisdn
from telcare.domain.errors import DomainError
from telcare.domain.months import month_of
from telcare.services import cycle
from telcare.store.uow import Database

router = APIRouter(prefix="/hall", include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
Month = Annotated[str, Query(max_length=7)]


@router.get("/statement", response_class=HTMLResponse)
def statement_page(request: Request, db: Db, msisdn: Msisdn, month: Month = "") -> Response:
    """The statement of ``month`` (default: last month)."""
    chosen = month or _last_month()
    try:
        st = cycle.statement(db, msisdn, chosen)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
        st = cycle.statement(db, msisdn, _last_month())
    return page(request, "hall/statement.html", {"st": st})


@router.get("/statement.csv")
def statement_csv(db: Db, msisdn: Msisdn, month: Month = "") -> Response:
    """The month's ledger as CSV (a bad month is a 422 problem)."""
    st = cycle.statement(db, msisdn, month or _last_month())
    return Response(
        cycle.ledger_csv(st),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="statement-{st.month}.csv"'},
    )


def _last_month() -> str:
    first = clock.local_now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return month_of(first - timedelta(days=1))
