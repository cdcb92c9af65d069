"""Points gift orders by SMS, web, API and the hall, and their delivery."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from telcare.demo.activity.schedule import GIFT, ORDER_CHANNELS, STAFF, Line, _daytime, _hours, _Run
from telcare.domain.loyalty import Address
from telcare.services import (
    loyalty,
)

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
