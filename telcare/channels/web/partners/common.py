"""What every partner page shares: the URL prefixes, form fields, the session's principal
and the error and denied answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import Response

from telcare.channels.api.deps import get_db
from telcare.channels.web.render import flash, page
from telcare.channels.web.security import FormKey, require_csrf, require_msisdn, require_staff
from telcare.config import secret_key
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError
from telcare.services import auth
from telcare.store.uow import Database

Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
Staff = Annotated[Principal, Depends(require_staff)]
CSRF = [Depends(require_csrf)]
Key = FormKey
MonthField = Annotated[str, Form(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
PUBLIC = "/partners/disclosed"
PORTAL = "/sp"
HALL = "/hall/sp"
STAFF = "/staff/partners"


def _error(request: Request, err: DomainError) -> None:
    flash(request, "error", err.key, **err.params)


def _principal(request: Request) -> Principal | None:
    token = request.session.get("token")
    if not isinstance(token, str):
        return None
    try:
        return auth.verify_token(request.app.state.db, token, secret_key())
    except DomainError:
        return None


def _denied(request: Request) -> Response:
    return page(request, "partners/denied.html", status=403)
