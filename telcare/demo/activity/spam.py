"""Spam: reports of senders, quarantined messages, a flagged SP and dismissed reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from telcare.demo.activity.schedule import SPAM_SP, SPAM_TEXTS, STAFF, Line, _daytime, _hours, _Run
from telcare.domain.months import month_of
from telcare.services import (
    antispam,
)

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
        done = antispam.dismiss_reports(run.db, sender, who=STAFF, now=now)
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
