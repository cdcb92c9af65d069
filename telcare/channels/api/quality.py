"""Service-quality API under ``/api/quality`` (staff; provincial staff see and handle their
own province, headquarters every one): figures ("no data" is ``null`` with ``noData``,
never 0 or 100), improvement actions, quality meetings, incidents, launch checklists and
discipline cases. Creating requests take an ``Idempotency-Key``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from telcare import clock
from telcare.channels.api.tmf.common import Caller, Db, IdempotencyKey, TmfRoute, scoped_key
from telcare.channels.guards import requires
from telcare.channels.sms import launch_test
from telcare.domain import quality as q
from telcare.domain.inputs import check_month
from telcare.domain.months import month_of
from telcare.domain.provinces import HQ
from telcare.services import api_queries
from telcare.services import quality as qs
from telcare.services.quality import actions, discipline, incidents, launch, meetings
from telcare.services.quality.scope import place

router = APIRouter(prefix="/api/quality", tags=["quality"], route_class=TmfRoute)

MonthQ = Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Province = Annotated[str | None, Query(max_length=2)]
Id = Annotated[int, Path(ge=1, le=2**62)]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _month(month: str | None) -> str | None:
    """A month from 2000-01 up to a year ahead (else a 422 problem)."""
    if month is not None:
        check_month(month, latest=q.add_months(month_of(clock.now()), 12))
    return month


def _obj(view: Any) -> dict[str, Any]:
    out: dict[str, Any] = _plain(asdict(view))
    return out


@router.get("/figures", dependencies=[requires("quality.view")])
def figures(who: Caller, db: Db, province: Province = None, month: MonthQ = None) -> dict[str, Any]:
    """Every indicator and standard of a province (or the nation) for a month."""
    chosen = place(who, province) or HQ
    mo = _month(month) or month_of(clock.now())
    ov = qs.overview(db, chosen, mo, span=2)
    return {
        "province": chosen,
        "month": mo,
        "indicators": [
            {"code": r.indicator.code, "value": r.value, "noData": r.value is None,
             "numerator": None if r.figure is None else r.figure.numerator,
             "denominator": None if r.figure is None else r.figure.denominator,
             "target": r.indicator.target, "meetsTarget": r.meets, "unit": r.indicator.unit}
            for r in ov.rows
        ],
        "standards": [
            {"code": s.standard.code, "outcome": s.outcome.value, "value": s.value,
             "noData": s.outcome is q.Outcome.NO_DATA, "threshold": s.standard.threshold}
            for s in ov.standards
        ],
    }  # fmt: skip


# --- improvement actions -------------------------------------------------------------


class AssignIn(BaseModel):
    department: str = Field(min_length=1, max_length=60)
    owner: str = Field(min_length=1, max_length=60)
    plan: str = Field(min_length=1, max_length=2000)
    due_on: date | None = None


class TextIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


@router.get("/actions", dependencies=[requires("quality.view")])
def list_actions(
    who: Caller,
    db: Db,
    province: Province = None,
    status: Annotated[str | None, Query(pattern=r"^(open|done|closed)$")] = None,
    month: MonthQ = None,
) -> list[dict[str, Any]]:
    """Improvement actions, newest first."""
    return [_obj(a) for a in actions.list_actions(db, who, province=province, status=status,
                                                  month=_month(month))]  # fmt: skip


@router.post("/actions/{action_id}/assign", dependencies=[requires("quality.action.handle")])
def assign(action_id: Id, body: AssignIn, who: Caller, db: Db) -> dict[str, Any]:
    """Name the owner, the plan and the due date."""
    return _obj(actions.assign(db, who, action_id, **body.model_dump()))


@router.post("/actions/{action_id}/evidence", dependencies=[requires("quality.action.handle")])
def evidence(action_id: Id, body: TextIn, who: Caller, db: Db) -> dict[str, Any]:
    """Report what was done: the action waits for the next month's figure."""
    return _obj(actions.record_evidence(db, who, action_id, body.text))


@router.post("/actions/{action_id}/close", dependencies=[requires("quality.action.handle")])
def close(action_id: Id, body: TextIn, who: Caller, db: Db) -> dict[str, Any]:
    """Verify by hand an action without an indicator."""
    return _obj(actions.close_action(db, who, action_id, body.text))


# --- meetings and incidents ------------------------------------------------------------


class RaisedIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    department: str = Field(min_length=1, max_length=60)
    owner: str = Field(min_length=1, max_length=60)
    plan: str = Field(min_length=1, max_length=2000)
    due_on: date | None = None
    indicator: str | None = Field(default=None, max_length=30)


class MeetingIn(BaseModel):
    province: str = Field(min_length=2, max_length=2)
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    held_on: date
    chair: str = Field(min_length=1, max_length=60)
    attendees: list[str] = Field(min_length=1, max_length=100)
    decisions: list[str] = Field(min_length=1, max_length=50)
    actions: list[RaisedIn] = Field(default_factory=list, max_length=50)


class IncidentIn(BaseModel):
    province: str = Field(min_length=2, max_length=2)
    title: str = Field(min_length=1, max_length=200)
    occurred_at: datetime
    impact: str = Field(min_length=1, max_length=2000)
    root_cause: str = Field(min_length=1, max_length=2000)
    unit: str = Field(min_length=1, max_length=60)
    person: str = Field(min_length=1, max_length=60)
    penalty: str = Field(min_length=1, max_length=2000)
    tickets: list[str] = Field(default_factory=list, max_length=50)


