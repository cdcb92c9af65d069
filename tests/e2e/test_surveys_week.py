"""Issue #7 "done when": a simulated week of shop visits, hotline calls and closed tickets
produces sampled surveys; replies through the real SMS dispatcher to 10086700 (some
malformed) are scored; a template change mid-week keeps versions apart; per-province
scores match a table computed by hand.

Sampling is a hash of each contact's key, so which contacts are surveyed is fixed:
the ``sampled`` column below was read once from the rules and is now the contract.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from time_machine import TimeMachineFixture

from telcare.bus import outbox as bus_outbox
from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.demo.seed import generated_fixtures, seed_demo
from telcare.domain.access import Kind, Principal
from telcare.domain.messages import render
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import complaints, notify, selfcare
from telcare.services import surveys as svc
from telcare.store.uow import Database

HQ_ADMIN = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
AGENTS = {p: Principal(Kind.STAFF, f"{p.lower()}-agent", p, "agent") for p in ("BJ", "GD", "SH")}
MONDAY = datetime(2026, 3, 2, tzinfo=OPERATOR_TZ)


def at(day: int, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return MONDAY + timedelta(days=day, hours=h, minutes=m)


@dataclass(frozen=True)
class Contact:
    ref: int  # names the visit or call (its sampling key)
    day: int
    time: str
    kind: str  # visit | call | ticket
    who: int  # index into the generated subscribers
    province: str
    shop: str | None
    outcome: str  # frozen from the hash-based sampling and the 7-day rule
    replies: tuple[tuple[str, str], ...] = ()  # (text, expected reply key), an hour apart
    reply_after_h: int = 1


OK, LOW, A = "survey.thanks", "survey.thanks_low", "survey.already"
HINT5, HINT3, NONE = "survey.hint_scale", "survey.hint_three", "survey.none_open"
S, NS, R = "surveyed", "not_sampled", "recent"

# fmt: off
WEEK = [
    # Monday (SHOP v2 and HOTLINE v2: 1-5 scale, 50% sampled; TICKET v1: 满意/一般/不满意, all)
    Contact(0, 0, "10:00", "visit", 0, "BJ", "BJ001", S, (("5", OK),)),
    Contact(1, 0, "11:00", "visit", 1, "BJ", "BJ001", S, (("好", HINT5), ("４ 还行", OK))),
    Contact(2, 0, "14:00", "call", 2, "GD", None, S, (("不满意 排队太久", LOW), ("5", A))),
    Contact(3, 0, "22:30", "call", 3, "GD", None, NS, (("3", NONE),)),
    # Tuesday
    Contact(4, 1, "09:00", "visit", 4, "GD", "GD001", S, (("满意", OK),)),
    Contact(5, 1, "10:00", "visit", 0, "BJ", "BJ002", R),  # 7-day rule: no second survey
    Contact(6, 1, "15:00", "ticket", 5, "BJ", None, S, (("1", HINT3), ("一般", OK))),
    # Wednesday
    Contact(7, 2, "10:00", "visit", 6, "SH", "SH001", NS, (("10", NONE),)),
    Contact(8, 2, "11:00", "call", 7, "BJ", None, S, (("5", "survey.expired"),), 49),
    Contact(18, 2, "23:30", "call", 17, "SH", None, S, (("4", OK),)),  # sent Thursday 08:00
    # Thursday 09:00: HQ changes the shop template (v3: 满意/一般/不满意)
    Contact(9, 3, "10:00", "visit", 8, "BJ", "BJ001", S, (("5", HINT3), ("满意 很快", OK))),
    Contact(10, 3, "11:00", "visit", 9, "GD", "GD001", S, (("不满意", LOW),)),
    Contact(11, 3, "16:00", "ticket", 10, "GD", None, S, (("满意", OK),)),
    # Friday
    Contact(12, 4, "10:00", "visit", 11, "SH", "SH001", S, (("一般", OK),)),
    Contact(13, 4, "12:00", "call", 12, "SH", None, S, (("５", OK),)),
    Contact(19, 4, "21:00", "call", 18, "GD", None, S, (("2", LOW),)),
    # Saturday
    Contact(14, 5, "10:00", "visit", 13, "BJ", "BJ002", S, (("一般", OK),)),
    Contact(15, 5, "11:00", "visit", 14, "GD", "GD001", S, (("满意", OK),)),
    Contact(20, 5, "15:00", "visit", 19, "SH", "SH002", S, (("满意", OK),)),
    # Sunday
    Contact(16, 6, "10:00", "call", 15, "BJ", None, S, (("1 没人接", LOW),)),
    Contact(17, 6, "11:00", "visit", 16, "BJ", "BJ001", S, (("", HINT3), ("满意", OK))),
]
# fmt: on

# Worked out by hand from WEEK: the score each answered survey counts (满意 = 5,
# 一般 = 3, 不满意 = 1), then per province: answers, satisfied (4 or 5), rate, mean.
#   BJ: 5 4 3(ticket) 5 3 1 5   -> 7 answers, 4 satisfied, mean 26/7
#   GD: 1 5 1 5(ticket) 2 5     -> 6 answers, 3 satisfied, mean 19/6
#   SH: 4 3 5 5                 -> 4 answers, 3 satisfied, mean 17/4
# Wilson 95%: 4/7 [0.2505, 0.8418]; 3/6 [0.1876, 0.8124]; 3/4 [0.3006, 0.9544]
BY_PROVINCE = {
    "BJ": (7, 4, 4 / 7, 26 / 7, 0.2505, 0.8418),
    "GD": (6, 3, 3 / 6, 19 / 6, 0.1876, 0.8124),
    "SH": (4, 3, 3 / 4, 17 / 4, 0.3006, 0.9544),
}


def new_shop_template() -> dict[str, object]:
    spec = svc.DEFAULT_TEMPLATES["SHOP"] | {"sample_percent": 50}
    spec["questions"] = [
        {"id": "overall", "kind": "three", "text_zh": "您对营业厅满意吗？"},
        {"id": "comment", "kind": "text", "text_zh": "您的建议？"},
    ]
    return spec


def play_week(db: Database, numbers: list[str], time_machine: TimeMachineFixture) -> list[str]:
    """Play the week through the services and the real SMS dispatcher; each outcome."""
    dispatcher = SmsDispatcher(db)
    outcomes: list[str] = []
    changed = False
    for i, c in enumerate(WEEK):
        now = at(c.day, c.time)
        if now >= at(3, "09:00") and not changed:
            svc.save_template(db, HQ_ADMIN, "SHOP", new_shop_template(), now=at(3, "09:00"))
            changed = True
        time_machine.move_to(now, tick=False)
        msisdn = numbers[c.who]
        if c.kind == "visit":
            assert c.shop is not None
            sent = svc.record_visit(db, msisdn, c.shop, c.province, visit_id=f"v{c.ref}", now=now)
        elif c.kind == "call":
            sent = svc.record_call(db, msisdn, "agent7", call_id=f"c{c.ref}", province=c.province)
        else:
            sent = close_ticket(db, msisdn, c.province, now)
        outcomes.append(sent.outcome)
        lang = selfcare.overview(db, msisdn).language
        start = sent.sent_at or now
        for k, (text, key) in enumerate(c.replies):
            when = start + timedelta(hours=c.reply_after_h + k)
            time_machine.move_to(when, tick=False)
            replies = dispatcher.handle(MoMessage(msisdn, "10086700", text))
            assert {r.sender for r in replies} == {"10086700"}
            assert "".join(r.text for r in replies) == render(key, lang), (i, text)
    return outcomes


def close_ticket(db: Database, msisdn: str, province: str, now: datetime) -> svc.Sent:
    """File and close a ticket at ``province``; hand its ticket.closed event to surveys."""
    agent = AGENTS[province]
    t = complaints.file_ticket(db, agent, node=province, msisdn=msisdn, category="BIL.DISPUTE.DATA",
                               summary="流量费争议", now=now - timedelta(hours=2))  # fmt: skip
    for action in ("start", "resolve", "close"):
        complaints.transition(db, agent, t.id, action, node=province, now=now)
    [event] = [
        json.loads(m.data)
        for m in bus_outbox.pending(db, limit=10_000)
        if m.type == "ticket.closed" and json.loads(m.data)["key"] == t.id
    ]
    sent = svc.on_ticket_closed(db, event)
    assert sent is not None
    return sent


@pytest.fixture
def week_db(empty_db: Database) -> Database:
    seed_demo(empty_db, subscribers=3 + 20)
    return empty_db


def test_a_week_of_surveys(week_db: Database, time_machine: TimeMachineFixture) -> None:
    db = week_db
    numbers = [fx.msisdn for fx in generated_fixtures(20)]
    svc.ensure_templates(db, MONDAY)
    for code in ("SHOP", "HOTLINE"):
        spec = svc.DEFAULT_TEMPLATES[code] | {"sample_percent": 50}
        svc.save_template(db, HQ_ADMIN, code, spec, now=MONDAY)

    assert play_week(db, numbers, time_machine) == [c.outcome for c in WEEK]

    # one SMS from 10086700 per survey, none in quiet hours
    queued = notify.due(db, at(8, "00:00"), limit=1000)
    from_survey = {q.outbox_id: q for q in queued if q.sender == "10086700"}
    assert len(from_survey) == sum(c.outcome == S for c in WEEK)
    assert all(q.recipient != numbers[17] for q in notify.due(db, at(3, "07:59"), limit=1000))
    assert any(q.recipient == numbers[17] for q in notify.due(db, at(3, "08:00"), limit=1000))

    # per-province scores match the hand-computed table
    table = {r.key[0]: r for r in svc.scores(db, ("province",), month="2026-03")}
    assert set(table) == set(BY_PROVINCE)
    for province, (n, good, rate, mean, low, high) in BY_PROVINCE.items():
        row = table[province]
        assert (row.count, row.satisfied) == (n, good), province
        assert row.rate == pytest.approx(rate) and row.mean == pytest.approx(mean)
        assert (row.rate_low, row.rate_high) == pytest.approx((low, high), abs=1e-4)

    # the template change is honoured and versions are kept apart
    shop = {r.key: r for r in svc.scores(db, ("template", "version")) if r.key[0] == "SHOP"}
    assert {k: (r.count, r.satisfied) for k, r in shop.items()} == {
        ("SHOP", "2"): (3, 3),  # 5, 4, 满意 on the 1-5 scale
        ("SHOP", "3"): (7, 4),  # 满意 不满意 一般 一般 满意 满意 满意
    }
    by_channel = {r.key[0]: r.count for r in svc.scores(db, ("channel",))}
    assert by_channel == {"shop": 10, "hotline": 5, "ticket": 2}
    assert svc.expire(db, at(8, "00:00")) == 0  # the unanswered one expired on its reply
