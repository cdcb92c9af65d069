"""Outbound MT: the queue, the submit_sm window, response timeouts, retries and throttling.

Each MT is one :class:`Mt` with exactly one owner at a time: the queue, the retry list, or
the in-flight table (per part). Its parts are encoded once, so a retried part keeps its
concatenation reference and an accepted part is never sent again.
"""

from __future__ import annotations

import collections
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from smpplib import smpp

from telcare.channels.sms.messages import MtMessage
from telcare.channels.sms.smpp.backoff import Backoff
from telcare.channels.sms.smpp.client import SmppClient
from telcare.channels.sms.smpp.pdu import (
    ESM_UDHI,
    ESME_RMSGQFUL,
    ESME_ROK,
    ESME_RTHROTTLED,
    encode_text,
    text_of,
)
from telcare.ops import logs
from telcare.ops.metrics import SMPP_ERRORS

logger = logging.getLogger(__name__)

_TRANSIENT_SUBMIT_ERRORS = frozenset({ESME_RTHROTTLED, ESME_RMSGQFUL})


@dataclass(eq=False)
class Mt:
    """One MT message on its way: its encoded parts and how far each got."""

    message: MtMessage
    outbox_id: int | None = None
    """The ``outbound_sms`` row it comes from (notifications), None for a direct reply."""
    data_coding: int = 0
    parts: list[bytes] = field(default_factory=list)
    accepted: dict[int, str] = field(default_factory=dict)
    """Part index -> the SMSC's message_id."""
    attempts: int = 0
    retry_at: float = 0.0
    queued: bool = False

    @property
    def done(self) -> bool:
        return len(self.accepted) == len(self.parts)


MtResult = Callable[[Mt, str, str], None]
"""Called on the gateway loop with ``(mt, "submitted" | "failed", message ids or reason)``."""


