"""Quality dashboards in the staff console (``/staff/quality``).

Headquarters sees the nation and every province; provincial staff their own province.
Each indicator links to its page: province ranking, trend, breakdowns by channel,
product or SP, and the tickets, reports or orders behind the figure.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from telcare import clock
from telcare.channels.api.deps import get_db
from telcare.channels.api.problems import wants_page
from telcare.channels.documents.charts import place_name, ranking_chart, trend_chart
from telcare.channels.guards import requires
from telcare.channels.web.charts import chart_img
from telcare.channels.web.render import page
from telcare.channels.web.security import lang_of, require_staff
from telcare.channels.web.staff import CONSOLES
from telcare.domain import quality as q
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError
from telcare.domain.inputs import check_month
from telcare.domain.messages import N_, render
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


def _choices(
    request: Request, who: Principal, province: str | None, month: str | None
) -> tuple[str, str, dict[str, str]]:
    """The province and month shown, and a message per field that was not one of the
    choices: a browser gets the page with the default there and the message next to the
    field; any other client the error (404, or a 422 problem)."""
    lang = lang_of(request)
    browser = wants_page(request.url.path, request.headers.get("accept", ""))
    errors: dict[str, str] = {}
    try:
        place = _scope(who, province[:3] if province else None)
    except HTTPException as exc:
        if exc.status_code == 403 or not browser:
            raise
        errors["province"] = render("web.quality.bad_province", lang)
        place = _scope(who, None)
    try:
        chosen = _month((month or "")[:10] or None)
    except DomainError as err:
        if not browser:
            raise
        errors["month"] = render(err.key, lang, **err.params)
        chosen = _month(None)
    return place, chosen, errors


@router.get("/", response_class=HTMLResponse, dependencies=[requires("quality.view")])
def console(
    request: Request,
    db: Db,
    who: Staff,
    province: str | None = None,
    month: str | None = None,
) -> Response:
    lang = lang_of(request)
    place, chosen, errors = _choices(request, who, province, month)
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
            "trend": chart_img(trend_chart(ov, lang), render("web.quality.trend", lang)),
            "errors": errors,
        },
        status=422 if errors else 200,
    )


@router.get(
    "/indicator/{code}", response_class=HTMLResponse, dependencies=[requires("quality.view")]
)
def indicator(
    request: Request,
    db: Db,
    who: Staff,
    code: str,
    province: str | None = None,
    month: str | None = None,
) -> Response:
    ind = q.BY_CODE.get(code.upper())
    if ind is None:
        raise HTTPException(404)
    lang = lang_of(request)
    place, chosen, errors = _choices(request, who, province, month)

    def t(key: str) -> str:
        return render(key, lang)

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
            "trend": chart_img(
                trend_chart(ov, lang, [ind.code]), render("web.quality.trend", lang)
            ),
            "ranking": chart_img(
                ranking_chart(ov, ind.code, lang), render("web.quality.ranking", lang)
            ),
            "breakdowns": breakdowns,
            "columns": columns,
            "records": records,
            "errors": errors,
        },
        status=422 if errors else 200,
    )
