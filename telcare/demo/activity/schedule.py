"""The demo activity's schedule (a run of steps in time order), its data and shared helpers."""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from telcare.demo import load
from telcare.domain.access import Kind, Principal
from telcare.domain.provinces import HQ
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.store import models as m
from telcare.store.uow import Database

_DATA = load("activity")
MARKER = "demo-activity:{seed}"
SAMPLE: int = _DATA["sample"]
KEEP_OUT: frozenset[str] = frozenset(_DATA.get("keep_out", ()))  # the README's example lines
STAFF = Principal(Kind.STAFF, _DATA["staff"], HQ, "admin")
UNCONFIRMED_SP: str = _DATA["unconfirmed_sp"]
SPAM_SP: str = _DATA["spam_sp"]
CARD_PIN: str = _DATA["card_pin"]
CARD_FACES: tuple[int, ...] = tuple(_DATA["card_faces"])
GIFT: str = _DATA["gift"]
Progress = Callable[[int, int], None]

CATEGORIES: tuple[tuple[str, int], ...] = tuple(_DATA["categories"].items())
SUMMARIES: dict[str, str] = _DATA["summaries"]
TICKET_CHANNELS: tuple[tuple[str, int], ...] = tuple(_DATA["ticket_channels"].items())
ORDER_CHANNELS: tuple[tuple[str, int], ...] = tuple(_DATA["order_channels"].items())
ANSWERS: tuple[tuple[str, int], ...] = tuple(_DATA["answers"].items())
SPAM_TEXTS: tuple[str, ...] = tuple(_DATA["spam_texts"])


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


def _backdate_entry(db: Database, entry_id: int, when: datetime) -> None:
    """Direct row: the ledger entry a service posted now gets the simulated time."""
    with db.uow() as uow:
        uow.session.execute(
            update(m.LedgerEntry).where(m.LedgerEntry.id == entry_id).values(created_at=when)
        )
        uow.commit()


def _daytime(run: _Run, lo: datetime, hi: datetime) -> datetime:
    """A random instant in [lo, hi) moved into 08:00–22:00 operator time."""
    when = lo + (hi - lo) * run.rng.random()
    local = when.astimezone(OPERATOR_TZ)
    if not 8 <= local.hour < 22:
        local = local.replace(hour=run.rng.randrange(8, 22))
    return max(lo, local.astimezone(UTC))


def _hours(h: float) -> timedelta:
    return timedelta(hours=h)
