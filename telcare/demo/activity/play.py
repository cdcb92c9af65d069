"""Demo activity: months of realistic service events for the demo operator.

:func:`generate` plays a few months of life of a sample of the demo subscribers
through the real services, in time order, each call with its own ``now=``:
complaint tickets (filed, acknowledged, resolved, closed; some late and swept to
escalation, some major, some reopened, some about SP 1066000005 charging without
confirmation, refunded), satisfaction surveys and their SMS replies (low scores
followed up by a ticket), spam reports (senders flagged by reporters, quarantined
messages, SP 1066000003 flagged into a violation, the rest dismissed by staff), card
recharges (some wrong PINs) and shop recharges, SP subscriptions, points gift orders by SMS,
web, API and the online hall (picked, shipped, delivered; a few cancelled or returned), data
reminder opt-outs and rated usage files with their reminders. The quality
indicators of :mod:`telcare.services.quality` then have figures to show.

Deterministic (``random.Random(seed)``) and idempotent: a marker row
(``idempotency_record`` key ``demo-activity:<seed>``) is written at the end, and a
second call with the same seed adds nothing.

Rows written directly, because the services stamp them with the wall clock (they
have no ``now=``), each in a clearly named helper:

* :func:`_backdate_lines`: the demo lines, their customers, base subscriptions,
  opening balances and points were created "today" by the seed; they are moved to
  the day before the first month, so that the months have a subscriber base.
* :func:`_backdate_entry`: a ledger entry posted by ``cards.recharge_with_card`` or
  ``accounts.post`` gets the time of the simulated recharge or refund.
* :func:`_add_cards`: the recharge cards sold (one PIN hash shared by the batch).
"""

from __future__ import annotations

import csv
import heapq
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from telcare import clock
from telcare.domain import quality as q
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import DomainError
from telcare.domain.loyalty import Address
from telcare.domain.months import month_of
from telcare.domain.provinces import HQ
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.domain.surveys import Trigger
from telcare.services import (
    accounts,
    antispam,
    cards,
    charging,
    complaints,
    loyalty,
    orders,
    partners,
    surveys,
)
from telcare.services.hashing import hash_secret
from telcare.store import complaint_models as cm
from telcare.store import models as m
from telcare.store.uow import Database

MARKER = "demo-activity:{seed}"
SAMPLE = 400
STAFF = Principal(Kind.STAFF, "hq-admin", HQ, "admin")
UNCONFIRMED_SP = "1066000005"
SPAM_SP = "1066000003"
CARD_PIN = "246810"
CARD_FACES = (3000, 5000, 10000)
GIFT = "G001"
Progress = Callable[[int, int], None]

CATEGORIES: tuple[tuple[str, int], ...] = (
    ("NET.COV.INDOOR", 14),
    ("NET.COV.ROAD", 6),
    ("NET.DATA.SLOW", 12),
    ("NET.DATA.G3", 4),
    ("NET.VOICE.DROP", 8),
    ("BIL.DISPUTE.DATA", 12),
    ("BIL.DISPUTE.VOICE", 5),
    ("BIL.DISPUTE.PKG", 6),
    ("BIL.RECHARGE.CARD", 4),
    ("VAS.UNCONFIRMED.SP", 8),
    ("VAS.UNSUB.FAILED", 5),
    ("SVC.HALL.ATTITUDE", 8),
    ("SVC.HOTLINE.WAIT", 8),
)
SUMMARIES = {
    "NET": "信号差，影响正常使用",
    "BIL": "对本月费用有异议",
    "VAS": "未经确认被扣除增值业务费用",
    "SVC": "对服务不满意",
}
TICKET_CHANNELS = (("sms", 25), ("api", 12), ("hall", 23), ("console", 40))
ORDER_CHANNELS = (("sms", 30), ("web", 25), ("api", 10), ("hall", 35))
ANSWERS = (("非常满意", 42), ("比较满意", 30), ("一般", 13), ("不太满意", 9), ("非常不满意", 6))
SPAM_TEXTS = (
    "【中奖通知】恭喜您的号码被抽中二等奖，领取奖金请登录 http://lj{n}.cn 回T退订",
    "低息贷款，无抵押当天放款，额度高至20万，详询 {n}",
    "您的积分即将清零，请点击 http://jf{n}.top 兑换现金红包",
    "发票代开，各类增值税发票，联系 {n}",
)