class Outbox:
    """MT messages waiting for a bound session, and those sent but not yet acknowledged.

    At most ``window`` submit_sm are unacknowledged at a time. A part without a response
    within ``response_timeout`` is sent again later, as is one refused with a transient error
    (which also pauses all sending, with back-off: the SMSC is throttling this bind); after
    ``max_attempts`` sends a message is failed. After a link loss the unacknowledged ones go
    back to the head of the queue (at-least-once). :meth:`append` is thread-safe; everything
    else runs on the gateway's loop.
    """

    def __init__(
        self,
        window: int,
        allow_default_alphabet: bool,
        addressing: Mapping[str, int],
        *,
        response_timeout: float = 10.0,
        max_attempts: int = 5,
        gsm_alphabet: bool = False,
        retry_initial: float = 1.0,
        retry_max: float = 60.0,
        on_result: MtResult | None = None,
    ) -> None:
        self.window = window
        self.allow_default_alphabet_mt = allow_default_alphabet
        self.gsm_alphabet = gsm_alphabet
        self.response_timeout = response_timeout
        self.max_attempts = max_attempts
        self.retry_initial, self.retry_max = retry_initial, retry_max
        self.on_result = on_result
        self._addr = dict(addressing)
        self._incoming: collections.deque[Mt] = collections.deque()  # from other threads
        self._queue: collections.deque[Mt] = collections.deque()
        self._retry: list[Mt] = []
        self._inflight: dict[int, tuple[Mt, int, float]] = {}  # seq -> (mt, part, sent at)
        self._throttle = Backoff(0.2, 10.0)
        self.paused_until = 0.0
        self.throttled = 0
        """Transient refusals (ESME_RTHROTTLED, ESME_RMSGQFUL) so far."""

    # ------------------------------------------------------------- queueing

    def append(self, message: MtMessage, outbox_id: int | None = None) -> None:
        """Queue one MT message (thread-safe)."""
        self._incoming.append(self._new(message, outbox_id))

    def extend(self, messages: Iterable[MtMessage]) -> None:
        """Queue MT messages in order (from the loop thread)."""
        for message in messages:
            self._enqueue(self._new(message, None))

    def _new(self, message: MtMessage, outbox_id: int | None) -> Mt:
        data_coding, parts = encode_text(
            message.text, self.allow_default_alphabet_mt, self.gsm_alphabet
        )
        return Mt(message, outbox_id, data_coding, parts)

    def _enqueue(self, mt: Mt, front: bool = False) -> None:
        if mt.queued or mt.done:
            return
        mt.queued = True
        if front:
            self._queue.appendleft(mt)
        else:
            self._queue.append(mt)

    @property
    def queued(self) -> int:
        """MT messages not sent yet (or waiting to be sent again)."""
        return len(self._incoming) + len(self._queue) + len(self._retry)

    @property
    def pending(self) -> int:
        """MT messages queued or still awaiting a submit_sm_resp."""
        return len(self.unsent())

    @property
    def idle(self) -> bool:
        """Nothing queued and nothing awaiting a response."""
        return not self._inflight and not self.queued

    def unsent(self) -> list[Mt]:
        """Every MT not completely accepted (callable from any thread: copies first)."""
        seen: dict[int, Mt] = {}
        everything = list(self._incoming) + list(self._queue) + list(self._retry)
        everything += [mt for mt, _, _ in list(self._inflight.values())]
        for mt in everything:
            seen.setdefault(id(mt), mt)
        return list(seen.values())

    # ------------------------------------------------------------- sending

    def flush(self, client: SmppClient, now: float | None = None) -> None:
        """Send queued messages as submit_sm while the window has room and no pause holds."""
        now = time.monotonic() if now is None else now
        while self._incoming:
            self._enqueue(self._incoming.popleft())
        self.expire(now)
        for mt in [mt for mt in self._retry if mt.retry_at <= now]:
            self._retry.remove(mt)
            self._enqueue(mt)
        if now < self.paused_until:
            return
        while self._queue and len(self._inflight) < self.window:
            mt = self._queue.popleft()
            mt.queued = False
            busy = {part for m, part, _ in self._inflight.values() if m is mt}
            todo = [i for i in range(len(mt.parts)) if i not in mt.accepted and i not in busy]
            if not todo:
                continue
            mt.attempts += 1
            for index in todo:
                pdu = self._submit_pdu(client, mt, index)
                self._inflight[pdu.sequence] = (mt, index, now)  # owned before the write
                client.send_pdu(pdu)  # a broken pipe: requeue_inflight() takes it back once
            with logs.bound(message_id=mt.message.message_id or ""):
                logger.info("sms.mt submitted to %s", mt.message.recipient)

    def _submit_pdu(self, client: SmppClient, mt: Mt, index: int) -> Any:
        return smpp.make_pdu(
            "submit_sm",
            client=client,
            source_addr=mt.message.sender,
            destination_addr=mt.message.recipient,
            esm_class=ESM_UDHI if len(mt.parts) > 1 else 0,
            data_coding=mt.data_coding,
            short_message=mt.parts[index],
            registered_delivery=1 if mt.outbox_id is not None else 0,
            **self._addr,
        )

    def next_event(self, now: float) -> float | None:
        """Seconds until a retry, the end of a pause, or a response timeout is due."""
        times = [mt.retry_at for mt in self._retry]
        times += [at + self.response_timeout for _, _, at in self._inflight.values()]
        if self._queue and now < self.paused_until:
            times.append(self.paused_until)
        return max(0.0, min(times) - now) if times else None

    def expire(self, now: float) -> None:
        """Parts unanswered for ``response_timeout`` are sent again later (or failed)."""
        late = [s for s, (_, _, at) in self._inflight.items() if now - at >= self.response_timeout]
        for sequence in late:
            mt, index, _ = self._inflight.pop(sequence)
            logger.warning(
                "no submit_sm_resp for seq %d (MT to %s part %d) in %.1fs",
                sequence,
                mt.message.recipient,
                index + 1,
                self.response_timeout,
            )
            self._retry_later(mt, now, "no submit_sm_resp")

    def _retry_later(self, mt: Mt, now: float, reason: str, count: bool = True) -> None:
        if mt.queued or mt in self._retry:
            return
        if count and mt.attempts >= self.max_attempts:
            self._fail(mt, f"{reason} after {mt.attempts} attempts")
            return
        delay = min(self.retry_max, self.retry_initial * 2 ** max(0, mt.attempts - 1))
        logger.info("MT to %s sent again in %.2fs (%s)", mt.message.recipient, delay, reason)
        mt.retry_at = now + delay
        self._retry.append(mt)

    def _fail(self, mt: Mt, reason: str) -> None:
        for sequence in [s for s, (m, _, _) in self._inflight.items() if m is mt]:
            del self._inflight[sequence]
        logger.error("MT to %s failed: %s", mt.message.recipient, reason)
        if self.on_result is not None:
            self.on_result(mt, "failed", reason)

    # ------------------------------------------------------------- responses

    def on_submit_resp(self, pdu: Any) -> None:
        """A submit_sm_resp: the part is accepted, or refused with the response's status."""
        if pdu.status != ESME_ROK:
            SMPP_ERRORS.labels("submit_sm", f"0x{pdu.status:08x}").inc()
            self.inflight_failed(pdu.sequence, pdu.status)
            return
        entry = self._inflight.pop(pdu.sequence, None)
        if entry is None:
            logger.warning("late submit_sm_resp for seq %s (already sent again)", pdu.sequence)
            return
        self._throttle.reset()
        mt, index, _ = entry
        mt.accepted[index] = text_of(getattr(pdu, "message_id", None))
        logger.debug("MT to %s accepted as %s", mt.message.recipient, mt.accepted[index])
        if mt.done and self.on_result is not None:
            ids = ",".join(mt.accepted[i] for i in sorted(mt.accepted))
            self.on_result(mt, "submitted", ids)

    def inflight_failed(self, sequence: int, status: int, now: float | None = None) -> None:
        """The submit_sm ``sequence`` was refused: retry after a transient error, else fail."""
        entry = self._inflight.pop(sequence, None)
        if entry is None:
            return
        mt = entry[0]
        now = time.monotonic() if now is None else now
        if status in _TRANSIENT_SUBMIT_ERRORS:
            self.throttled += 1
            delay = self._throttle.next_delay()
            self.paused_until = max(self.paused_until, now + delay)
            logger.warning(
                "SMSC busy (0x%x) for MT to %s: sending paused %.2fs",
                status,
                mt.message.recipient,
                delay,
            )
            mt.retry_at = self.paused_until
            if not mt.queued and mt not in self._retry:
                self._retry.append(mt)
        else:
            self._fail(mt, f"refused by SMSC with status 0x{status:x}")

    def requeue_inflight(self) -> None:
        """After a link loss, unacknowledged MT go back to the head of the queue, in order."""
        pending: list[Mt] = []
        for _, (mt, _, _) in sorted(self._inflight.items()):
            if mt not in pending:
                pending.append(mt)
        self._inflight.clear()
        for mt in reversed(pending):
            if mt in self._retry:
                self._retry.remove(mt)
            self._enqueue(mt, front=True)
