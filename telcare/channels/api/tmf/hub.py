"""TMF630 event notifications: ``POST/GET/DELETE …/v4/hub`` on each API that publishes
events (trouble ticket, product ordering, prepay balance, usage), and the dead letters
of a listener (``GET …/hub/{id}/deadLetter``, ``POST …/hub/{id}/deadLetter/replay``).
See ``docs/api.md``, "Event notifications"."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse, Response
from pydantic import Field

from telcare.channels.api.tmf.common import BASE, Caller, Db, TmfRoute, href, one, problems
from telcare.channels.api.tmf.schemas import Tmf
from telcare.channels.guards import requires
from telcare.domain import tmf_hub as rules
from telcare.domain.errors import NotFound
from telcare.services.tmf_hub import delivery, listeners

ACTION = listeners.ACTION
HubId = Annotated[int, Path(ge=1, le=2**62, description="A listener id.")]


class HubIn(Tmf):
    callback: str = Field(min_length=1, max_length=rules.MAX_CALLBACK, description="Listener URL.")
    query: str | None = Field(
        default=None,
        max_length=rules.MAX_QUERY,
        description="`eventType=A,B` to hear only those event types (default: all).",
    )


class Hub(Tmf):
    id: str
    callback: str
    query: str | None = None
    eventType: list[str] = Field(description="The event types this listener hears.")
    secret: str | None = Field(
        default=None,
        description="The HMAC-SHA256 key of the signatures (in the registration's answer only).",
    )


class DeadLetterOut(Tmf):
    id: str
    eventId: str
    eventType: str
    resource: str
    attempts: int
    lastStatus: int | None = None
    lastError: str | None = None
    deadSince: datetime


class ReplayIn(Tmf):
    id: list[str] | None = Field(
        default=None, max_length=500, description="Dead letters to replay (default: all)."
    )


class Replayed(Tmf):
    replayed: int


def _hub(v: listeners.ListenerView) -> Hub:
    return Hub(
        id=str(v.id),
        callback=v.callback,
        query=v.query,
        eventType=v.event_types,
        secret=v.secret,
    )


def _router(api: str) -> APIRouter:
    path = f"{BASE}/{api}/v4"
    router = APIRouter(prefix=path, tags=[f"{api} events"], route_class=TmfRoute)

    @router.post(
        "/hub",
        status_code=201,
        response_model=Hub,
        responses=problems(400, 401, 403, 422),
        dependencies=[requires(ACTION)],
        name=f"{api}_register_listener",
    )
    def register(who: Caller, db: Db, body: HubIn) -> JSONResponse:
        """Register a listener: its events are POSTed to `callback`, signed with the
        `secret` returned here once (`X-Telcare-Signature`)."""
        view = listeners.register(db, who, api, body.callback, body.query)
        return one(_hub(view), status=201, headers={"Location": href(path, "hub", view.id)})

    @router.get(
        "/hub",
        response_model=list[Hub],
        responses=problems(401, 403),
        dependencies=[requires(ACTION)],
        name=f"{api}_listeners",
    )
    def listed(who: Caller, db: Db) -> JSONResponse:
        """The live listeners of this API the caller may see."""
        rows = [_hub(v).model_dump(mode="json", exclude_none=True)
                for v in listeners.listeners(db, who, api)]  # fmt: skip
        return JSONResponse(rows, headers={"X-Total-Count": str(len(rows))})

    @router.get(
        "/hub/{id}",
        response_model=Hub,
        responses=problems(401, 403, 404, 422),
        dependencies=[requires(ACTION)],
        name=f"{api}_listener",
    )
    def get(who: Caller, db: Db, id: HubId) -> JSONResponse:
        return one(_hub(listeners.get(db, who, api, id)))

    @router.delete(
        "/hub/{id}",
        status_code=204,
        responses=problems(401, 403, 404, 422),
        dependencies=[requires(ACTION)],
        name=f"{api}_unregister_listener",
    )
    def unregister(who: Caller, db: Db, id: HubId) -> Response:
        """Stop the listener: no event is delivered to it any more."""
        listeners.delete(db, who, api, id)
        return Response(status_code=204)

    @router.get(
        "/hub/{id}/deadLetter",
        response_model=list[DeadLetterOut],
        responses=problems(401, 403, 404, 422),
        dependencies=[requires(ACTION)],
        name=f"{api}_dead_letters",
    )
    def dead(who: Caller, db: Db, id: HubId) -> JSONResponse:
        """Deliveries given up after the last attempt, oldest first."""
        listeners.get(db, who, api, id)
        rows = [
            DeadLetterOut(
                id=str(d.id), eventId=d.event_id, eventType=d.event_type,
                resource=d.resource_key, attempts=d.attempts, lastStatus=d.last_status,
                lastError=d.last_error, deadSince=d.dead_since,
            ).model_dump(mode="json", exclude_none=True)
            for d in delivery.dead_letters(db, who, id)
        ]  # fmt: skip
        return JSONResponse(rows, headers={"X-Total-Count": str(len(rows))})

    @router.post(
        "/hub/{id}/deadLetter/replay",
        response_model=Replayed,
        responses=problems(400, 401, 403, 404, 422),
        dependencies=[requires(ACTION)],
        name=f"{api}_replay",
    )
    def replay(who: Caller, db: Db, id: HubId, body: ReplayIn | None = None) -> JSONResponse:
        """Queue dead letters again (all, or those listed, with any older dead letter of
        the same resource first); the deliverer sends them in order."""
        listeners.get(db, who, api, id)
        ids = None
        if body is not None and body.id is not None:
            ids = [int(i) for i in body.id if i.isdigit() and len(i) < 19]
            if len(ids) != len(body.id):
                raise NotFound("api.not_found")
        return one(Replayed(replayed=delivery.replay(db, who, id, ids)))

    return router


ROUTERS = tuple(_router(api) for api in rules.APIS)
