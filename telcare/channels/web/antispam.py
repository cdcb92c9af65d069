"""Anti-spam pages: the subscriber's quarantine box and rules (``/hall/spam``) and the
staff console of the reporting platform (``/staff/antispam``).

Charts are matplotlib figures inlined as SVG (with the quality report's helpers).
Staff pages need a staff login (``/staff/login``) or a bearer token.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from telcare.channels.api.deps import get_db
from telcare.channels.documents.charts import cjk_font, plt
from telcare.channels.guards import requires
from telcare.channels.web.charts import chart_img
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import lang_of, require_csrf, require_msisdn, require_staff
from telcare.domain.access import Principal
from telcare.domain.antispam_rules import RuleKind
from telcare.domain.errors import DomainError
from telcare.domain.messages import N_, render
from telcare.services import antispam
from telcare.store.uow import Database

router = APIRouter(include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
CSRF = [Depends(require_csrf)]
HALL = "/hall/spam"
STAFF = "/staff/antispam"


# --- auth -----------------------------------------------------------------------------


Staff = Annotated[Principal, Depends(require_staff)]


# --- charts ---------------------------------------------------------------------------


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[int], *, color: str = "#0085d0"
) -> Markup:
    """A vertical bar chart with each bar labelled by its value, as inline SVG (matplotlib)."""
    cjk_font()
    fig, ax = plt.subplots(figsize=(6.4, 2.4))
    xs = list(range(len(values)))
    ax.bar(xs, values, color=color)
    for x, value in zip(xs, values, strict=True):
        if value:
            ax.text(x, value, str(value), ha="center", va="bottom", fontsize=8)
    every = max(1, len(labels) // 14)
    ax.set_xticks(xs[::every], [labels[i] for i in xs[::every]], fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_yticks([])
    fig.tight_layout()
    return chart_img(fig, title)


# --- subscriber: quarantine box and rules ----------------------------------------------


@router.get(HALL, response_class=HTMLResponse)
def box(request: Request, db: Db, msisdn: Msisdn) -> Response:
    return page(
        request,
        "antispam/box.html",
        {
            "messages": antispam.quarantine(db, msisdn),
            "rules": antispam.list_rules(db, msisdn),
            "kinds": list(RuleKind),
            "standing": antispam.sender_status(db, msisdn),
        },
    )


def _done(request: Request, key: str, err: DomainError | None = None) -> Response:
    if err is None:
        flash(request, "ok", key)
    else:
        flash(request, "error", err.key, **err.params)
    return redirect(HALL)


@router.post(HALL + "/release", dependencies=CSRF)
def release(
    request: Request, db: Db, msisdn: Msisdn, message_id: Annotated[str, Form()]
) -> Response:
    try:
        antispam.release(db, msisdn, message_id)
    except DomainError as err:
        return _done(request, "", err)
    return _done(request, N_("web.spam.released"))


@router.post(HALL + "/report", dependencies=CSRF)
def report(
    request: Request, db: Db, msisdn: Msisdn, message_id: Annotated[str, Form()]
) -> Response:
    try:
        antispam.report_quarantined(db, msisdn, message_id)
    except DomainError as err:
        return _done(request, "", err)
    return _done(request, N_("web.spam.report_sent"))


@router.post(HALL + "/rules", dependencies=CSRF)
def add_rule(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    kind: Annotated[RuleKind, Form()],
    value: Annotated[str, Form(max_length=40)],
    remove: Annotated[str, Form()] = "",
) -> Response:
    try:
        if remove:
            antispam.remove_rule(db, msisdn, kind, value)
        else:
            antispam.add_rule(db, msisdn, kind, value)
    except DomainError as err:
        return _done(request, "", err)
    return _done(request, N_("web.spam.rule_removed") if remove else N_("web.spam.rule_saved"))


@router.post(HALL + "/sensitivity", dependencies=CSRF)
def sensitivity(
    request: Request, db: Db, msisdn: Msisdn, level: Annotated[str, Form(max_length=10)]
) -> Response:
    try:
        antispam.set_sensitivity(db, msisdn, level)
    except DomainError as err:
        return _done(request, "", err)
    return _done(request, N_("web.spam.rule_saved"))


# --- staff console ---------------------------------------------------------------------


@router.get(STAFF, response_class=HTMLResponse, dependencies=[requires("antispam.queue.view")])
@router.get(
    STAFF + "/", response_class=HTMLResponse, dependencies=[requires("antispam.queue.view")]
)
def queue(request: Request, db: Db, who: Staff) -> Response:
    return page(request, "antispam/queue.html", {"reports": antispam.report_queue(db)})


@router.get(
    STAFF + "/senders", response_class=HTMLResponse, dependencies=[requires("antispam.queue.view")]
)
def senders(request: Request, db: Db, who: Staff) -> Response:
    return page(request, "antispam/senders.html", {"senders": antispam.sender_ranking(db)})


@router.get(
    STAFF + "/actions", response_class=HTMLResponse, dependencies=[requires("antispam.queue.view")]
)
def actions(request: Request, db: Db, who: Staff) -> Response:
    return page(request, "antispam/actions.html", {"actions": antispam.actions(db)})


@router.get(
    STAFF + "/stats", response_class=HTMLResponse, dependencies=[requires("antispam.queue.view")]
)
def stats(request: Request, db: Db, who: Staff) -> Response:
    figures = antispam.statistics(db, days=14)
    days = [d.day.strftime("%m-%d") for d in figures.days]
    lang = lang_of(request)
    charts = [
        bar_chart(render("web.staff.per_day", lang), days, [d.reported for d in figures.days]),
        bar_chart(
            render("web.staff.handled_day", lang),
            days,
            [d.handled for d in figures.days],
            color="#2e7d32",
        ),
        bar_chart(
            render("web.staff.keywords", lang),
            [w for w, _ in figures.top_keywords],
            [c for _, c in figures.top_keywords],
            color="#b26a00",
        ),
    ]
    return page(request, "antispam/stats.html", {"figures": figures, "charts": charts})


@router.post(
    STAFF + "/senders/{sender}/{action}", dependencies=[*CSRF, requires("antispam.sender.flag")]
)
def act(request: Request, db: Db, who: Staff, sender: str, action: str) -> Response:
    """Flag, unflag or dismiss (headquarters staff only); each is audited."""
    if not who.is_headquarters or action not in ("flag", "unflag", "dismiss"):
        raise HTTPException(403, "headquarters staff only")
    try:
        if action == "flag":
            antispam.flag_sender(db, sender, who=who)
        elif action == "unflag":
            antispam.unflag_sender(db, sender, who=who)
        else:
            antispam.dismiss_reports(db, sender, who=who)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
    else:
        flash(request, "ok", "web.staff.done")
    return redirect(STAFF + "/senders")
