"""TMF621 Trouble Ticket: complaints at ``/tmf-api/troubleTicket/v4/troubleTicket``.

``ticketType`` carries the taxonomy leaf code (e.g. ``NET.COV.INDOOR``); Telcare's
extras (queue, SLA deadlines, escalation, accountability) travel as
``troubleTicketCharacteristic``. The node's province is ``TELCARE_PROVINCE``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BeforeValidator, Field, model_validator

from telcare.channels.api.tmf.common import (
    BASE,
    Caller,
    Db,
    Fields,
    IdempotencyKey,
    TmfRoute,
    href,
    listed,
    one,
    problems,
    scoped_key,
)
from telcare.channels.api.tmf.query import Query as ListQuery
from telcare.channels.api.tmf.query import listing
from telcare.channels.api.tmf.schemas import Characteristic, Ref, RelatedParty, Resource, Tmf
from telcare.channels.guards import requires
from telcare.config import get_settings
from telcare.domain import complaints as dc
from telcare.domain.access import Kind, Principal
from telcare.services import api_queries
from telcare.services import complaints as svc
from telcare.store.uow import Database

PATH = f"{BASE}/troubleTicket/v4"
router = APIRouter(prefix=PATH, tags=["TMF621 trouble ticket"], route_class=TmfRoute)

Status = Literal["new", "acknowledged", "inProgress", "resolved", "closed"]
Severity = Literal["low", "normal", "high", "critical"]
TicketId = Annotated[str, Path(min_length=1, max_length=64, description="A ticket id.")]
SUMMARY_FROM_TEXT = 60


def _severity(value: object) -> object:
    """TMF621 severities are free text: ``High`` is ``high``."""
    return value.strip().lower() if isinstance(value, str) else value


class TicketNote(Tmf):
    id: str | None = None
    author: str | None = None
    date: datetime | None = None
    text: str


class AttachmentRef(Tmf):
    id: str
    name: str | None = None
    mimeType: str | None = None
    size: int | None = None


class ChannelRef(Tmf):
    name: str


class TroubleTicket(Resource):
    name: str | None = None
    description: str | None = None
    ticketType: str | None = None
    severity: str | None = None
    status: str | None = None
    creationDate: datetime | None = None
    lastUpdate: datetime | None = None
    expectedResolutionDate: datetime | None = None
    resolutionDate: datetime | None = None
    channel: ChannelRef | None = None
    relatedParty: list[RelatedParty] | None = None
    relatedEntity: list[Ref] | None = None
    note: list[TicketNote] | None = None
    attachment: list[AttachmentRef] | None = None
    troubleTicketCharacteristic: list[Characteristic] | None = None


class RelatedPartyIn(Tmf):
    id: str = Field(min_length=11, max_length=20, description="The caller's MSISDN.")
    role: str | None = Field(default=None, max_length=40)


class RelatedEntityIn(Tmf):
    id: str = Field(min_length=1, max_length=20)
    role: Literal["product", "sp"] = Field(description="A product code or an SP access code.")


class NoteIn(Tmf):
    text: str = Field(min_length=1, max_length=dc.MAX_TEXT)


class TroubleTicketCreate(Tmf):
    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=dc.MAX_SUMMARY,
        description="The summary (default: the description's beginning).",
    )
    description: str = Field(default="", max_length=dc.MAX_TEXT)
    ticketType: str = Field(
        min_length=1,
        max_length=40,
        description="A taxonomy leaf code (e.g. NET.COV.INDOOR), or any other type, kept as "
        "given and filed under the configured catch-all category.",
    )
    severity: Annotated[Severity, BeforeValidator(_severity)] = "normal"
    channel: ChannelRef | None = None
    relatedParty: list[RelatedPartyIn] = Field(default_factory=list, max_length=5)
    relatedEntity: list[RelatedEntityIn] = Field(default_factory=list, max_length=5)
    note: list[NoteIn] = Field(default_factory=list, max_length=5)
    major: bool = Field(default=False, description="A major complaint (staff only).")

    @model_validator(mode="after")
    def _summary(self) -> TroubleTicketCreate:
        if self.name is None:
            if not self.description.strip():
                raise ValueError("name or description is required")
            self.name = self.description.strip()[:SUMMARY_FROM_TEXT]
        return self


class TroubleTicketUpdate(Tmf):
    status: Status | None = None
    severity: Annotated[Severity | None, BeforeValidator(_severity)] = None
    name: str | None = Field(default=None, min_length=1, max_length=dc.MAX_SUMMARY)
    description: str | None = Field(default=None, max_length=dc.MAX_TEXT)
    note: list[NoteIn] = Field(default_factory=list, max_length=5)
    responsibleUnit: str | None = Field(default=None, max_length=100)
    assignedUnit: str | None = Field(default=None, max_length=100)
    resolution: str | None = Field(default=None, max_length=dc.MAX_TEXT, description="Outcome.")
    major: bool | None = None


def _node() -> str:
    return get_settings().province.upper()


def to_ticket(t: svc.TicketView) -> TroubleTicket:
    extras: list[tuple[str, str | int | None]] = [
        ("province", t.province),
        ("categoryPath", " > ".join(c.name_zh for c in t.category_path)),
        ("taxonomyVersion", t.taxonomy_version),
        ("queue", t.queue),
        ("respondBy", t.respond_by.isoformat()),
        ("escalationLevel", t.escalation),
        ("major", "true" if t.major else "false"),
        ("responsibleUnit", t.responsible_unit),
        ("assignedUnit", t.assigned_unit),
        ("outcome", t.outcome),
        ("reopened", t.reopened),
    ]
    related = [Ref(id=t.related_product, referred_type="Product")] if t.related_product else []
    if t.related_sp:
        related.append(Ref(id=t.related_sp, referred_type="ServiceProvider"))
    return TroubleTicket(
        id=t.id,
        href=href(PATH, "troubleTicket", t.id),
        type_="TroubleTicket",
        name=t.summary,
        description=t.description,
        ticketType=t.ticket_type or t.category,
        severity=t.severity,
        status=t.status,
        creationDate=t.created_at,
        lastUpdate=t.updated_at,
        expectedResolutionDate=t.resolve_by,
        resolutionDate=t.resolved_at,
        channel=ChannelRef(name=t.channel),
        relatedParty=[RelatedParty(id=t.msisdn, role="customer", referred_type="Subscriber")]
        if t.msisdn
        else None,
        relatedEntity=related or None,
        note=[TicketNote(id=n.id, author=n.author, date=n.created_at, text=n.text) for n in t.notes]
        or None,
        attachment=[
            AttachmentRef(id=a.id, name=a.name, mimeType=a.content_type, size=a.size)
            for a in t.attachments
        ]
        or None,
        troubleTicketCharacteristic=[
            Characteristic(name=k, value=v) for k, v in extras if v is not None
        ],
    )


@router.get(
    "/troubleTicket",
    response_model=list[TroubleTicket],
    responses=listed(401, 403, 422),
    dependencies=[requires("complaint.view")],
)
def list_tickets(
    who: Caller,
    db: Db,
    q: ListQuery,
    status: Annotated[Status | None, Query()] = None,
    severity: Annotated[Severity | None, BeforeValidator(_severity), Query()] = None,
    ticketType: Annotated[
        str | None, Query(max_length=40, description="A category code or a parent's.")
    ] = None,
    province: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
) -> JSONResponse:
    """Tickets the caller may see (own line, own province, or all at HQ), most urgent first."""
    flt = svc.TicketFilter(province=province, status=status, severity=severity, category=ticketType)

    def fetch(offset: int, limit: int) -> svc.Page:
        return svc.list_tickets(db, who, flt, offset=offset, limit=limit)

    return listing(q, fetch, to_ticket)


@router.get(
    "/troubleTicket/{id}",
    response_model=TroubleTicket,
    responses=problems(401, 403, 404, 422),
    dependencies=[requires("complaint.view")],
)
def get_ticket(who: Caller, db: Db, id: TicketId, fields: Fields = None) -> JSONResponse:
    return one(to_ticket(svc.get_ticket(db, who, id)), fields)


@router.post(
    "/troubleTicket",
    status_code=201,
    response_model=TroubleTicket,
    responses=problems(400, 401, 403, 404, 409, 422),
    dependencies=[requires("complaint.file")],
)
def create_ticket(
    who: Caller, db: Db, body: TroubleTicketCreate, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """File a complaint: a subscriber for their own line, staff for a caller.

    A retry with the same ``Idempotency-Key`` returns the ticket the first request filed.
    """
    result, replayed = api_queries.once(
        db,
        "api.troubleTicket",
        scoped_key(who, idempotency_key),
        body.model_dump(mode="json", by_alias=True),
        lambda: {"ticket": _file(who, db, body)},
    )
    t = svc.get_ticket(db, who, result["ticket"])
    headers = {"Location": href(PATH, "troubleTicket", t.id)}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return one(to_ticket(t), status=201, headers=headers)


def _file(who: Principal, db: Database, body: TroubleTicketCreate) -> str:
    node = _node()
    category, ticket_type = body.ticketType, None
    if category not in {c.code for c in svc.taxonomy(db).categories}:
        category, ticket_type = get_settings().tmf_ticket_category, body.ticketType
    msisdn = body.relatedParty[0].id if body.relatedParty else None
    entities = {e.role: e.id for e in body.relatedEntity}
    channel = "api" if who.kind is Kind.SUBSCRIBER else "console"
    t = svc.file_ticket(
        db,
        who,
        node=node,
        category=category,
        ticket_type=ticket_type,
        summary=body.name or "",
        description=body.description,
        msisdn=msisdn,
        severity=body.severity,
        channel=channel,
        related_product=entities.get("product"),
        related_sp=entities.get("sp"),
        major=body.major,
    )
    for note in body.note:
        t = svc.add_note(db, who, t.id, note.text, node=node)
    return t.id


@router.patch(
    "/troubleTicket/{id}",
    response_model=TroubleTicket,
    responses=problems(400, 401, 403, 404, 409, 422),
    dependencies=[requires("complaint.update")],
)
def patch_ticket(who: Caller, db: Db, id: TicketId, body: TroubleTicketUpdate) -> JSONResponse:
    """Change fields, add notes, and move the status (one allowed step per request)."""
    node = _node()
    changes: dict[str, object] = {}
    for field, name in (
        ("severity", "severity"),
        ("name", "summary"),
        ("description", "description"),
        ("responsibleUnit", "responsible_unit"),
        ("assignedUnit", "assigned_unit"),
        ("major", "major"),
    ):
        value = getattr(body, field)
        if value is not None:
            changes[name] = value
    if body.resolution is not None and body.status is None:
        changes["outcome"] = body.resolution
    if changes:
        svc.update_ticket(db, who, id, node=node, changes=changes)
    for note in body.note:
        svc.add_note(db, who, id, note.text, node=node)
    if body.status is not None:
        current = svc.get_ticket(db, who, id)
        if body.status != current.status:
            action = dc.action_to(dc.Status(current.status), dc.Status(body.status))
            svc.transition(db, who, id, action.value, node=node, outcome=body.resolution)
    return one(to_ticket(svc.get_ticket(db, who, id)))
