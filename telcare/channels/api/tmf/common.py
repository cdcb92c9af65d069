"""What every TMF router shares: the caller, paging, ``fields=``, problem responses."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.types import Receive, Scope, Send

from telcare.channels.api.deps import get_db
from telcare.channels.api.problems import PROBLEM, Problem
from telcare.channels.api.tmf.schemas import RelatedParty
from telcare.config import secret_key
from telcare.domain.access import Principal
from telcare.domain.errors import NotFound, WrongSecret
from telcare.domain.messages import N_
from telcare.services import auth
from telcare.services.api_queries import Line
from telcare.store.uow import Database

BASE = "/tmf-api"
MAX_LIMIT = 100


def lang(request: Request) -> str:
    """The reader's language from ``Accept-Language``: ``en`` or ``zh``."""
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "zh"


_METHODS: dict[str, set[str]] = defaultdict(set)  # path -> methods served there


class TmfRoute(APIRoute):
    """Answers 405 with every method of the path in ``Allow`` (FastAPI lists only the
    matched route's methods). Domain errors are rendered by ``problems.install``."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        _METHODS[self.path_format] |= set(self.methods or ()) - {"HEAD"}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in (self.methods or ()):
            allow = ", ".join(sorted(_METHODS[self.path_format]))
            raise HTTPException(405, "Method Not Allowed", headers={"Allow": allow})
        await super().handle(scope, receive, send)


bearer = HTTPBearer(
    auto_error=False,
    bearerFormat="opaque",
    description="A token from `POST /tmf-api/auth/token`.",
)

Db = Annotated[Database, Depends(get_db)]


def current_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    db: Annotated[Database, Depends(get_db)],
) -> Principal:
    """The authenticated caller; 401 without a valid bearer token."""
    challenge = {"WWW-Authenticate": 'Bearer realm="telcare"'}
    if credentials is None:
        raise HTTPException(401, "authentication required", headers=challenge)
    try:
        return auth.verify_token(db, credentials.credentials, secret_key())
    except WrongSecret:
        raise HTTPException(401, "invalid or expired token", headers=challenge) from None


Caller = Annotated[Principal, Depends(current_principal)]


@dataclass(frozen=True, slots=True)
class Paging:
    offset: int
    limit: int


def paging(
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items to return.")] = 20,
) -> Paging:
    return Paging(offset, limit)


Pages = Annotated[Paging, Depends(paging)]
Fields = Annotated[
    str | None,
    Query(
        max_length=500,
        description="Comma-separated attributes to return (only those).",
    ),
]
Msisdn = Annotated[
    str | None,
    Query(max_length=20, description="The line (MSISDN); subscribers default to their own."),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[A-Za-z0-9._:-]{1,64}$",
        description="Makes a retried POST safe: the same key gives the first result.",
    ),
]


ResourceId = Annotated[str, Path(max_length=64, description="The resource id.")]


def int_id(raw: str, top: int = 2**62) -> int:
    """Our numeric id in ``raw``; an id that is not one of ours is simply not found (404)."""
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw[:20]) <= top:
        raise NotFound(N_("api.not_found"))
    return int(raw)


def scoped_key(who: Principal, key: str | None) -> str:
    """The caller's idempotency key, scoped by caller; a fresh one when none was sent."""
    return f"api:{who.subject}:{key or uuid.uuid4().hex}"


def select_fields(doc: dict[str, Any], fields: str | None) -> dict[str, Any]:
    """Only the attributes named in ``fields`` (TMF630 attribute selection), nothing else."""
    if not fields:
        return doc
    wanted = {f.strip() for f in fields.split(",") if f.strip()}
    return {k: v for k, v in doc.items() if k in wanted}


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def one(
    model: BaseModel,
    fields: str | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(select_fields(dump(model), fields), status_code=status, headers=headers)


def many(models: Iterable[BaseModel], total: int, fields: str | None) -> JSONResponse:
    """A page of resources with ``X-Total-Count`` and ``X-Result-Count``."""
    body = [select_fields(dump(m), fields) for m in models]
    return JSONResponse(
        body, headers={"X-Total-Count": str(total), "X-Result-Count": str(len(body))}
    )


_DESCRIPTIONS = {
    400: "The body is not readable JSON.",
    401: "No valid bearer token.",
    403: "The caller may not see or do this.",
    404: "No such resource.",
    409: "Conflicts with the resource's state.",
    422: "The request is invalid.",
    429: "Too many attempts; try later.",
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for problem bodies (``application/problem+json``)."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        code: {
            "model": Problem,
            "description": _DESCRIPTIONS.get(code, "Error."),
            "content": {PROBLEM: {"schema": schema}},
        }
        for code in codes
    }


def listed(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` of a list operation: the paging headers, then problems."""
    count = {"schema": {"type": "integer", "minimum": 0}}
    page = {
        "description": "A page of results.",
        "headers": {
            "X-Total-Count": {"description": "Items in all pages.", **count},
            "X-Result-Count": {"description": "Items in this page.", **count},
        },
    }
    return {200: page, **problems(*codes)}


def href(*parts: object) -> str:
    return "/".join(str(p) for p in parts)


def party(line: Line) -> list[RelatedParty]:
    """The line's subscriber as a TMF ``relatedParty`` (``id`` = MSISDN)."""
    return [RelatedParty(id=line.msisdn, role="customer", referred_type="Subscriber")]
