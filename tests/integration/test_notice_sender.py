"""The notification thread of `telcare smpp`: one owner per row, and it outlives database
errors (issue #16 case 6: one error used to stop every notification silently)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from telcare import clock
from telcare.channels.sms.messages import MtMessage
from telcare.channels.sms.smpp.outbox import Mt
from telcare.channels.sms.smpp.serve import NoticeSender
from telcare.services import mt_state, notify
from telcare.store.uow import Database


class FakeGateway:
    bound = True
    pending_mt = 0

    def __init__(self) -> None:
        self.sent: list[tuple[MtMessage, int | None]] = []

    def send(self, message: MtMessage, outbox_id: int | None = None) -> None:
        self.sent.append((message, outbox_id))


def queue(db: Database, *keys: str) -> None:
    with db.uow() as uow:
        for key in keys:
            notify.queue_sms(uow.session, "13900139000", f"notice {key}", dedupe_key=key)
        uow.commit()


def test_thread_survives_database_errors(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue(sqlite_db, "n-1")
    sender = NoticeSender(sqlite_db, owner="one")
    gateway = FakeGateway()
    sender.gateway = gateway  # type: ignore[assignment]
    real_renew, failures = mt_state.renew, [0]

    def flaky_renew(*args: Any, **kwargs: Any) -> int:
        if failures[0] < 3:
            failures[0] += 1
            raise OperationalError("UPDATE", {}, Exception("database is locked"))
        return real_renew(*args, **kwargs)

    monkeypatch.setattr(mt_state, "renew", flaky_renew)
    stop = threading.Event()
    thread = threading.Thread(target=sender.run, args=(0.01, stop))
    thread.start()
    try:
        deadline = time.monotonic() + 5
        while not gateway.sent and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join(5)
    assert [m.text for m, _ in gateway.sent] == ["notice n-1"]
    assert failures == [3]


def test_each_row_has_one_owner_and_reports_reach_the_database(db: Database) -> None:
    queue(db, "a", "b")
    first, second = NoticeSender(db, owner="first"), NoticeSender(db, owner="second")
    gw1, gw2 = FakeGateway(), FakeGateway()
    first.gateway, second.gateway = gw1, gw2  # type: ignore[assignment]
    first.round()
    second.round()  # claimed by the first: not the second's to send
    ours = [(m, i) for m, i in gw1.sent if m.recipient == "13900139000"]
    assert [m.text for m, _ in ours] == ["notice a", "notice b"]
    assert not [m for m, _ in gw2.sent if m.recipient == "13900139000"]
    (message, outbox_id), _ = ours
    assert outbox_id is not None
    first.on_mt_result(Mt(message, outbox_id), "submitted", "m-1")
    first.record()
    first.finish()  # stops: the row not accepted goes back to the queue
    rows = {r.text: r for r in mt_state.states(db, recipient="13900139000")}
    assert rows["notice a"].status == "submitted" and rows["notice a"].sent_at is not None
    assert rows["notice b"].status == "queued"
    second.round()
    assert [m.text for m, _ in gw2.sent if m.recipient == "13900139000"] == ["notice b"]


def test_a_dead_gateways_claims_expire(db: Database) -> None:
    queue(db, "x")
    assert len(mt_state.claim(db, "dead")) == 1
    assert "notice x" not in [c.text for c in mt_state.claim(db, "alive")]
    later = mt_state.claim(db, "alive", now=clock.now() + 2 * mt_state.LEASE)
    assert "notice x" in [c.text for c in later]
