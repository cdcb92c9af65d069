"""What the ``/api/surveys`` routers share: messages, path types, staff checks, idempotent POSTs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from telcare.channels.api.tmf.common import problems, scoped_key
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.services import api_queries
from telcare.store.uow import Database

Code = Annotated[str, Path(min_length=1, max_length=30, pattern=r"^[A-Za-z0-9_.-]+$")]
Id = Annotated[int, Path(ge=1, le=2**62)]

# --- helpers ------------------------------------------------------------------------------


def _staff(who: Principal) -> None:
    if who.kind is not Kind.STAFF:
        raise Forbidden(N_("surveys.api.staff_only"))


def _scope(who: Principal) -> str | None:
    """The province a staff member sees (None: every one, for headquarters)."""
    return None if who.province == HQ else who.province


def _once(
    db: Database,
    who: Principal,
    key: str | None,
    operation: str,
    payload: dict[str, Any],
    action: Callable[[], BaseModel],
    status: int = 200,
) -> JSONResponse:
    """Run a POST once per ``Idempotency-Key`` (scoped by caller); replay its result."""
    result, replayed = api_queries.once(
        db,
        f"api.surveys.{operation}",
        scoped_key(who, key),
        payload,
        lambda: action().model_dump(mode="json"),
    )
    return JSONResponse(
        result, status_code=status, headers={"Idempotent-Replayed": "true"} if replayed else None
    )


POSTED = problems(400, 401, 403, 404, 409, 422)
