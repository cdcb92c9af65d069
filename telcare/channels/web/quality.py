"""Quality dashboards in the staff console (``/staff/quality``).

Headquarters sees the nation and every province; provincial staff their own province.
Each indicator links to its page: province ranking, trend, breakdowns by channel,
product or SP, and the tickets, reports or orders behind the figure.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from telcare import clock
from telcare.channels.api.deps import get_db
from telcare.channels.guards import requires
from telcare.channels.quality_report import place_name, ranking_chart, svg, trend_chart
from telcare.channels.web.render import page
from telcare.channels.web.security import lang_of, require_staff
from telcare.channels.web.staff import CONSOLES
from telcare.domain import quality as q
from telcare.domain.access import Principal
from telcare.domain.inputs import check_month
from telcare.domain.messages import N_
from telcare.domain.months import month_of
from telcare.domain.provinces import HQ, PROVINCES
from telcare.services import quality as qs
from telcare.store.uow import Database

router = APIRouter(prefix="/staff/quality", include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Staff = Annotated[Principal, Depends(require_staff)]
CONSOLES.append(("/staff/quality/", N_("web.quality.console")))


def _scope(who: Principal, province: str | None) -> str:
    """The province shown: HQ staff choose (default the nation); others see their own."""
    wanted = (province or (HQ if who.is_headquarters else who.province)).upper()
    if wanted != HQ and wanted not in {p.code for p in PROVINCES}:
        raise HTTPException(404)
    if not who.is_headquarters and wanted != who.province:
        raise HTTPException(403)
    return wanted


def _month(month: str | None) -> str:
    """The month asked for (this month by default): from 2000-01 up to a year ahead, or
    InvalidInput (a page with the message in a browser, a 422 problem otherwise)."""
    current = month_of(clock.now())
    chosen = month or current
    check_month(chosen, latest=q.add_months(current, 12))
    return chosen


@router.get("/", response_class=HTMLResponse, dependencies=[requires("quality.view")])
def console(
    request: Request,
    db: Db,
    who: Staff,
    province: Annotated[str | None, Query(max_length=2)] = None,
    month: Annotated[str | None, Query(max_length=7)] = None,
) -> Response:
    place, chosen, lang = _scope(who, province), _month(month), lang_of(request)
    ov = qs.overview(db, place, chosen)
    return page(
        request,
        "quality/console.html",
        {
            "ov": ov,
            "place": place_name(place, lang),
            "provinces": [HQ, *qs.PROVINCE_CODES] if who.is_headquarters else [who.province],
            "fmt": qs.fmt_value,
            "by_code": q.BY_CODE,
            "trend": Markup(svg(trend_chart(ov, lang))),
        },
    )


@router.get(
    "/indicator/{code}", response_class=HTMLResponse, dependencies=[requires("quality.view")]
)
def indicator(
    request: Request,
    db: Db,
    who: Staff,
    code: str,
    province: Annotated[str | None, Query(max_length=2)] = None,
    month: Annotated[str | None, Query(max_length=7)] = None,
) -> Response:
    ind = q.BY_CODE.get(code.upper())
    if ind is None:
        raise HTTPException(404)
    place, chosen, lang = _scope(who, province), _month(month), lang_of(request)
    ov = qs.overview(db, place, chosen)
    row = next(r for r in ov.rows if r.indicator.code == ind.code)
    breakdowns: dict[str, list[q.Figure]] = {}
    columns: list[str] = []
    records: list[tuple[object, ...]] = []
    if ind.available and ind.code in qs.SPECS:
        for dim in ind.dimensions:
            if dim in ("channel", "product", "sp"):
                breakdowns[dim] = qs.breakdown(db, ind.code, dim, chosen, place)
        columns, records = qs.details(db, ind.code, place, chosen)
    return page(
        request,
        "quality/indicator.html",
        {
            "ov": ov,
            "ind": ind,
            "row": row,
            "place": place_name(place, lang),
            "fmt": qs.fmt_value,
            "trend": Markup(svg(trend_chart(ov, lang, [ind.code]))),
            "ranking": Markup(svg(ranking_chart(ov, ind.code, lang))),
            "breakdowns": breakdowns,
            "columns": columns,
            "records": records,
        },
    )
