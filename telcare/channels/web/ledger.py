"""The hall's ledger: the filtered list (htmx), its CSV export and a receipt per recharge.

A bad filter (an unknown kind, a date that is not one, a page number below 1) is said on
the page next to the filters, never a bare 422: the page is re-rendered with what was asked.
Reasons are shown in the reader's language (:mod:`telcare.domain.ledger_reasons`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.api.deps import get_db
from telcare.channels.web.render import page
from telcare.channels.web.security import lang_of, require_msisdn
from telcare.domain.errors import DomainError, InvalidInput
from telcare.domain.ledger import EntryKind
from telcare.domain.ledger_reasons import say
from telcare.domain.messages import N_
from telcare.services import hall, receipts
from telcare.store.uow import Database

router = APIRouter(prefix="/hall", include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
PAGE_SIZE = 10
Kind = Annotated[str, Query(max_length=12)]
Day = Annotated[str, Query(max_length=10)]


def _day(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(N_("web.bad_date"), value=value) from exc


def _page_no(value: str) -> int:
    try:
        number = int(value or "1")
    except ValueError:
        number = 0
    if not 1 <= number <= 10_000:
        raise InvalidInput(N_("web.bad_page"), last=10_000)
    return number


@router.get("/ledger", response_class=HTMLResponse)
def ledger(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    kind: Kind = "",
    since: Day = "",
    until: Day = "",
    page_text: Annotated[str, Query(alias="page", max_length=6)] = "1",
) -> Response:
    """The ledger, newest first, filtered by kind and an inclusive date range."""
    error = None
    rows: list[hall.LedgerRow] = []
    total, page_no = 0, 1
    try:
        page_no = _page_no(page_text)
        rows, total = hall.ledger_history(
            db,
            msisdn,
            kind=kind or None,
            since=_day(since),
            until=_day(until),
            offset=(page_no - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    except DomainError as err:
        error = err
    lang = lang_of(request)
    return page(
        request,
        "hall/ledger.html",
        {
            "rows": rows,
            "total": total,
            "page_no": page_no,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "kinds": [k.value for k in EntryKind],
            "filters": {"kind": kind, "since": since, "until": until},
            "error": error,
            "reason": lambda r: say(r.reason, r.kind, lang),
        },
    )


@router.get("/ledger.csv")
def ledger_csv(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    kind: Kind = "",
    since: Day = "",
    until: Day = "",
) -> Response:
    """The filtered ledger as a CSV file in the reader's language (a bad filter: the page)."""
    try:
        rows = receipts.export_rows(
            db, msisdn, kind=kind or None, since=_day(since), until=_day(until)
        )
    except DomainError:
        return ledger(request, db, msisdn, kind, since, until)
    return Response(
        receipts.ledger_csv(rows, lang_of(request)),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="ledger-{msisdn}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/ledger/{entry_id}/receipt", response_class=HTMLResponse)
def receipt(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    entry_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
) -> Response:
    """A printable receipt for one of the line's recharges (print styles in style.css)."""
    found = receipts.receipt(db, msisdn, entry_id)
    lang = lang_of(request)
    return page(
        request,
        "hall/receipt.html",
        {"rc": found, "reason": say(found.entry.reason, found.entry.kind, lang)},
    )
