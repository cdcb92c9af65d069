"""Recharges: demo recharge cards sold and used (some wrong PINs), and shop recharges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from telcare.demo.activity.schedule import (
    CARD_FACES,
    CARD_PIN,
    Line,
    _backdate_entry,
    _daytime,
    _hours,
    _Run,
)
from telcare.domain.errors import DomainError
from telcare.services import (
    accounts,
    cards,
)
from telcare.services.hashing import hash_secret
from telcare.store import models as m


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
