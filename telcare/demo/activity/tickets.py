"""Complaint tickets (filed, handled, some late or reopened) and the surveys that follow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from telcare.demo.activity.schedule import (
    ANSWERS,
    CATEGORIES,
    STAFF,
    SUMMARIES,
    TICKET_CHANNELS,
    UNCONFIRMED_SP,
    Line,
    _backdate_entry,
    _hours,
    _Run,
)
from telcare.domain.access import Kind, Principal
from telcare.domain.surveys import Trigger
from telcare.services import (
    accounts,
    complaints,
    surveys,
)
from telcare.services.quality import incidents
from telcare.store import complaint_models as cm

# --- complaints ------------------------------------------------------------------------


def _plan_ticket(run: _Run, line: Line, when: datetime, category: str | None = None) -> None:
    rng = run.rng
    cat = category or run.pick(CATEGORIES)
    channel = run.pick(TICKET_CHANNELS)
    major = rng.random() < 0.03
    late_response = rng.random() < 0.08
    late_resolution = rng.random() < 0.1
    reopen = rng.random() < 0.06

    def file(now: datetime) -> None:
        who = (
            STAFF
            if channel == "console"
            else Principal(Kind.SUBSCRIBER, line.msisdn, line.province)
        )
        t = complaints.file_ticket(
            run.db,
            who,
            node=line.province,
            category=cat,
            summary=SUMMARIES[cat.split(".")[0]],
            msisdn=line.msisdn,
            channel=channel,
            related_sp=UNCONFIRMED_SP if cat.startswith("VAS.UNCONFIRMED") else None,
            major=major and who is STAFF,
            now=now,
        )
        run.count("tickets")
        _plan_handling(run, line, t.id, now, t.respond_by, t.resolve_by,
                       late_response, late_resolution, reopen, cat, t.major)  # fmt: skip

    run.at(when, file)


def _plan_handling(
    run: _Run,
    line: Line,
    ticket_id: str,
    filed: datetime,
    respond_by: datetime | None,
    resolve_by: datetime,
    late_response: bool,
    late_resolution: bool,
    reopen: bool,
    category: str,
    major: bool = False,
) -> None:
    rng = run.rng
    db, node = run.db, line.province
    due = respond_by or filed + _hours(24)
    if late_response:
        acked = due + _hours(rng.uniform(2, 30))
        run.at(
            due + _hours(1),
            lambda now: run.count(
                "escalations", complaints.sweep_escalations(db, node=node, now=now)
            ),
        )
    else:
        acked = filed + (due - filed) * rng.uniform(0.05, 0.9)
    span = resolve_by - filed
    resolved = filed + span * (
        rng.uniform(1.05, 1.8) if late_resolution else rng.uniform(0.2, 0.95)
    )
    started = acked + _hours(rng.uniform(0.2, 4))
    resolved = max(resolved, started + _hours(1))

    def move(action: str, outcome: str | None = None) -> Callable[[datetime], None]:
        def step(now: datetime) -> None:
            complaints.transition(db, STAFF, ticket_id, action, node=node, outcome=outcome, now=now)
            if action == "reopen":
                run.count("tickets reopened")

        return step

    def resolve(now: datetime) -> None:
        complaints.update_ticket(
            db, STAFF, ticket_id, node=node, now=now,
            changes={"responsible_unit": f"{node}客服中心", "outcome": "已核实处理并答复用户"},
        )  # fmt: skip
        complaints.transition(db, STAFF, ticket_id, "resolve", node=node, now=now)
        if category.startswith("VAS.UNCONFIRMED"):
            posted = accounts.refund(
                db,
                line.msisdn,
                rng.choice((800, 1600)),
                idempotency_key=run.key("refund", ticket_id),
                reason=f"退还SP {UNCONFIRMED_SP} 费用",
            )
            _backdate_entry(db, posted.entry_id, now)
            run.count("refunds")

    def close(now: datetime) -> None:
        if major:  # a major complaint closes only once an incident accounts for it
            incidents.record_incident(
                db, STAFF, province=node, title=f"重大投诉 {ticket_id}", occurred_at=filed,
                impact="用户投诉升级为重大投诉", root_cause="业务流程执行不到位",
                unit=f"{node}客服中心", person=f"{node}客服中心主任", penalty="通报批评",
                tickets=[ticket_id], now=now,
            )  # fmt: skip
            run.count("incidents")
        complaints.transition(db, STAFF, ticket_id, "close", node=node, now=now)
        run.count("tickets closed")
        sent = _contact(run, line, Trigger.TICKET, f"t-{ticket_id}")
        run.at(now + _hours(rng.uniform(0.1, 2)), sent)

    closed = resolved + _hours(rng.uniform(4, 60))
    run.at(acked, move("acknowledge"))
    run.at(started, move("start"))
    run.at(resolved, resolve)
    if reopen:
        again = resolved + _hours(rng.uniform(3, 40))
        run.at(again, move("reopen"))
        resolved = again + _hours(rng.uniform(4, 30))
        run.at(resolved, resolve)
        closed = resolved + _hours(rng.uniform(4, 48))
    run.at(closed, close)


# --- surveys ---------------------------------------------------------------------------


def _contact(run: _Run, line: Line, trigger: Trigger, ref: str) -> Callable[[datetime], None]:
    rng = run.rng
    answers = rng.random() < 0.62
    answer = run.pick(ANSWERS)
    delay = rng.uniform(0.1, 30)
    follow = rng.random() < 0.8

    def contact(now: datetime) -> None:
        sent = surveys.record_contact(
            run.db, trigger, line.msisdn, source_key=run.key("survey", ref),
            province=line.province, now=now, sample=False,
        )  # fmt: skip
        if sent.outcome != "surveyed" or sent.sent_at is None:
            return
        run.count("surveys sent")
        if answers:
            run.at(sent.sent_at + _hours(delay), reply)
        else:
            run.at(sent.sent_at + _hours(49), expire)

    def expire(now: datetime) -> None:
        run.count("surveys expired", surveys.expire(run.db, now=now))

    def reply(now: datetime) -> None:
        r = surveys.handle_reply(run.db, line.msisdn, answer, now=now)
        if r.answer is None or r.survey_id is None:
            return
        run.count("survey answers")
        if (r.answer.score or 5) <= 2 and follow:
            run.at(now + _hours(rng.uniform(1, 20)), follow_up(r.survey_id))

    def follow_up(survey_id: int) -> Callable[[datetime], None]:
        def step(now: datetime) -> None:
            tid = surveys.open_ticket(run.db, STAFF, survey_id, node=line.province, now=now)
            run.count("follow-up tickets")
            with run.db.uow() as uow:
                t = uow.session.get(cm.Ticket, tid)
                assert t is not None
                respond_by, resolve_by = t.respond_by, t.resolve_by
            _plan_handling(run, line, tid, now, respond_by and _utc(respond_by), _utc(resolve_by),
                           False, False, False, "SVC")  # fmt: skip

        return step

    return contact


def _utc(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)
