"""Improvement actions (PDCA): opened by a missed indicator or standard, a major complaint,
an incident or a quality meeting; owned, planned, evidenced, verified by the next month's
figure, escalated when overdue. :func:`open_for_missed`, :func:`verify_actions` and
:func:`escalate_overdue` are plain functions for the periodic worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from telcare.domain import improvement as rules
from telcare.domain import quality as q
from telcare.domain.access import Principal
from telcare.domain.errors import Conflict, InvalidInput, NotFound
from telcare.domain.inputs import check_month
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services.quality.figures import compute
from telcare.services.quality.scope import may_handle, now_or, place
from telcare.services.quality.specs import PROVINCE_CODES
from telcare.store import complaint_models as cm
from telcare.store.improvement_models import ImprovementAction
from telcare.store.uow import Database

SYSTEM = "system"
TO_ASSIGN = "待指定 / to be assigned"
DEFAULT_PLAN = "分析原因，制定并落实整改措施 / find the cause, plan and carry out the fix"


@dataclass(frozen=True, slots=True)
class ActionView:
    id: int
    source: str
    source_ref: str
    province: str
    month: str
    indicator: str | None
    title: str
    department: str
    owner: str
    plan: str
    due_on: date
    status: str
    evidence: str
    verification: dict[str, Any]
    escalation: int
    escalated_to: str
    meeting_id: int | None
    incident_id: int | None
    created_at: datetime
    closed_at: datetime | None

    @property
    def overdue(self) -> bool:
        return self.escalation > 0 and self.status != rules.Status.CLOSED.value


def _view(a: ImprovementAction) -> ActionView:
    return ActionView(
        a.id, a.source, a.source_ref, a.province, a.month, a.indicator, a.title, a.department,
        a.owner, a.plan, a.due_on, a.status, a.evidence, dict(a.verification or {}),
        a.escalation, rules.ESCALATION_TO[a.escalation], a.meeting_id, a.incident_id,
        a.created_at, a.closed_at,
    )  # fmt: skip


def _local(now: datetime) -> date:
    return now.astimezone(OPERATOR_TZ).date()


def add_action(
    s: Session,
    *,
    source: rules.Source,
    source_ref: str,
    province: str,
    month: str,
    title: str,
    department: str,
    owner: str,
    plan: str,
    by: str,
    now: datetime,
    due_on: date | None = None,
    indicator: str | None = None,
    verification: dict[str, Any] | None = None,
    meeting_id: int | None = None,
    incident_id: int | None = None,
) -> ImprovementAction:
    """Open an action in ``s`` (once per ``source_ref``: the existing one is returned)."""
    found = s.scalar(select(ImprovementAction).where(ImprovementAction.source_ref == source_ref))
    if found is not None:
        return found
    row = ImprovementAction(
        source=source.value, source_ref=source_ref, province=province, month=month,
        indicator=indicator, title=rules.text(title, N_("quality.action.plan"))[:200],
        department=rules.text(department, N_("quality.action.owner"))[:60],
        owner=rules.text(owner, N_("quality.action.owner"))[:60],
        plan=rules.text(plan, N_("quality.action.plan")),
        due_on=due_on or rules.due_on(source, _local(now)), status=rules.Status.OPEN.value,
        evidence="", verification=verification or {}, escalation=0, escalated_at=None,
        meeting_id=meeting_id, incident_id=incident_id, created_by=by, created_at=now,
        closed_at=None,
    )  # fmt: skip
    s.add(row)
    s.flush()
    return row


def open_action(
    db: Database,
    who: Principal,
    *,
    province: str,
    month: str,
    title: str,
    department: str,
    owner: str,
    plan: str,
    due_on: date | None = None,
    indicator: str | None = None,
    source: rules.Source = rules.Source.MEETING,
    source_ref: str | None = None,
    now: datetime | None = None,
) -> ActionView:
    """Staff open an action by hand (e.g. decided in a meeting)."""
    may_handle(who, province)
    check_month(month)
    if indicator is not None and indicator not in q.BY_CODE:
        raise NotFound(N_("quality.action.unknown"), id=indicator)
    now = now_or(now)
    with db.uow() as uow:
        ref = source_ref or f"{source.value}:{who.subject}:{now.isoformat()}"
        row = add_action(
            uow.session, source=source, source_ref=ref, province=province, month=month,
            title=title, department=department, owner=owner, plan=plan, by=who.subject,
            now=now, due_on=due_on, indicator=indicator,
        )  # fmt: skip
        uow.commit()
        return _view(row)


def open_for_missed(db: Database, month: str, *, now: datetime | None = None) -> int:
    """Open an action for every standard failed and indicator off target in ``month``, per
    province, and for every major complaint filed in it (idempotent: once per figure or
    ticket). Returns how many were opened. A job (run when the month has closed)."""
    now = now_or(now)
    result = compute(db, [month], now=now)
    opened = 0
    with db.uow() as uow:
        known = set(
            uow.session.scalars(
                select(ImprovementAction.source_ref).where(ImprovementAction.month == month)
            )
        )
        for province in PROVINCE_CODES:
            for miss in rules.misses(province, month, result.of(province, month)):
                if miss.ref in known:
                    continue
                opened += 1
                add_action(
                    uow.session, source=miss.source, source_ref=miss.ref, province=province,
                    month=month, title=miss.title_zh, department=miss.department,
                    owner=TO_ASSIGN, plan=DEFAULT_PLAN, by=SYSTEM, now=now,
                    indicator=miss.indicator,
                    verification={"value": miss.value, "threshold": miss.target, "checks": []},
                )  # fmt: skip
        opened += _open_for_major(uow.session, month, known, now)
        uow.commit()
    return opened


def _open_for_major(s: Session, month: str, known: set[str], now: datetime) -> int:
    """An action for each major complaint filed in ``month``."""
    start, end = q.month_start(month), q.month_start(q.add_months(month, 1))
    opened = 0
    for t in s.scalars(
        select(cm.Ticket).where(
            cm.Ticket.major.is_(True), cm.Ticket.created_at >= start, cm.Ticket.created_at < end
        )
    ):
        ref = f"complaint:{t.id}"
        if ref in known:
            continue
        opened += 1
        add_action(
            s, source=rules.Source.COMPLAINT, source_ref=ref, province=t.province, month=month,
            title=f"重大投诉整改：{t.summary}", department=t.responsible_unit or "客户服务部",
            owner=TO_ASSIGN, plan=DEFAULT_PLAN, by=SYSTEM, now=now,
        )  # fmt: skip
    return opened


def _get(s: Session, action_id: int) -> ImprovementAction:
    row = s.get(ImprovementAction, action_id, with_for_update=True)
    if row is None:
        raise NotFound(N_("quality.action.unknown"), id=action_id)
    return row


def assign(
    db: Database,
    who: Principal,
    action_id: int,
    *,
    department: str,
    owner: str,
    plan: str,
    due_on: date | None = None,
) -> ActionView:
    """Name the owner (department and person), the plan and the due date (Plan)."""
    with db.uow() as uow:
        row = _get(uow.session, action_id)
        may_handle(who, row.province)
        if row.status == rules.Status.CLOSED.value:
            raise Conflict(N_("quality.action.state"), status=row.status, what="assign")
        row.department = rules.text(department, N_("quality.action.owner"))[:60]
        row.owner = rules.text(owner, N_("quality.action.owner"))[:60]
        row.plan = rules.text(plan, N_("quality.action.plan"))
        row.due_on = due_on or row.due_on
        uow.commit()
        return _view(row)


def record_evidence(
    db: Database, who: Principal, action_id: int, evidence: str, *, now: datetime | None = None
) -> ActionView:
    """The owner reports what was done (Do): the action waits for verification (Check)."""
    with db.uow() as uow:
        row = _get(uow.session, action_id)
        may_handle(who, row.province)
        if row.status == rules.Status.CLOSED.value:
            raise Conflict(N_("quality.action.state"), status=row.status, what="evidence")
        row.evidence = rules.text(evidence, N_("quality.action.evidence"))
        row.status = rules.Status.DONE.value
        uow.commit()
        return _view(row)


def close_action(
    db: Database, who: Principal, action_id: int, note: str, *, now: datetime | None = None
) -> ActionView:
    """Verify by hand an action no figure can verify (complaint, incident, meeting): only a
    done action, and not by its owner."""
    now = now_or(now)
    with db.uow() as uow:
        row = _get(uow.session, action_id)
        may_handle(who, row.province)
        if row.status != rules.Status.DONE.value or row.indicator is not None:
            raise Conflict(N_("quality.action.state"), status=row.status, what="closed by hand")
        checks = {**(row.verification or {}), "verified_by": who.subject,
                  "note": rules.text(note, N_("quality.action.evidence"))}  # fmt: skip
        row.verification, row.status, row.closed_at = checks, rules.Status.CLOSED.value, now
        uow.commit()
        return _view(row)


def verify_actions(db: Database, month: str, *, now: datetime | None = None) -> dict[str, int]:
    """Check every action of an indicator opened for a month before ``month`` against
    ``month``'s figure: met closes a done action, missed sends it back to open, no data
    waits. Returns counts by verdict. A job (run after the month closes)."""
    now = now_or(now)
    counts = {v.value: 0 for v in rules.Verdict}
    pending = (
        ImprovementAction.indicator.is_not(None),
        ImprovementAction.month < month,
        ImprovementAction.status != rules.Status.CLOSED.value,
    )
    with db.read() as uow:
        codes = sorted(
            {
                str(c)
                for c in uow.session.scalars(select(ImprovementAction.indicator).where(*pending))
            }
        )
    if not codes:
        return counts
    result = compute(db, [month], codes, now=now)  # before the write transaction (SQLite)
    with db.uow() as uow:
        for row in uow.session.scalars(select(ImprovementAction).where(*pending)):
            assert row.indicator is not None
            ver = dict(row.verification or {})
            value = result.value(row.indicator, row.province, month)
            verdict = rules.verdict(row.indicator, value, ver.get("threshold"))
            counts[verdict.value] += 1
            checks = [c for c in ver.get("checks", []) if c.get("month") != month]
            ver["checks"] = [*checks, {"month": month, "value": value, "verdict": verdict.value}]
            row.verification = ver
            if verdict is rules.Verdict.MET and row.status == rules.Status.DONE.value:
                row.status, row.closed_at = rules.Status.CLOSED.value, now
            elif verdict is rules.Verdict.MISSED and row.status == rules.Status.DONE.value:
                row.status = rules.Status.OPEN.value  # not effective: act again
        uow.commit()
    return counts


def escalate_overdue(db: Database, *, now: datetime | None = None) -> int:
    """Raise the escalation of every action past its due date (province head, then HQ; again
    each week while overdue). Returns how many moved. A job (daily)."""
    now = now_or(now)
    today = _local(now)
    moved = 0
    with db.uow() as uow:
        for row in uow.session.scalars(
            select(ImprovementAction).where(
                ImprovementAction.status != rules.Status.CLOSED.value,
                ImprovementAction.due_on < today,
            )
        ):
            last = None if row.escalated_at is None else _local(row.escalated_at)
            level = rules.escalation(
                rules.Status(row.status), row.due_on, today, row.escalation, last
            )
            if level != row.escalation:
                row.escalation, row.escalated_at = level, now
                moved += 1
        uow.commit()
    return moved


def list_actions(
    db: Database,
    who: Principal,
    *,
    province: str | None = None,
    status: str | None = None,
    month: str | None = None,
    limit: int = 200,
) -> list[ActionView]:
    """Actions of the province(s) ``who`` may see, newest first."""
    chosen = place(who, province)
    stmt = select(ImprovementAction).order_by(ImprovementAction.id.desc())
    if chosen is not None and chosen != HQ:
        stmt = stmt.where(ImprovementAction.province == chosen)
    if status:
        if status not in set(rules.Status):
            raise InvalidInput(N_("quality.action.state"), status=status[:20], what="listed")
        stmt = stmt.where(ImprovementAction.status == status)
    if month:
        stmt = stmt.where(ImprovementAction.month == month)
    with db.read() as uow:
        return [_view(r) for r in uow.session.scalars(stmt.limit(min(max(limit, 1), 1000)))]


def get_action(db: Database, who: Principal, action_id: int) -> ActionView:
    with db.read() as uow:
        row = uow.session.get(ImprovementAction, action_id)
        if row is None:
            raise NotFound(N_("quality.action.unknown"), id=action_id)
        may_handle(who, row.province)
        return _view(row)


@dataclass(frozen=True, slots=True)
class ActionsReport:
    open: list[ActionView]
    closed: list[ActionView]


def for_report(db: Database, province: str, month: str) -> ActionsReport:
    """The monthly report's actions: open at the month's end (opened up to ``month``, not
    closed) and closed during the month; ``HQ``: every province."""
    start, end = q.month_start(month), q.month_start(q.add_months(month, 1))
    stmt = select(ImprovementAction).where(ImprovementAction.month <= month)
    if province != HQ:
        stmt = stmt.where(ImprovementAction.province == province)
    done = ImprovementAction.closed_at
    stmt = stmt.where(or_(done.is_(None), done >= start))
    with db.read() as uow:
        rows = [_view(r) for r in uow.session.scalars(stmt.order_by(ImprovementAction.id))]
    closed = [r for r in rows if r.closed_at is not None and start <= r.closed_at < end]
    still = [r for r in rows if r.closed_at is None or r.closed_at >= end]
    return ActionsReport(still, closed)
