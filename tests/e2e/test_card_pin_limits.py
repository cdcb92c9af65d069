"""The daily wrong-PIN limit of recharge cards, per line and per card, under concurrency.

Concurrent ``CZ…`` through the real SMS dispatcher, each MO in its own thread and
transactions, on SQLite and PostgreSQL (issue #15, finding 4).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.domain.errors import Locked, WrongSecret
from telcare.services import cards, selfcare
from telcare.store.uow import Database

BJ, GD, SH = "13800138000", "13900139000", "13700137000"  # zh, en, zh
CARD, PIN, WRONG = "1000000000000001", "123456", "000000"  # the demo card: 50 yuan
LIMIT = 5


@pytest.fixture
def pin_checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every PIN check the recharge makes, with its outcome."""
    checks: list[bool] = []
    lock = threading.Lock()
    real: Callable[[str, str], bool] = cards.verify_secret

    def counted(pin: str, stored: str) -> bool:
        ok = real(pin, stored)
        with lock:
            checks.append(ok)
        return ok

    monkeypatch.setattr(cards, "verify_secret", counted)
    return checks


def race(db: Database, mos: list[tuple[str, str]]) -> list[str]:
    """Send ``(sender, text)`` MOs all at once, one thread each; the replies, in order."""
    start = threading.Barrier(len(mos))

    def send(i: int, sender: str, text: str) -> str:
        dispatcher = SmsDispatcher(db)
        start.wait()
        replies = dispatcher.handle(MoMessage(sender, "10086", text, message_id=f"race-{i}"))
        return "".join(r.text for r in replies)

    with ThreadPoolExecutor(len(mos)) as pool:
        futures = [pool.submit(send, i, sender, text) for i, (sender, text) in enumerate(mos)]
        return [f.result(timeout=120) for f in futures]


def send(db: Database, sender: str, text: str, tag: str) -> str:
    replies = SmsDispatcher(db).handle(MoMessage(sender, "10086", text, message_id=tag))
    return "".join(r.text for r in replies)


def lefts(replies: list[str]) -> list[int]:
    """The attempts left that the wrong-PIN replies announced (zh and en)."""
    found = (re.search(r"还可尝试(\d+)次|(\d+) attempts left", r) for r in replies)
    return sorted(int(m.group(1) or m.group(2)) for m in found if m)


def locked(reply: str) -> bool:
    return "请明日再试" in reply or "try again tomorrow" in reply


def balance(db: Database, msisdn: str) -> int:
    return selfcare.overview(db, msisdn).balance_fen


def test_concurrent_wrong_pins_from_one_line_count_exactly_the_limit(
    db: Database, pin_checks: list[bool]
) -> None:
    before = balance(db, BJ)
    replies = race(db, [(BJ, f"CZ{CARD}{WRONG}")] * 24)
    assert len(pin_checks) == LIMIT and not any(pin_checks)
    assert lefts(replies) == [0, 1, 2, 3, 4]
    assert sum(locked(r) for r in replies) == 24 - LIMIT
    assert cards.failures_today(db, BJ) == LIMIT
    assert cards.card_failures_today(db, CARD) == LIMIT
    # the right PIN after the limit is refused without a check
    assert "请明日再试" in send(db, BJ, f"CZ{CARD}{PIN}", "right")
    assert len(pin_checks) == LIMIT and balance(db, BJ) == before
    assert cards.failures_today(db, BJ) == LIMIT


def test_concurrent_wrong_pins_from_several_lines_lock_the_card_for_all(
    db: Database, pin_checks: list[bool]
) -> None:
    lines = (BJ, GD, SH)
    before = {n: balance(db, n) for n in lines}
    replies = race(db, [(n, f"CZ{CARD}{WRONG}") for n in lines] * 8)
    assert len(pin_checks) == LIMIT and not any(pin_checks)
    assert sum(locked(r) for r in replies) == 24 - LIMIT
    assert cards.card_failures_today(db, CARD) == LIMIT
    assert sum(cards.failures_today(db, n) for n in lines) == LIMIT
    for n in lines:  # nobody may try the card today, not even with its PIN
        assert locked(send(db, n, f"CZ{CARD}{PIN}", f"right-{n}"))
    assert len(pin_checks) == LIMIT
    assert {n: balance(db, n) for n in lines} == before


