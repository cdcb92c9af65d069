"""`telcare smpp`: the gateway answering MOs plus the thread that sends notifications.

The notification thread claims due ``outbound_sms`` rows for this process (one owner per
MT), hands them to the gateway, and writes back what the gateway reports: accepted by the
SMSC (``sent_at`` only then), failed, delivered. A database error is logged and the next
round tries again; on a clean stop every row not accepted is released for the next run.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import uuid
from collections.abc import Callable

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MtMessage
from telcare.channels.sms.smpp.gateway import SmppGateway
from telcare.channels.sms.smpp.outbox import Mt
from telcare.config import Settings
from telcare.ops.metrics import SMS_MT
from telcare.services import mt_state
from telcare.store.uow import Database

logger = logging.getLogger(__name__)

MAX_HELD = 1000
"""Claim no more while this many MTs wait in the gateway (the SMSC is slow or away)."""


class NoticeSender:
    """Moves notifications between the database and a gateway (see the module docstring)."""

    def __init__(self, db: Database, owner: str | None = None) -> None:
        self.db = db
        self.owner = owner or f"{socket.gethostname()[:20]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.gateway: SmppGateway | None = None
        self._events: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._retry: list[Callable[[], None]] = []

    # called on the gateway's loop thread: only queue, never touch the database there
    def on_mt_result(self, mt: Mt, state: str, detail: str) -> None:
        outbox_id = mt.outbox_id
        if outbox_id is None:
            return
        if state == "submitted":
            ids = detail.split(",")
            self._events.put(lambda: mt_state.submitted(self.db, outbox_id, ids))
        else:
            self._events.put(lambda: mt_state.failed(self.db, outbox_id, detail))

    def on_receipt(self, message_id: str, state: str) -> None:
        self._events.put(lambda: mt_state.receipt(self.db, message_id, state) and None)

    def record(self) -> None:
        """Write the gateway's reports; what fails stays for the next round."""
        while not self._events.empty():
            self._retry.append(self._events.get())
        while self._retry:
            self._retry[0]()
            self._retry.pop(0)

    def round(self) -> int:
        """One round: record reports, renew claims, claim and hand over due rows."""
        gateway = self.gateway
        assert gateway is not None
        self.record()
        mt_state.renew(self.db, self.owner)
        if not gateway.bound or gateway.pending_mt >= MAX_HELD:
            return 0
        claimed = mt_state.claim(self.db, self.owner, limit=MAX_HELD - gateway.pending_mt)
        SMS_MT.labels("notification").inc(len(claimed))
        for row in claimed:
            gateway.send(MtMessage(row.sender, row.recipient, row.text), outbox_id=row.outbox_id)
        return len(claimed)

    def run(self, every: float, stop: threading.Event) -> None:
        """Rounds every ``every`` seconds until ``stop``; a failing round is logged."""
        while not stop.wait(every):
            try:
                self.round()
            except Exception:  # the database may be away for a while; never stop notifying
                logger.exception("sending notifications failed; retrying in %.1fs", every)

    def finish(self) -> None:
        """After the gateway stopped: record the last reports, release unsent rows."""
        try:
            self.record()
            released = mt_state.release(self.db, self.owner)
        except Exception:
            logger.exception("could not release notifications; they return after the lease")
            return
        if released:
            logger.info("%d notification(s) released for the next run", released)


def serve(
    db: Database,
    drain_every: float,
    settings: Settings,
    before: Callable[[SmppGateway], None] | None = None,
) -> None:
    """Bind, answer MOs and send notifications until SIGTERM; raises if the gateway died.

    ``before`` gets the gateway before it binds (health checks, metrics, logs)."""
    sender = NoticeSender(db)
    gateway = SmppGateway.from_settings(
        SmsDispatcher(db).handle,
        settings,
        on_mt_result=sender.on_mt_result,
        on_receipt=sender.on_receipt,
    )
    sender.gateway = gateway
    if before is not None:
        before(gateway)
    stop = threading.Event()
    thread = threading.Thread(
        target=sender.run, args=(drain_every, stop), name="notifications", daemon=True
    )
    thread.start()
    try:
        gateway.serve()
    finally:
        stop.set()
        thread.join(max(5.0, 2 * drain_every))
        sender.finish()
