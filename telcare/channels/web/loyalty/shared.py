"""What the loyalty page modules share: their paths, request dependencies and error flash."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request

from telcare.channels.api.deps import get_db
from telcare.channels.web.render import flash
from telcare.channels.web.security import require_csrf, require_msisdn, require_staff
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError
from telcare.store.uow import Database

Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
Staff = Annotated[Principal, Depends(require_staff)]
CSRF = [Depends(require_csrf)]
HALL = "/hall/points"
MERCHANT = "/merchant"
STAFF = "/staff/loyalty"
Text = Annotated[str, Form(max_length=200)]


def _error(request: Request, err: DomainError) -> None:
    flash(request, "error", err.key, **err.params)