def test_wrong_pins_spread_over_lines_lock_the_card(db: Database) -> None:
    # what is left is the lower of the line's and the card's
    assert "还可尝试4次" in send(db, BJ, f"CZ{CARD}{WRONG}", "w0")
    assert "还可尝试3次" in send(db, BJ, f"CZ{CARD}{WRONG}", "w1")
    assert "2 attempts left" in send(db, GD, f"CZ{CARD}{WRONG}", "w2")
    assert "1 attempts left" in send(db, GD, f"CZ{CARD}{WRONG}", "w3")
    # the fifth wrong PIN on the card, SH's first: no attempt left on this card
    assert "还可尝试0次" in send(db, SH, f"CZ{CARD}{WRONG}", "w-sh")
    assert cards.card_failures_today(db, CARD) == LIMIT
    assert cards.failures_today(db, SH) == 1 and cards.failures_today(db, GD) == 2
    refused = send(db, GD, f"CZ{CARD}{PIN}", "gd-right")
    assert refused == "This card had 5 wrong PINs today; please try again tomorrow."
    assert "该充值卡今日密码错误已达5次" in send(db, SH, f"CZ{CARD}{PIN}", "sh-right")
    assert balance(db, GD) == 3000 and balance(db, SH) == 50
    # the lines themselves may still try other cards
    assert "还可尝试3次" in send(db, SH, f"CZ1000000000000009{WRONG}", "sh-other")


def test_a_line_locked_on_some_cards_cannot_try_another(
    db: Database, pin_checks: list[bool]
) -> None:
    others = [f"CZ{1000000000000100 + i}{WRONG}" for i in range(12)]
    replies = race(db, [(BJ, text) for text in others])
    assert len(pin_checks) == 0  # none of those numbers is a card: no PIN to check
    assert lefts(replies) == [0, 1, 2, 3, 4]
    assert cards.failures_today(db, BJ) == LIMIT
    assert "今日充值卡密码错误已达5次" in send(db, BJ, f"CZ{CARD}{PIN}", "bj-right")
    assert len(pin_checks) == 0 and balance(db, BJ) == 10000
    # the card itself was never guessed: another line uses it
    assert cards.card_failures_today(db, CARD) == 0
    assert "Recharged 50.00 yuan" in send(db, GD, f"CZ{CARD}{PIN}", "gd-right")


def test_the_next_operator_day_unlocks(db: Database) -> None:
    late = datetime(2024, 6, 3, 15, 30, tzinfo=UTC)  # 23:30 in Beijing
    next_day = datetime(2024, 6, 3, 16, 30, tzinfo=UTC)  # 00:30 the next day, same UTC date

    def recharge(msisdn: str, pin: str, key: str, now: datetime) -> Any:
        return cards.recharge_with_card(db, msisdn, CARD, pin, idempotency_key=key, now=now)

    for i in range(LIMIT):
        with pytest.raises(WrongSecret):
            recharge(BJ, WRONG, f"late-{i}", late)
    with pytest.raises(Locked) as line:
        recharge(BJ, PIN, "late-bj", late)
    assert line.value.key == "card.locked"
    with pytest.raises(Locked) as card:
        recharge(GD, PIN, "late-gd", late)
    assert card.value.key == "card.card_locked"
    assert cards.failures_today(db, BJ, now=next_day) == 0
    assert cards.card_failures_today(db, CARD, now=next_day) == 0
    assert recharge(BJ, PIN, "next-bj", next_day).amount_fen == 5000
    assert cards.failures_today(db, BJ, now=late) == LIMIT  # yesterday's count stays
