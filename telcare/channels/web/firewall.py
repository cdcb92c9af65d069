"""The SMS firewall's staff pages (``/staff/antispam/firewall``): the decisions feed with
filters, the review queue of restricted senders (confirm or lift), a sender's standing,
and the enterprise whitelist. Staff only; changes by headquarters staff only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.api.deps import get_db
from telcare.channels.guards import requires
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import require_csrf, require_msisdn, require_staff
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError
from telcare.services import antispam
from telcare.store.uow import Database

router = APIRouter(include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Staff = Annotated[Principal, Depends(require_staff)]
CSRF = [Depends(require_csrf)]
BASE = "/staff/antispam/firewall"


def _hq(who: Principal) -> None:
    if not who.is_headquarters:
        raise HTTPException(403, "headquarters staff only")


@router.get(BASE, response_class=HTMLResponse, dependencies=[requires("antispam.queue.view")])
def decisions(
    request: Request,
    db: Db,
    who: Staff,
    action: Annotated[str, Query(max_length=10)] = "",
    reason: Annotated[str, Query(max_length=20)] = "",
    sender: Annotated[str, Query(max_length=21)] = "",
    recipient: Annotated[str, Query(max_length=21)] = "",
) -> Response:
    rows = antispam.decisions(
        db,
        action=action or None,
        reason=reason or None,
        sender=sender or None,
        recipient=recipient or None,
        p2p=True,
    )
    standing = antispam.sender_status(db, sender) if sender else None
    return page(
        request,
        "antispam/firewall.html",
        {
            "rows": rows,
            "filters": {
                "action": action,
                "reason": reason,
                "sender": sender,
                "recipient": recipient,
            },
            "standing": standing,
        },
    )


@router.get(
    BASE + "/review", response_class=HTMLResponse, dependencies=[requires("antispam.queue.view")]
)
def review(request: Request, db: Db, who: Staff) -> Response:
    return page(
        request,
        "antispam/review.html",
        {"items": antispam.review_queue(db), "enterprises": antispam.enterprises(db)},
    )


@router.post(
    BASE + "/review/{sender}/{action}", dependencies=[*CSRF, requires("antispam.firewall.edit")]
)
def decide(request: Request, db: Db, who: Staff, sender: str, action: str) -> Response:
    """Keep (confirm) or lift a restriction; audited."""
    _hq(who)
    if action not in ("confirm", "lift"):
        raise HTTPException(404)
    try:
        if action == "confirm":
            antispam.confirm(db, sender, staff=who.subject)
        else:
            antispam.unflag_sender(db, sender, who=who)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
    else:
        flash(request, "ok", "web.staff.done")
    return redirect(BASE + "/review")


@router.post(BASE + "/enterprise", dependencies=[*CSRF, requires("antispam.firewall.edit")])
def enterprise(
    request: Request,
    db: Db,
    who: Staff,
    sender: Annotated[str, Form(max_length=21)],
    name: Annotated[str, Form(max_length=60)] = "",
    remove: Annotated[str, Form()] = "",
) -> Response:
    _hq(who)
    try:
        if remove:
            antispam.remove_enterprise(db, sender, staff=who.subject)
        else:
            antispam.register_enterprise(db, sender, name, staff=who.subject)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
    else:
        flash(request, "ok", "web.staff.done")
    return redirect(BASE + "/review")


@router.post("/hall/spam/appeal", dependencies=CSRF)
def appeal(
    request: Request,
    db: Db,
    msisdn: Annotated[str, Depends(require_msisdn)],
    text: Annotated[str, Form(max_length=500)],
) -> Response:
    """A restricted subscriber asks for a review (it goes to the top of the staff queue)."""
    try:
        antispam.appeal(db, msisdn, text)
    except DomainError as err:
        flash(request, "error", err.key, **err.params)
    else:
        flash(request, "ok", "web.fw.appeal_sent")
    return redirect("/hall/spam")