@dataclass(frozen=True, slots=True)
class Line:
    msisdn: str
    province: str
    points: int


@dataclass
class _Run:
    """The schedule: a heap of (when, seq, step) run in time order up to ``until``."""

    db: Database
    rng: random.Random
    seed: int
    until: datetime
    lines: list[Line]
    counts: dict[str, int] = field(default_factory=dict)
    heap: list[tuple[datetime, int, Callable[[datetime], None]]] = field(default_factory=list)
    seq: int = 0

    def at(self, when: datetime, step: Callable[[datetime], None]) -> None:
        if when <= self.until:
            self.seq += 1
            heapq.heappush(self.heap, (when, self.seq, step))

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def key(self, *parts: object) -> str:
        return "demo-" + str(self.seed) + "-" + "-".join(str(p) for p in parts)

    def pick(self, options: tuple[tuple[str, int], ...]) -> str:
        return self.rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def generate(
    db: Database,
    *,
    months: int = 3,
    until: str | None = None,
    seed: int = 2026,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Play ``months`` months of activity ending at ``until`` (ISO date or time, default
    now) for a sample of the demo subscribers; what was created, by kind (empty when
    this seed already ran)."""
    marker = MARKER.format(seed=seed)
    with db.uow() as uow:
        if uow.session.get(m.IdempotencyRecord, marker) is not None:
            return {}
    end = _parse_until(until)
    window = q.month_range(month_of(end), max(months, 1))
    start = q.month_start(window[0])
    _backdate_lines(db, start - timedelta(days=1))
    rng = random.Random(seed)
    run = _Run(db, rng, seed, end, _sample(db, rng))
    if not run.lines:
        return {}
    _opt_outs(run)
    _plan_sp_subscriptions(run, start)
    for month in window:
        lo = max(q.month_start(month), start)
        hi = min(q.month_start(q.add_months(month, 1)), end)
        if hi <= lo:
            continue
        share = (hi - lo) / (q.month_start(q.add_months(month, 1)) - q.month_start(month))
        _plan_month(run, month, lo, hi, share)
    total = len(run.heap)
    done = 0
    while run.heap:
        when, _, step = heapq.heappop(run.heap)
        try:
            step(when)
        except DomainError as err:  # e.g. a gift out of stock: the step is skipped
            run.count(f"refused ({type(err).__name__})")
        done += 1
        if progress is not None and done % 20 == 0:
            progress(done, total + len(run.heap))
    surveys.expire(db, now=end)
    for month in window:
        _usage(
            run,
            month,
            max(q.month_start(month), start),
            min(q.month_start(q.add_months(month, 1)), end),
        )
    if progress is not None:
        progress(total, total)
    with db.uow() as uow:
        uow.session.add(
            m.IdempotencyRecord(
                key=marker,
                operation="demo.activity",
                fingerprint=f"{seed}:{window[0]}:{window[-1]}",
                result=dict(run.counts),
                created_at=clock.now(),
            )
        )
        uow.commit()
    return dict(sorted(run.counts.items()))


def _parse_until(until: str | None) -> datetime:
    if not until:
        return clock.now()
    when = datetime.fromisoformat(until)
    if len(until) <= 10:  # a date: its end, operator time
        when = datetime.combine(when.date(), datetime.max.time()).replace(tzinfo=OPERATOR_TZ)
    return when if when.tzinfo else when.replace(tzinfo=OPERATOR_TZ)


def _sample(db: Database, rng: random.Random) -> list[Line]:
    with db.uow() as uow:
        rows = uow.session.execute(
            select(m.Subscriber.msisdn, m.Subscriber.province_code, m.Account.points)
            .join(m.Account, m.Account.subscriber_id == m.Subscriber.id)
            .where(m.Subscriber.status == "active")
            .order_by(m.Subscriber.msisdn)
        ).all()
    lines = [Line(str(a), str(b), int(c or 0)) for a, b, c in rows]
    return sorted(rng.sample(lines, min(SAMPLE, len(lines))), key=lambda x: x.msisdn)


def _backdate_lines(db: Database, before: datetime) -> None:
    """Direct rows: lines created after ``before`` (the seed makes them "today") are moved
    to ``before``, with their customers, base subscriptions and opening balance/points."""
    with db.uow() as uow:
        s = uow.session
        ids = list(s.scalars(select(m.Subscriber.id).where(m.Subscriber.created_at > before)))
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            cust = select(m.Subscriber.customer_id).where(m.Subscriber.id.in_(chunk))
            accs = select(m.Account.id).where(m.Account.subscriber_id.in_(chunk))
            s.execute(
                update(m.Subscriber).where(m.Subscriber.id.in_(chunk)).values(created_at=before)
            )
            s.execute(update(m.Customer).where(m.Customer.id.in_(cust)).values(created_at=before))
            s.execute(
                update(m.Subscription)
                .where(m.Subscription.subscriber_id.in_(chunk), m.Subscription.starts_at > before)
                .values(starts_at=before, created_at=before)
            )
            s.execute(
                update(m.LedgerEntry)
                .where(
                    m.LedgerEntry.account_id.in_(accs), m.LedgerEntry.reason == "opening balance"
                )
                .values(created_at=before)
            )
            s.execute(
                update(m.PointsEntry)
                .where(m.PointsEntry.account_id.in_(accs), m.PointsEntry.reason == "opening points")
                .values(created_at=before)
            )
        uow.commit()


def _backdate_entry(db: Database, entry_id: int, when: datetime) -> None:
    """Direct row: the ledger entry a service posted now gets the simulated time."""
    with db.uow() as uow:
        uow.session.execute(
            update(m.LedgerEntry).where(m.LedgerEntry.id == entry_id).values(created_at=when)
        )
        uow.commit()


def _add_cards(run: _Run, n: int, month: str) -> list[str]:
    """Direct rows: ``n`` unused recharge cards of a demo batch (one shared PIN hash)."""
    pin_hash = hash_secret(CARD_PIN)
    numbers = [f"9{run.seed % 10000:04d}{month.replace('-', '')}{i:05d}" for i in range(n)]
    with run.db.uow() as uow:
        for number in numbers:
            if uow.session.get(m.RechargeCard, number) is None:
                uow.session.add(
                    m.RechargeCard(
                        number=number,
                        pin_hash=pin_hash,
                        face_value_fen=run.rng.choice(CARD_FACES),
                        batch=f"DEMO-{run.seed}",
                        status="unused",
                    )
                )
        uow.commit()
    return numbers


def _daytime(run: _Run, lo: datetime, hi: datetime) -> datetime:
    """A random instant in [lo, hi) moved into 08:00–22:00 operator time."""
    when = lo + (hi - lo) * run.rng.random()
    local = when.astimezone(OPERATOR_TZ)
    if not 8 <= local.hour < 22:
        local = local.replace(hour=run.rng.randrange(8, 22))
    return max(lo, local.astimezone(UTC))


def _hours(h: float) -> timedelta:
    return timedelta(hours=h)


# --- planning one month --------------------------------------------------------------


def _plan_month(run: _Run, month: str, lo: datetime, hi: datetime, share: float) -> None:
    n = len(run.lines)
    for _ in range(max(3, round(n / 8 * share))):
        _plan_ticket(run, run.rng.choice(run.lines), _daytime(run, lo, hi))
    for i in range(max(3, round(n / 6 * share))):
        trigger = run.rng.choice((Trigger.SHOP, Trigger.HOTLINE))
        line = run.rng.choice(run.lines)
        run.at(_daytime(run, lo, hi), _contact(run, line, trigger, f"{month}-{i}"))
    _plan_spam(run, month, lo, hi, share)
    _plan_recharges(run, month, lo, hi, share)
    _plan_orders(run, lo, hi, share)


def _opt_outs(run: _Run) -> None:
    for line in run.lines:
        if run.rng.random() < 0.06:
            charging.set_data_reminder(
                run.db, line.msisdn, False, idempotency_key=run.key("reminder", line.msisdn)
            )
            run.count("reminder opt-outs")


def _plan_sp_subscriptions(run: _Run, start: datetime) -> None:
    """Some lines take SP services (consent by ``Y``) early in the window: the base of
    ``SP_COMPLAINT_RATE``."""
    for line in run.lines:
        x = run.rng.random()
        sp = (UNCONFIRMED_SP, "YX") if x < 0.12 else ("1066000001", "YY") if x < 0.2 else None
        if sp is None:
            continue

        def step(now: datetime, line: Line = line, sp: tuple[str, str] = sp) -> None:
            partners.request(run.db, line.msisdn, sp[0], sp[1], channel="sms", now=now)
            orders.confirm(run.db, line.msisdn, now=now + timedelta(minutes=2))
            run.count("SP subscriptions")

        run.at(_daytime(run, start, start + timedelta(days=5)), step)


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
                       late_response, late_resolution, reopen, cat)  # fmt: skip

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


# --- spam ------------------------------------------------------------------------------


def _plan_spam(run: _Run, month: str, lo: datetime, hi: datetime, share: float) -> None:
    rng = run.rng
    senders = [f"170{rng.randrange(10**8):08d}" for _ in range(max(1, round(3 * share)))]
    if month == month_of(run.until):
        senders.append(SPAM_SP)
    for i, sender in enumerate(senders):
        text = rng.choice(SPAM_TEXTS).format(n=sender[-6:])
        start = _daytime(run, lo, max(lo + _hours(1), hi - _hours(30)))
        for j, line in enumerate(rng.sample(run.lines, min(len(run.lines), rng.randint(5, 8)))):
            when = start + _hours(j * rng.uniform(0.3, 3))
            channel = rng.choice(("sms", "sms", "api"))
            run.at(when, _report(run, line, text, sender, channel))
        for j, line in enumerate(rng.sample(run.lines, min(len(run.lines), 4))):
            mid = run.key("mt", month, i, j)
            when = start + _hours(24 + j)
            run.at(when, _deliver(run, line, sender, text, mid, click=j == 0))
    for i in range(max(2, round(len(run.lines) / 25 * share))):
        line = rng.choice(run.lines)
        sender = f"171{rng.randrange(10**8):08d}"
        when = _daytime(run, lo, hi)
        run.at(when, _report(run, line, rng.choice(SPAM_TEXTS).format(n=i), sender, "sms"))
        wait = rng.uniform(4, 40) if rng.random() < 0.85 else rng.uniform(50, 90)
        run.at(when + _hours(wait), _dismiss(run, sender))


def _dismiss(run: _Run, sender: str) -> Callable[[datetime], None]:
    def step(now: datetime) -> None:
        done = antispam.dismiss_reports(run.db, sender, staff=STAFF.subject, now=now)
        run.count("reports dismissed", done)

    return step


def _report(
    run: _Run, line: Line, text: str, sender: str, channel: str
) -> Callable[[datetime], None]:
    def step(now: datetime) -> None:
        antispam.report(run.db, line.msisdn, text, sender=sender, channel=channel, now=now)
        run.count("spam reports")

    return step


def _deliver(
    run: _Run, line: Line, sender: str, text: str, mid: str, *, click: bool
) -> Callable[[datetime], None]:
    def step(now: datetime) -> None:
        d = antispam.deliver_mt(run.db, sender, line.msisdn, text, message_id=mid, now=now)
        run.count("messages " + d.action.value)
        if click and d.action.value == "quarantine":
            run.at(now + _hours(2), _click(run, line, mid))

    return step


def _click(run: _Run, line: Line, mid: str) -> Callable[[datetime], None]:
    def step(now: datetime) -> None:
        antispam.report_quarantined(run.db, line.msisdn, mid, now=now)
        run.count("spam reports")

    return step


# --- recharges -------------------------------------------------------------------------


def _plan_recharges(run: _Run, month: str, lo: datetime, hi: datetime, share: float) -> None:
    rng = run.rng
    n = max(4, round(len(run.lines) / 8 * share))
    numbers = _add_cards(run, n, month)
    for number in numbers:
        line = rng.choice(run.lines)
        when = _daytime(run, lo, hi)
        wrong = rng.random() < 0.12
        if wrong:
            run.at(when, _card(run, line, number, "000000"))
        if not wrong or rng.random() < 0.7:
            run.at(when + _hours(0.1), _card(run, line, number, CARD_PIN))
    for i in range(max(2, round(len(run.lines) / 12 * share))):
        line = rng.choice(run.lines)
        run.at(_daytime(run, lo, hi), _shop(run, line, f"{month}-{i}"))


def _card(run: _Run, line: Line, number: str, pin: str) -> Callable[[datetime], None]:
    def step(now: datetime) -> None:
        try:
            posted = cards.recharge_with_card(
                run.db, line.msisdn, number, pin, idempotency_key=run.key("card", number), now=now
            )
        except DomainError:
            run.count("failed card PINs")
            return
        _backdate_entry(run.db, posted.entry_id, now)
        run.count("card recharges")

    return step


def _shop(run: _Run, line: Line, ref: str) -> Callable[[datetime], None]:
    def step(now: datetime) -> None:
        posted = accounts.recharge(
            run.db, line.msisdn, run.rng.choice((2000, 5000, 10000)),
            idempotency_key=run.key("shop", ref), reason="营业厅充值",
        )  # fmt: skip
        _backdate_entry(run.db, posted.entry_id, now)
        run.count("shop recharges")

    return step


# --- gift orders -----------------------------------------------------------------------


def _plan_orders(run: _Run, lo: datetime, hi: datetime, share: float) -> None:
    rng = run.rng
    rich = [x for x in run.lines if x.points >= 3000]
    if not rich:
        return
    for _ in range(max(3, round(len(run.lines) / 30 * share))):
        line = rng.choice(rich)
        run.at(_daytime(run, lo, hi), _order(run, line, run.pick(ORDER_CHANNELS)))


def _order(run: _Run, line: Line, channel: str) -> Callable[[datetime], None]:
    rng = run.rng
    fate = rng.random()
    pick, ship = rng.uniform(4, 30), rng.uniform(8, 40)
    deliver = rng.uniform(24, 110) if rng.random() < 0.92 else rng.uniform(170, 260)

    def step(now: datetime) -> None:
        address = Address(
            f"{line.msisdn[-4:]}先生", line.msisdn, line.province, "市区", "人民路1号"
        )
        loyalty.request_redemption(
            run.db, line.msisdn, GIFT, channel=channel, address=address, now=now
        )
        done = loyalty.confirm_redemption(run.db, line.msisdn, now=now + timedelta(minutes=1))
        oid = done.order_id
        assert oid is not None
        run.count("gift orders")
        if fate < 0.04:
            run.at(now + _hours(pick / 2), _advance(run, oid, "cancelled"))
            return
        t = now + _hours(pick)
        run.at(t, _advance(run, oid, "picked"))
        run.at(t + _hours(ship), _advance(run, oid, "shipped"))
        run.at(t + _hours(ship + deliver), _advance(run, oid, "delivered"))
        if fate > 0.97:
            run.at(t + _hours(ship + deliver + 48), _advance(run, oid, "returned"))

    return step


def _advance(run: _Run, order_id: int, state: str) -> Callable[[datetime], None]:
    def step(now: datetime) -> None:
        loyalty.advance_order(run.db, STAFF, order_id, state, now=now)
        run.count(f"gift orders {state}")

    return step


# --- usage -----------------------------------------------------------------------------


def _usage(run: _Run, month: str, lo: datetime, hi: datetime) -> None:
    """One usage file per month for the sample: light users, and heavy data users whose
    usage passes their allowance (charges and reminders), rated by ``charging.ingest``."""
    if hi <= lo:
        return
    rng = run.rng
    rows: list[list[Any]] = []
    span = (hi - lo).total_seconds()
    for line in run.lines:
        heavy = rng.random() < 0.15
        total_kb = rng.randint(160, 520) * 1024 if heavy else rng.randint(2, 90) * 1024
        sessions = rng.randint(6, 14)
        for _ in range(sessions):
            started = lo + timedelta(seconds=rng.uniform(0, span - 60))
            rows.append([line.msisdn, "data", started, max(1, total_kb // sessions), ""])
        for _ in range(rng.randint(2, 6)):
            started = lo + timedelta(seconds=rng.uniform(0, span - 60))
            rows.append([line.msisdn, "voice", started, rng.randint(20, 600), "13800138000"])
    rows.sort(key=lambda r: r[2])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"usage-{month}.csv"
        with path.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(charging.COLUMNS)
            for i, (msisdn, service, started, volume, peer) in enumerate(rows):
                local = started.astimezone(OPERATOR_TZ).strftime("%Y-%m-%d %H:%M:%S")
                w.writerow([run.key("u", month, i), msisdn, service, local, volume, 0, peer])
        summary = charging.ingest(run.db, path, now=hi - timedelta(seconds=1))
    run.count("usage records", summary.rated)