@router.get("/meetings", dependencies=[requires("quality.view")])
def list_meetings(who: Caller, db: Db, province: Province = None) -> list[dict[str, Any]]:
    return [_obj(m) for m in meetings.list_meetings(db, who, province=province)]


@router.post("/meetings", status_code=201, dependencies=[requires("quality.meeting.record")])
def record_meeting(
    body: MeetingIn, who: Caller, db: Db, idempotency_key: IdempotencyKey = None
) -> dict[str, Any]:
    """Record a province's monthly quality meeting and open the actions it raised."""

    def run() -> dict[str, Any]:
        _month(body.month)
        raised = [meetings.RaisedAction(**a.model_dump()) for a in body.actions]
        data = body.model_dump(exclude={"actions"})
        return _obj(meetings.record_meeting(db, who, **{**data, "province": body.province.upper()},
                                            actions=raised))  # fmt: skip

    result, _ = api_queries.once(db, "api.quality.meeting", scoped_key(who, idempotency_key),
                                 body.model_dump(mode="json"), run)  # fmt: skip
    return result


@router.get("/incidents", dependencies=[requires("quality.view")])
def list_incidents(who: Caller, db: Db, province: Province = None) -> list[dict[str, Any]]:
    return [_obj(i) for i in incidents.list_incidents(db, who, province=province)]


@router.post("/incidents", status_code=201, dependencies=[requires("quality.incident.record")])
def record_incident(
    body: IncidentIn, who: Caller, db: Db, idempotency_key: IdempotencyKey = None
) -> dict[str, Any]:
    """Record an incident, link its tickets (a major complaint may then close)."""

    def run() -> dict[str, Any]:
        data = {**body.model_dump(), "province": body.province.upper()}
        return _obj(incidents.record_incident(db, who, **data))

    result, _ = api_queries.once(db, "api.quality.incident", scoped_key(who, idempotency_key),
                                 body.model_dump(mode="json"), run)  # fmt: skip
    return result


# --- launch checklists ------------------------------------------------------------------


Kind = Annotated[str, Path(pattern=r"^(product|sp_service|tariff)$")]
Item = Annotated[str, Path(pattern=r"^[A-Za-z0-9:_@-]{1,60}$")]


class StartIn(BaseModel):
    kind: str = Field(pattern=r"^(product|sp_service|tariff)$")
    item: str = Field(pattern=r"^[A-Za-z0-9:_@-]{1,60}$")
    test_lines: list[str] = Field(min_length=1, max_length=5)


class StepIn(BaseModel):
    step: str = Field(max_length=30)
    ok: bool
    note: str = Field(default="", max_length=500)


@router.get("/launch", dependencies=[requires("quality.view")])
def checklists(who: Caller, db: Db) -> list[dict[str, Any]]:
    return [_obj(c) for c in launch.checklists(db, who)]


@router.post("/launch", status_code=201, dependencies=[requires("quality.launch.manage")])
def start(body: StartIn, who: Caller, db: Db) -> dict[str, Any]:
    """Open a launch test (headquarters); its test lines may order the item."""
    return _obj(launch.start(db, who, body.kind, body.item, body.test_lines))


@router.post("/launch/{kind}/{item}/steps", dependencies=[requires("quality.launch.manage")])
def step(kind: Kind, item: Item, body: StepIn, who: Caller, db: Db) -> dict[str, Any]:
    return _obj(launch.record_step(db, who, kind, item, body.step, ok=body.ok, note=body.note))


@router.post("/launch/{kind}/{item}/verify", dependencies=[requires("quality.launch.manage")])
def verify(kind: Kind, item: Item, who: Caller, db: Db) -> dict[str, Any]:
    """Run the test orders on the test lines (SMS and web) and record each check."""
    return _obj(launch_test.run(db, who, kind, item))


@router.post("/launch/{kind}/{item}/approve", dependencies=[requires("quality.launch.manage")])
def approve(kind: Kind, item: Item, who: Caller, db: Db) -> dict[str, Any]:
    """A second person approves a complete checklist: the item goes on sale."""
    return _obj(launch.approve(db, who, kind, item))


# --- discipline ---------------------------------------------------------------------------


class MoveIn(BaseModel):
    action: str = Field(pattern=r"^(investigate|uphold|dismiss)$")
    finding: str = Field(default="", max_length=2000)
    penalty: str = Field(default="", max_length=2000)


@router.get("/discipline", dependencies=[requires("quality.view")])
def cases(
    who: Caller, db: Db, province: Province = None, month: MonthQ = None
) -> list[dict[str, Any]]:
    return [_obj(c) for c in discipline.list_cases(db, who, province=province, month=_month(month))]


@router.post("/discipline/{case_id}", dependencies=[requires("quality.discipline.handle")])
def move(case_id: Id, body: MoveIn, who: Caller, db: Db) -> dict[str, Any]:
    return _obj(discipline.move(db, who, case_id, body.action, finding=body.finding,
                                penalty=body.penalty))  # fmt: skip


@router.get("/discipline/summary/{month}", dependencies=[requires("quality.view")])
def summary(
    month: Annotated[str, Path(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")],
    who: Caller,
    db: Db,
    province: Province = None,
) -> list[dict[str, Any]]:
    """Cases found in the month per province, by prohibition and by status."""
    chosen = _month(month) or month
    return [_obj(s) for s in discipline.monthly_summary(db, who, chosen, province=province)]
